/**
 * `cairn status -c`: DVC's cloud status. Each object of the chosen outputs is `new` (in the
 * cache, not on the remote), `deleted` (on the remote, not in the cache) or `missing` (in
 * neither); objects in both are not listed. Names are output paths, and `dir/file` for the files
 * of a directory output.
 */
import { createHash } from 'node:crypto';
import { isDirOid, type TreeEntry } from '@cairn/cache';
import { oidToKey, remoteHas } from '@cairn/remote-adapters';
import type { RemoteDriver } from '@cairn/types';
import type { DataContext } from '../data/context.js';
import { isSelected } from '../data/targets.js';
import { byRemote, type SyncHost, type SyncOptions, withRemotes } from './sync.js';
import { collectUsedOutputs, localTree, treeEntries } from './used-outputs.js';

export type CloudState = 'new' | 'deleted' | 'missing';

export interface CloudStatus {
  /** `{name: state}` for every object that is not in both places (DVC's `--json` shape). */
  changes: Record<string, CloudState>;
  /** The remotes compared against. */
  remotes: string[];
  /** How many outputs were compared (0: nothing tracked). */
  outputs: number;
}

/** A `.dir` object's entries from the remote, verified against its id; undefined if unreadable. */
export async function remoteTree(
  remote: RemoteDriver,
  oid: string,
  signal?: AbortSignal,
): Promise<TreeEntry[] | undefined> {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of await remote.read(oidToKey(oid), signal ? { signal } : {})) {
      chunks.push(chunk as Buffer);
    }
    const bytes = Buffer.concat(chunks);
    if (createHash('md5').update(bytes).digest('hex') !== oid.slice(0, 32)) return undefined;
    return treeEntries(bytes, oid);
  } catch {
    return undefined;
  }
}

export async function cloudStatus(
  ctx: DataContext,
  host: SyncHost,
  options: SyncOptions,
): Promise<CloudStatus> {
  const used = await collectUsedOutputs(host, options);
  const outputs = used.outputs.filter((o) => o.push);
  const groups = byRemote(host, outputs, options.remote, 'status -c');
  const changes: Record<string, CloudState> = {};
  await withRemotes(host, async (pool) => {
    for (const [name, group] of groups) {
      const remote = await pool.get(name);
      const names = new Map<string, string[]>();
      const add = (oid: string, path: string) => names.set(oid, [...(names.get(oid) ?? []), path]);
      for (const out of group) {
        add(out.oid, out.path);
        if (!isDirOid(out.oid)) continue;
        const entries =
          localTree(ctx.store.path(out.oid), out.oid) ??
          (await remoteTree(remote, out.oid, ctx.signal));
        for (const entry of entries ?? []) {
          if (isSelected(out.within, entry.relpath)) add(entry.md5, `${out.path}/${entry.relpath}`);
        }
      }
      const onRemote = await remoteHas(remote, names.keys(), {
        ...(options.jobs === undefined ? {} : { jobs: options.jobs }),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      for (const [oid, paths] of names) {
        const local = ctx.hasObject(oid);
        const remoteToo = onRemote.has(oid);
        if (local && remoteToo) continue;
        const state: CloudState = local ? 'new' : remoteToo ? 'deleted' : 'missing';
        for (const path of paths) changes[path] = state;
      }
    }
  });
  const sorted = Object.fromEntries(
    Object.entries(changes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  return { changes: sorted, remotes: [...groups.keys()], outputs: outputs.length };
}

/** DVC's text: `\tnew:` padded to 30 columns, then the name. */
export function formatCloudStatus(changes: Record<string, CloudState>): string {
  return Object.entries(changes)
    .map(([name, state]) => `\t${`${state}:`.padEnd(30)}${name}`)
    .join('\n');
}

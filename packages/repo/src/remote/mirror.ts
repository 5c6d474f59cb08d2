/**
 * `cairn mirror --from A --to B`: makes every object the chosen revisions reference present on
 * B, copying from A only what B lacks (streamed, md5-verified, files before their listings).
 */
import { isDirOid, type TreeEntry } from '@cairn/cache';
import type { DataContext } from '../data/context.js';
import { remoteTree } from './cloud-status.js';
import { copyObjects } from './copy-objects.js';
import type { SyncFailure, SyncHost, SyncResult } from './sync.js';
import { withRemotes } from './sync.js';
import { collectUsedOutputs, localTree, type ScopeOptions } from './used-outputs.js';

export interface MirrorOptions extends ScopeOptions {
  /** Source remote name. */
  from: string;
  /** Destination remote name. */
  to: string;
  jobs?: number;
}

export async function mirrorRemotes(
  ctx: DataContext,
  host: SyncHost,
  options: MirrorOptions,
): Promise<SyncResult> {
  const used = await collectUsedOutputs(host, options);
  const outputs = used.outputs.filter((o) => o.push);
  const from = options.from.toLowerCase();
  const to = options.to.toLowerCase();
  const result: SyncResult = {
    transferred: 0,
    skipped: 0,
    failed: [],
    bytes: 0,
    remotes: [from, to],
    skippedRevisions: used.skipped,
    legacy: used.legacy,
  };
  await withRemotes(host, async (pool) => {
    const source = await pool.get(from);
    const target = await pool.get(to);
    const paths = new Map<string, string[]>();
    const add = (oid: string, path: string) => paths.set(oid, [...(paths.get(oid) ?? []), path]);
    const requires = new Map<string, string[]>();
    for (const out of outputs) {
      add(out.oid, out.path);
      if (!isDirOid(out.oid)) continue;
      const entries: TreeEntry[] =
        localTree(ctx.store.path(out.oid), out.oid) ??
        (await remoteTree(source, out.oid, ctx.signal)) ??
        [];
      for (const e of entries) add(e.md5, `${out.path}/${e.relpath}`);
      requires.set(out.oid, [
        ...new Set([...(requires.get(out.oid) ?? []), ...entries.map((e) => e.md5)]),
      ]);
    }
    const summary = await copyObjects({
      from: source,
      to: target,
      oids: paths.keys(),
      requires,
      ...(options.jobs === undefined ? {} : { jobs: options.jobs }),
      ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    result.transferred = summary.transferred;
    result.skipped = summary.skipped;
    result.bytes = summary.bytes;
    result.failed = summary.failed.map(
      (f): SyncFailure => ({ ...f, remote: from, paths: paths.get(f.oid) ?? [] }),
    );
  });
  return result;
}

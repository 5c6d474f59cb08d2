/**
 * `cairn gc --cloud`: the objects of a remote that nothing in the scope references are deleted
 * there too (DVC's `gc -c`). The keep set is the local gc's; each `.dir` object in it keeps its
 * files, read from the cache or else from the remote. A kept listing found in neither place is
 * reported: its files cannot be put back together without it, so they count as unused.
 * Listings are deleted before files, as locally, so an interrupted run never leaves a listing
 * whose files are gone.
 */
import { isDirOid } from '@cairn/cache';
import { listRemoteOids, oidToKey } from '@cairn/remote-adapters';
import { CairnError, type RemoteDriver } from '@cairn/types';
import { mapLimit } from '../data/concurrency.js';
import type { DataContext } from '../data/context.js';
import { remoteTree } from './cloud-status.js';
import { chooseRemote, type RemoteHost } from './open.js';
import { withRemotes } from './sync.js';
import { localTree } from './used-outputs.js';

export interface CloudGcOptions {
  /** The remote (default: `core.remote`). */
  remote?: string;
  jobs?: number;
  dryRun?: boolean;
}

export interface CloudGcResult {
  remote: string;
  /** Object ids deleted from the remote (or that would be, with dryRun). */
  removed: string[];
  kept: number;
  /** Kept `.dir` objects that neither the cache nor the remote holds. */
  missingListings: string[];
}

/**
 * Opens the remote and makes sure it can list its objects, then runs the local gc (`local`,
 * which returns the objects the scope uses), then the remote's.
 */
export async function collectRemoteGarbage<R extends { cloud?: CloudGcResult }>(
  ctx: DataContext,
  host: RemoteHost,
  options: CloudGcOptions,
  local: () => Promise<{ result: R; used: ReadonlySet<string> }>,
): Promise<R> {
  const name = chooseRemote(host, options.remote, undefined, 'gc -c');
  return withRemotes(host, async (pool) => {
    const remote = await pool.get(name);
    if (!remote.canList) {
      throw new CairnError(
        'CAIRN_REMOTE_UNSUPPORTED',
        `gc -c needs a remote that can list its objects, and '${name}' (${remote.displayUrl}) cannot`,
        { hint: 'choose another remote with -r; nothing was deleted' },
      );
    }
    const { result, used } = await local();
    result.cloud = await sweep(ctx, remote, name, used, options);
    return result;
  });
}

async function sweep(
  ctx: DataContext,
  remote: RemoteDriver,
  name: string,
  used: ReadonlySet<string>,
  options: CloudGcOptions,
): Promise<CloudGcResult> {
  const jobs = options.jobs ?? remote.defaultJobs;
  const signal = ctx.signal;
  const stored = await listRemoteOids(remote, { jobs, ...(signal ? { signal } : {}) });
  const onRemote = new Set(stored);
  const keep = new Set(used);
  const missingListings: string[] = [];
  for (const oid of used) {
    if (!isDirOid(oid)) continue;
    const entries =
      localTree(ctx.store.path(oid), oid) ??
      (onRemote.has(oid) ? await remoteTree(remote, oid, signal) : undefined);
    if (entries === undefined) missingListings.push(oid);
    for (const entry of entries ?? []) keep.add(entry.md5);
  }
  const unused = stored.filter((oid) => !keep.has(oid));
  unused.sort((a, b) => Number(isDirOid(b)) - Number(isDirOid(a)));
  const result: CloudGcResult = {
    remote: name,
    removed: unused,
    kept: stored.length - unused.length,
    missingListings: missingListings.sort(),
  };
  if (options.dryRun || unused.length === 0) return result;
  const id = 'gc-cloud';
  const total = unused.length;
  ctx.onProgress?.({ type: 'start', id, label: `Removing from ${name}`, total, unit: 'objects' });
  let done = 0;
  const remove = async (oid: string) => {
    await remote.delete(oidToKey(oid), signal ? { signal } : {});
    if (++done % 64 === 0) ctx.onProgress?.({ type: 'progress', id, done, total });
  };
  const listings = unused.filter(isDirOid);
  await mapLimit(listings, jobs, remove, signal);
  await mapLimit(unused.slice(listings.length), jobs, remove, signal);
  ctx.onProgress?.({ type: 'done', id });
  return result;
}

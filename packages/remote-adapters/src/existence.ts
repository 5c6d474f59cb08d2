import type { RemoteDriver } from '@cairn/types';
import { RemoteErrorCode, remoteError } from './errors.js';
import { allPrefixes, isOid, keyToOid, oidToKey, prefixOf } from './layout.js';
import { runPool } from './pool.js';
import { Redactor } from './redact.js';

export interface RemoteQueryOptions {
  /** Requests in flight; default: the driver's `defaultJobs`. */
  jobs?: number;
  signal?: AbortSignal;
}

/** How a bulk existence check asks the remote. See `chooseStrategy`. */
export type ExistenceStrategy = 'list' | 'exists';

/** DVC's estimate (objects:fs/base.py): one listing page of up to 1000 keys costs about 5 HEADs. */
export const LIST_PAGE_SIZE = 1000;
export const LIST_PAGE_WEIGHT = 5;
/** Below this many objects, asking for each one is always cheaper than sampling the remote. */
export const EXISTS_ALWAYS_BELOW = 16;

/**
 * The rule for checking many objects at once:
 * - a remote that cannot list (plain HTTP), or fewer than 16 objects: one `exists` (HEAD) each;
 * - otherwise the remote's size is estimated from its `files/md5/00/` prefix (× 256, one request);
 *   listing the 2-hex prefixes the objects fall in costs `prefixes × pages per prefix` requests,
 *   each weighted 5 (DVC's TRAVERSE_WEIGHT_MULTIPLIER). Listing wins when that is below the
 *   number of objects, else one HEAD per object.
 * 20,000 objects into an empty remote: 256 × 1 × 5 = 1280 < 20,000 → list. 100 objects: ≈ 83
 * prefixes × 5 = 415 > 100 → HEAD. 1000 objects against 10 million stored: 256 × 40 × 5 → HEAD.
 */
export function chooseStrategy(input: {
  count: number;
  prefixes: number;
  canList: boolean;
  /** Keys found under `files/md5/00/`, when sampled. */
  sample?: number;
}): ExistenceStrategy {
  if (!input.canList || input.count < EXISTS_ALWAYS_BELOW) return 'exists';
  const pagesPerPrefix = Math.max(1, Math.ceil((input.sample ?? 0) / LIST_PAGE_SIZE));
  return input.prefixes * pagesPerPrefix * LIST_PAGE_WEIGHT < input.count ? 'list' : 'exists';
}

/**
 * The objects among `oids` that are on the remote, with their size there when the backend said
 * it (listings do, HEADs through `exists` do not). Invalid ids are never present.
 */
export async function findOnRemote(
  remote: RemoteDriver,
  oids: Iterable<string>,
  options: RemoteQueryOptions = {},
): Promise<Map<string, number | undefined>> {
  const wanted = [...new Set(oids)].filter(isOid);
  const jobs = options.jobs ?? remote.defaultJobs;
  const found = new Map<string, number | undefined>();
  if (wanted.length === 0) return found;
  const prefixes = [...new Set(wanted.map(prefixOf))];
  let sample: number | undefined;
  if (remote.canList && wanted.length >= EXISTS_ALWAYS_BELOW) {
    sample = await countUnder(remote, prefixOf('00'), 2 * LIST_PAGE_SIZE, options.signal);
  }
  const strategy = chooseStrategy({
    count: wanted.length,
    prefixes: prefixes.length,
    canList: remote.canList,
    ...(sample === undefined ? {} : { sample }),
  });
  if (strategy === 'list') {
    const wantedSet = new Set(wanted);
    const listed = await listPrefixes(remote, prefixes, jobs, options.signal);
    for (const [oid, size] of listed) if (wantedSet.has(oid)) found.set(oid, size);
    return found;
  }
  const signalOption = options.signal ? { signal: options.signal } : {};
  if (remote.existsMany) {
    const answers = await remote.existsMany(wanted.map(oidToKey), signalOption);
    for (const oid of wanted) if (answers.get(oidToKey(oid))) found.set(oid, undefined);
    return found;
  }
  await runPool(
    wanted,
    jobs,
    async (oid) => {
      if (await remote.exists(oidToKey(oid), signalOption)) found.set(oid, undefined);
    },
    options.signal,
  );
  options.signal?.throwIfAborted();
  return found;
}

/** The subset of `oids` that the remote holds (see `chooseStrategy` for how it asks). */
export async function remoteHas(
  remote: RemoteDriver,
  oids: Iterable<string>,
  options: RemoteQueryOptions = {},
): Promise<Set<string>> {
  return new Set((await findOnRemote(remote, oids, options)).keys());
}

/**
 * Every object id stored on the remote in the DVC 3 layout, sorted. The 256 prefixes are listed
 * in parallel. `CAIRN_REMOTE_UNSUPPORTED` for a remote that cannot list (plain HTTP).
 */
export async function listRemoteOids(
  remote: RemoteDriver,
  options: RemoteQueryOptions = {},
): Promise<string[]> {
  if (!remote.canList) {
    throw remoteError(
      { name: remote.name, displayUrl: remote.displayUrl, redactor: new Redactor() },
      RemoteErrorCode.unsupported,
      'cannot list the objects of this remote: the backend has no listing',
      { hint: 'Check objects by id instead (remoteHas).' },
    );
  }
  const listed = await listPrefixes(
    remote,
    allPrefixes(),
    options.jobs ?? remote.defaultJobs,
    options.signal,
  );
  return [...listed.keys()].sort();
}

async function listPrefixes(
  remote: RemoteDriver,
  prefixes: readonly string[],
  jobs: number,
  signal: AbortSignal | undefined,
): Promise<Map<string, number | undefined>> {
  const found = new Map<string, number | undefined>();
  await runPool(
    prefixes,
    jobs,
    async (prefix) => {
      for await (const entry of remote.list(prefix, signal ? { signal } : {})) {
        const oid = keyToOid(entry.key);
        if (oid !== undefined) found.set(oid, entry.size);
      }
    },
    signal,
  );
  signal?.throwIfAborted();
  return found;
}

async function countUnder(
  remote: RemoteDriver,
  prefix: string,
  limit: number,
  signal: AbortSignal | undefined,
): Promise<number> {
  let count = 0;
  for await (const _entry of remote.list(prefix, signal ? { signal } : {})) {
    if (++count >= limit) break;
  }
  return count;
}

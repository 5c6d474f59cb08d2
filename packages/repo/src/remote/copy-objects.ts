/**
 * Remote-to-remote copies for `cairn mirror`: each object streams from one remote into the other
 * without touching the local cache or disk, and its md5 is checked on the way, so a corrupt
 * source object makes the upload fail (the destination keeps nothing) instead of spreading.
 */
import { createHash } from 'node:crypto';
import { PassThrough, pipeline, Transform } from 'node:stream';
import {
  oidToKey,
  remoteHas,
  type TransferFailure,
  type TransferSummary,
} from '@cairn/remote-adapters';
import { CairnError, isCairnError, type ProgressListener, type RemoteDriver } from '@cairn/types';
import { mapLimit } from '../data/concurrency.js';

export interface CopyOptions {
  from: RemoteDriver;
  to: RemoteDriver;
  /** Object ids (`<md5>` or `<md5>.dir`); duplicates are ignored. */
  oids: Iterable<string>;
  /**
   * Objects that may only be copied once others are on the destination: a `.dir` id → the ids
   * it lists. A `.dir` whose files failed is held back, so a listing on the destination always
   * means its files are there too.
   */
  requires?: ReadonlyMap<string, readonly string[]>;
  /** Objects copied at once (default: the smaller `defaultJobs` of the two remotes). */
  jobs?: number;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

const OID = /^[0-9a-f]{32}(\.dir)?$/;

/** Copies the objects of `oids` that `to` lacks from `from`; per-object failures are returned. */
export async function copyObjects(options: CopyOptions): Promise<TransferSummary> {
  const { from, to, signal, onProgress } = options;
  const jobs = Math.max(1, options.jobs ?? Math.min(from.defaultJobs, to.defaultJobs));
  const summary: TransferSummary = { transferred: 0, skipped: 0, failed: [], bytes: 0 };
  const failed = new Set<string>();
  const fail = (f: TransferFailure) => {
    failed.add(f.oid);
    summary.failed.push(f);
  };
  const all = [...new Set(options.oids)];
  const valid = all.filter((oid) => OID.test(oid));
  for (const oid of all) {
    if (!OID.test(oid)) {
      fail({ oid, code: 'CAIRN_REMOTE_INVALID_OID', reason: `"${oid}" is not an object id` });
    }
  }
  const id = `mirror:${from.name}:${to.name}`;
  onProgress?.({
    type: 'start',
    id,
    label: `Copying ${from.name} → ${to.name}`,
    total: all.length,
    unit: 'objects',
  });
  let done = all.length - valid.length;
  const tick = () => onProgress?.({ type: 'progress', id, done: ++done, total: all.length });
  const present = await remoteHas(to, valid, { jobs, ...(signal ? { signal } : {}) });

  const copy = async (oid: string): Promise<void> => {
    if (present.has(oid)) {
      summary.skipped++;
      tick();
      return;
    }
    const blockers = (options.requires?.get(oid) ?? []).filter((d) => failed.has(d));
    if (blockers.length > 0) {
      fail({
        oid,
        code: 'CAIRN_REMOTE_INCOMPLETE_DIR',
        reason: `${oid} was not copied because ${blockers.length} of the objects it lists failed`,
      });
      tick();
      return;
    }
    try {
      const bytes = await copyOne(from, to, oid, signal);
      summary.transferred++;
      summary.bytes += bytes;
    } catch (error) {
      signal?.throwIfAborted();
      fail({
        oid,
        code: isCairnError(error) ? error.code : 'CAIRN_REMOTE_IO',
        reason: error instanceof Error ? error.message : String(error),
      });
    }
    tick();
  };
  // Files first, listings last (see `requires`).
  const later = new Set(options.requires?.keys() ?? []);
  for (const oid of valid) if (oid.endsWith('.dir')) later.add(oid);
  await mapLimit(
    valid.filter((oid) => !later.has(oid)),
    jobs,
    copy,
    signal,
  );
  await mapLimit(
    valid.filter((oid) => later.has(oid)),
    jobs,
    copy,
    signal,
  );
  onProgress?.({ type: 'done', id, done });
  return summary;
}

/** Streams one object across, verifying its md5; resolves with its size. */
async function copyOne(
  from: RemoteDriver,
  to: RemoteDriver,
  oid: string,
  signal: AbortSignal | undefined,
): Promise<number> {
  const key = oidToKey(oid);
  const call = signal ? { signal } : {};
  const { size } = await from.stat(key, call);
  let mismatch: string | undefined;
  // A body factory, so the destination driver can retry an upload from the start.
  const body = () => {
    const out = new PassThrough();
    from.read(key, call).then(
      (source) => {
        const hash = createHash('md5');
        const check = new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            hash.update(chunk);
            callback(null, chunk);
          },
          flush(callback) {
            const actual = hash.digest('hex');
            if (actual === oid.slice(0, 32)) callback();
            else {
              mismatch = actual;
              callback(new Error(`md5 mismatch: ${actual}`));
            }
          },
        });
        pipeline(source, check, out, () => {});
      },
      (error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))),
    );
    return out;
  };
  try {
    await to.write(key, body, { size, ...call });
  } catch (error) {
    if (mismatch !== undefined) {
      throw new CairnError(
        'CAIRN_REMOTE_CORRUPT',
        `the object ${key} on remote "${from.name}" hashes to ${mismatch}, not ${oid.slice(0, 32)}; it was not copied`,
      );
    }
    throw error;
  }
  return size;
}

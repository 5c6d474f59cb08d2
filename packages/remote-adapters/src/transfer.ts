import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline, type Readable, Transform } from 'node:stream';
import {
  CopyVerifiedCode,
  type CopyVerifiedOptions,
  fsyncDir,
  type HashPool,
  SMALL_FILE_MAX,
} from '@cairn/core-io';
import {
  type CairnErrorCode,
  isCairnError,
  type ProgressListener,
  type RemoteBody,
  type RemoteDriver,
} from '@cairn/types';
import { writeStreamAtomic } from './atomic-file.js';
import { RemoteErrorCode, remoteError } from './errors.js';
import { findOnRemote } from './existence.js';
import { cachePath, expectedMd5, isOid, oidToKey } from './layout.js';
import { runPool } from './pool.js';
import { Redactor } from './redact.js';

/** DVC keeps cache objects read-only, and trusts a 0444 object without re-hashing it. */
const CACHE_OBJECT_MODE = 0o444;

export interface TransferOptions {
  /** A local cache folder in DVC 3's layout (`<cacheDir>/files/md5/ab/cdef…`). */
  cacheDir: string;
  /** Mode of the folders a fetch creates in the cache (`cache.shared = group`: 0o2775). */
  cacheDirMode?: number;
  remote: RemoteDriver;
  /** Object ids (`<32 hex>` or `<32 hex>.dir`); duplicates are ignored. */
  oids: Iterable<string>;
  /** Objects moved at once; default: the driver's `defaultJobs` (DVC's `jobs` when set). */
  jobs?: number;
  /** `start`, one `progress` per object finished (moved, skipped or failed), `done`. */
  onProgress?: ProgressListener;
  /** Aborting stops the transfer: it rejects with `CAIRN_REMOTE_ABORTED`, no partial object stays. */
  signal?: AbortSignal;
  /**
   * Threads for a remote that is a folder on this machine (`RemoteDriver.local`): small objects
   * are then copied in bulk on them (verified, fsynced, renamed into place), the rest one by one.
   */
  pool?: HashPool;
  /**
   * Called for each object a fetch wrote into the cache, once its md5 was checked, with the
   * copy's stat (e.g. to remember that this inode, mtime and size hash to the object's name).
   */
  onVerified?: (oid: string, stat: { ino: number; mtimeMs: number; size: number }) => void;
}

export interface TransferFailure {
  oid: string;
  /** A stable code: `CAIRN_REMOTE_CORRUPT`, `CAIRN_REMOTE_NOT_FOUND`, `CAIRN_CACHE_MISSING`, … */
  code: CairnErrorCode;
  /** One line, safe to print (no secrets). */
  reason: string;
}

export interface TransferSummary {
  /** Objects copied in this run. */
  transferred: number;
  /** Objects that were already at the destination. */
  skipped: number;
  failed: TransferFailure[];
  /** Bytes copied in this run. */
  bytes: number;
}

/** Error codes of the transfer engine, beside the drivers' `CAIRN_REMOTE_*` ones. */
export const TransferErrorCode = {
  /** A downloaded object's md5 differs from its name; it was discarded. */
  remoteCorrupt: 'CAIRN_REMOTE_CORRUPT',
  /** The object to push is not in the local cache. */
  cacheMissing: 'CAIRN_CACHE_MISSING',
  /** The local cache object's md5 differs from its name; it was not uploaded. */
  cacheCorrupt: 'CAIRN_CACHE_CORRUPT',
  /** Not an object id (`<32 hex>` or `<32 hex>.dir`). */
  invalidOid: 'CAIRN_REMOTE_INVALID_OID',
  /** A `.dir` object was held back because objects it lists failed to upload. */
  incompleteDir: 'CAIRN_REMOTE_INCOMPLETE_DIR',
} as const satisfies Record<string, CairnErrorCode>;

/**
 * Uploads the objects of `oids` that the remote lacks (or holds with another size) from the
 * local cache. Each object's md5 is checked while it streams: a corrupt cache object is never
 * uploaded. Files go first and `.dir` objects last, and a `.dir` whose listed files failed is
 * held back, so a `.dir` on the remote always means its files are there too (DVC's guarantee).
 * Per-object failures land in the summary; only an abort or a failing existence check throws.
 */
export async function pushObjects(options: TransferOptions): Promise<TransferSummary> {
  const { remote, cacheDir, signal } = options;
  const run = new TransferRun('push', options);
  const oids = run.validOids();
  const present = await run.guard(() =>
    findOnRemote(remote, oids, { jobs: run.jobs, ...(signal ? { signal } : {}) }),
  );
  const push = async (oid: string) => {
    const path = cachePath(cacheDir, oid);
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch {
      return run.fail(
        oid,
        TransferErrorCode.cacheMissing,
        `${oid} is not in the local cache (${path})`,
      );
    }
    if (present.has(oid) && (present.get(oid) ?? size) === size) {
      run.skip();
      return;
    }
    let corrupt = false;
    try {
      let body: RemoteBody;
      if (size <= SMALL_FILE_MAX) {
        // One read instead of a stream for small objects (most of a DVC cache), and a body
        // the driver can resend as it is.
        const bytes = await readFile(path);
        corrupt = createHash('md5').update(bytes).digest('hex') !== expectedMd5(oid);
        if (corrupt) throw new Error('md5 mismatch');
        body = bytes;
      } else {
        body = () =>
          verifying(createReadStream(path, { highWaterMark: 1 << 20 }), expectedMd5(oid), () => {
            corrupt = true;
          });
      }
      await remote.write(oidToKey(oid), body, { size, ...(signal ? { signal } : {}) });
      run.done(oid, size);
    } catch (error) {
      if (corrupt) {
        run.fail(
          oid,
          TransferErrorCode.cacheCorrupt,
          `the cache object ${path} does not hash to ${expectedMd5(oid)}; it was not uploaded`,
        );
      } else run.error(oid, error);
    }
  };
  const [files, dirs] = partition(oids);
  // Objects the remote lacks go in bulk when it is a local folder; what that leaves (large,
  // failed, already there in some size), one by one, as do the `.dir` objects once every
  // folder written so far is durable.
  const bulk = await copyInBulk(
    run,
    files.filter((oid) => !present.has(oid)),
    (oid) => [cachePath(cacheDir, oid), remote.local?.path(oidToKey(oid)) ?? ''],
    { mode: CACHE_OBJECT_MODE, ...dirModeOf(remote.local?.dirMode) },
  );
  const rest = new Set(bulk.rest);
  await run.guard(() =>
    runPool(
      files.filter((oid) => present.has(oid) || rest.has(oid)),
      run.jobs,
      push,
      signal,
    ),
  );
  await syncFolders(bulk.folders);
  const ready: string[] = [];
  for (const dir of dirs) {
    const missing = await failedEntriesOf(cachePath(cacheDir, dir), run.failedOids);
    if (missing === 0) ready.push(dir);
    else {
      run.fail(
        dir,
        TransferErrorCode.incompleteDir,
        `${dir} was not uploaded because ${missing} of the objects it lists failed`,
      );
    }
  }
  await run.guard(() => runPool(ready, run.jobs, push, signal));
  return run.finish();
}

/**
 * Downloads the objects of `oids` missing from the local cache. Every object is hashed while it
 * streams into a temp file in the cache folder, and only an object whose md5 matches its name is
 * fsynced, made read-only (0444) and renamed into place; a mismatch is reported as
 * `CAIRN_REMOTE_CORRUPT` and discarded. Per-object failures land in the summary.
 */
export async function fetchObjects(options: TransferOptions): Promise<TransferSummary> {
  const { remote, cacheDir, signal } = options;
  const run = new TransferRun('fetch', options);
  const oids = run.validOids();
  // Each object's data is fsynced before its rename; the folders are fsynced once at the end.
  const folders = new Set<string>();
  const fetch = async (oid: string) => {
    const path = cachePath(cacheDir, oid);
    if (await isFile(path)) {
      run.skip();
      return;
    }
    const md5 = expectedMd5(oid);
    let corrupt: string | undefined;
    let body: Readable | undefined;
    try {
      body = await remote.read(oidToKey(oid), signal ? { signal } : {});
      folders.add(dirname(path));
      const { bytes } = await writeStreamAtomic(path, body, {
        mode: CACHE_OBJECT_MODE,
        ...(options.cacheDirMode === undefined ? {} : { dirMode: options.cacheDirMode }),
        md5: true,
        syncDir: false,
        signal,
        verify: (written) => {
          if (written.md5 !== md5) {
            corrupt = written.md5;
            throw new Error('md5 mismatch');
          }
        },
      });
      if (options.onVerified) {
        const info = await stat(path);
        options.onVerified(oid, { ino: info.ino, mtimeMs: info.mtimeMs, size: info.size });
      }
      run.done(oid, bytes);
    } catch (error) {
      // A body that failed before it was read to its end still holds a connection.
      body?.destroy();
      if (corrupt !== undefined) {
        run.fail(
          oid,
          TransferErrorCode.remoteCorrupt,
          `the remote object ${oidToKey(oid)} hashes to ${corrupt}, not ${md5}; it was discarded`,
        );
      } else run.error(oid, error);
    }
  };
  const [files, dirs] = partition(oids);
  try {
    const bulk = await copyInBulk(
      run,
      [...files, ...dirs],
      (oid) => [remote.local?.path(oidToKey(oid)) ?? '', cachePath(cacheDir, oid)],
      { mode: CACHE_OBJECT_MODE, skipExisting: true, ...dirModeOf(options.cacheDirMode) },
      options.onVerified,
    );
    for (const folder of bulk.folders) folders.add(folder);
    await run.guard(() => runPool(bulk.rest, run.jobs, fetch, signal));
  } finally {
    await syncFolders(folders);
  }
  return run.finish();
}

/** Book-keeping of one push or fetch: counts, failures, progress events, abort handling. */
class TransferRun {
  readonly jobs: number;
  readonly failedOids = new Set<string>();
  readonly #failed: TransferFailure[] = [];
  readonly #id: string;
  #transferred = 0;
  #skipped = 0;
  #bytes = 0;
  #finished = 0;
  #total = 0;

  constructor(
    readonly verb: 'push' | 'fetch',
    readonly options: TransferOptions,
  ) {
    this.jobs = Math.max(1, options.jobs ?? options.remote.defaultJobs);
    this.#id = `${verb}:${options.remote.name}`;
  }

  /** The distinct valid ids; invalid ones are recorded as failures. */
  validOids(): string[] {
    const valid: string[] = [];
    const seen = new Set<string>();
    for (const oid of this.options.oids) {
      if (seen.has(oid)) continue;
      seen.add(oid);
      if (isOid(oid)) valid.push(oid);
      else {
        this.#record({
          oid,
          code: TransferErrorCode.invalidOid,
          reason: `"${oid}" is not an object id (32 hex digits, optionally .dir)`,
        });
      }
    }
    this.#total = seen.size;
    this.options.onProgress?.({
      type: 'start',
      id: this.#id,
      label: `${this.verb === 'push' ? 'Pushing to' : 'Fetching from'} ${this.options.remote.name}`,
      total: this.#total,
      unit: 'objects',
    });
    this.#finished = this.#total - valid.length;
    return valid;
  }

  skip(): void {
    this.#skipped++;
    this.#progress();
  }

  done(_oid: string, bytes: number): void {
    this.#transferred++;
    this.#bytes += bytes;
    this.#progress();
  }

  fail(oid: string, code: CairnErrorCode, reason: string): void {
    // One line: backend messages (an SDK's parse error, a server's HTML page) can span several.
    this.#record({ oid, code, reason: reason.replace(/\s*[\r\n]+\s*/g, ' ').trim() });
    this.#progress();
  }

  /** A driver error for one object; an abort is rethrown, not recorded. */
  error(oid: string, error: unknown): void {
    if (this.options.signal?.aborted) throw this.#aborted();
    if (isCairnError(error)) {
      this.fail(oid, error.code, error.message);
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    this.fail(oid, RemoteErrorCode.io, new Redactor().redact(message));
  }

  /** Runs a step, turning an abort into `CAIRN_REMOTE_ABORTED`. */
  async guard<T>(step: () => Promise<T>): Promise<T> {
    if (this.options.signal?.aborted) throw this.#aborted();
    try {
      const result = await step();
      if (this.options.signal?.aborted) throw this.#aborted();
      return result;
    } catch (error) {
      if (this.options.signal?.aborted) throw this.#aborted();
      throw error;
    }
  }

  finish(): TransferSummary {
    this.options.onProgress?.({ type: 'done', id: this.#id, done: this.#finished });
    return {
      transferred: this.#transferred,
      skipped: this.#skipped,
      failed: this.#failed,
      bytes: this.#bytes,
    };
  }

  #record(failure: TransferFailure): void {
    this.failedOids.add(failure.oid);
    this.#failed.push(failure);
  }

  #progress(): void {
    this.#finished++;
    this.options.onProgress?.({
      type: 'progress',
      id: this.#id,
      done: this.#finished,
      total: this.#total,
    });
  }

  #aborted() {
    const { remote } = this.options;
    return remoteError(
      { name: remote.name, displayUrl: remote.displayUrl, redactor: new Redactor() },
      RemoteErrorCode.aborted,
      `${this.verb} was aborted`,
    );
  }
}

/** Objects per bulk call: progress is reported, and an abort noticed, between them. */
const BULK_SLICE = 512;

function dirModeOf(mode: number | undefined): { dirMode?: number } {
  return mode === undefined ? {} : { dirMode: mode };
}

/**
 * Copies objects between two folders of this machine on the transfer's threads (`pool`), when
 * the remote is one: each is verified against its name, fsynced and renamed into place. Returns
 * the objects left to the one-by-one path (too large, missing, corrupt, failed: it reports them
 * as it always does) and the folders written, to be synced once. A destination that exists is
 * skipped when `skipExisting`.
 */
async function copyInBulk(
  run: TransferRun,
  oids: readonly string[],
  pair: (oid: string) => [src: string, dst: string],
  options: CopyVerifiedOptions,
  onCopied?: TransferOptions['onVerified'],
): Promise<{ rest: string[]; folders: Set<string> }> {
  const { pool, remote } = run.options;
  const folders = new Set<string>();
  if (pool === undefined || remote.local === undefined || oids.length === 0) {
    return { rest: [...oids], folders };
  }
  const rest: string[] = [];
  for (let start = 0; start < oids.length; start += BULK_SLICE) {
    const slice = oids.slice(start, start + BULK_SLICE);
    const pairs = slice.map(pair);
    const copied = await run.guard(() =>
      pool.copyVerified(
        pairs.map(([src]) => src),
        pairs.map(([, dst]) => dst),
        slice.map(expectedMd5),
        options,
      ),
    );
    slice.forEach((oid, i) => {
      const outcome = copied[i] as { size: number; code?: string; ino: number; mtimeMs: number };
      if (outcome.code === undefined) {
        folders.add(dirname((pairs[i] as [string, string])[1]));
        onCopied?.(oid, outcome);
        run.done(oid, outcome.size);
      } else if (outcome.code === CopyVerifiedCode.exists) run.skip();
      else rest.push(oid);
    });
  }
  return { rest, folders };
}

async function syncFolders(folders: Iterable<string>): Promise<void> {
  await runPool(folders, 8, (folder) => fsyncDir(folder).catch(() => {}));
}

/** Files first, `.dir` objects after them. */
function partition(oids: readonly string[]): [files: string[], dirs: string[]] {
  const files: string[] = [];
  const dirs: string[] = [];
  for (const oid of oids) (oid.endsWith('.dir') ? dirs : files).push(oid);
  return [files, dirs];
}

/**
 * How many entries of the `.dir` object at `path` failed in this run. A `.dir` that cannot be
 * read or parsed counts as complete: its own upload then reports the problem.
 */
async function failedEntriesOf(path: string, failed: ReadonlySet<string>): Promise<number> {
  if (failed.size === 0) return 0;
  let entries: unknown;
  try {
    entries = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return 0;
  }
  if (!Array.isArray(entries)) return 0;
  let count = 0;
  for (const entry of entries) {
    const md5 = (entry as { md5?: unknown } | null)?.md5;
    if (typeof md5 === 'string' && failed.has(md5)) count++;
  }
  return count;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Passes the bytes through and checks their md5 at the end. The last chunk is held back until the
 * check passes: on a mismatch the stream errors before the body is complete, so a single-request
 * upload with a known length (HTTP PUT, S3 PUT) never hands the server a whole corrupt object.
 */
function verifying(source: Readable, md5: string, onMismatch: () => void): Readable {
  const hash = createHash('md5');
  let held: Buffer | undefined;
  const check = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      const previous = held;
      held = chunk;
      callback(null, previous);
    },
    flush(callback) {
      const actual = hash.digest('hex');
      if (actual === md5) {
        if (held !== undefined) this.push(held);
        callback();
      } else {
        onMismatch();
        callback(new Error(`cache object hashes to ${actual}, not ${md5}`));
      }
    },
  });
  return pipeline(source, check, () => {});
}

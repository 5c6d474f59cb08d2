/**
 * Hashing many files on all cores. Work is cut into batches (one message carries many small
 * files, so messaging costs little per file) and shared between worker threads and, unless told
 * otherwise, the calling thread itself: it hashes small slices between event-loop turns, which
 * uses the core it runs on and lets work start before any worker is up. Workers start on first
 * use (or `warmUp()`), do not keep the process alive while idle, and results come back in input
 * order.
 */
import { availableParallelism } from 'node:os';
import { resolve as resolvePath } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CairnError, type ProgressListener } from '@cairn/types';
import { type CopyVerifiedOptions, copyVerifiedBatch } from './copy-verified.js';
import { DEFAULT_ALGORITHMS, type HashAlgorithm, type HashResult, hashFile } from './hash.js';
import { hashBatch } from './hash-batch.js';
import type {
  HashRequest,
  HashResponse,
  StatResponse,
  WorkerRequest,
  WorkerResponse,
} from './hash-protocol.js';
import {
  PLACED_FIELDS,
  type Placement,
  type PlaceResult,
  packStats,
  placeBatch,
} from './place-batch.js';
import { SMALL_FILE_MAX } from './small-file.js';
import { STAT_FIELDS, statBatch } from './stat-batch.js';

export interface HashPoolOptions {
  /**
   * How many threads hash, the calling thread included when `useCallingThread` is on; defaults
   * to the available parallelism.
   */
  workers?: number;
  /**
   * Let the calling thread hash small files too, in slices of a few files between event-loop
   * turns (default true). Turn off to keep its event loop entirely free; `workers` threads are
   * then all worker threads.
   */
  useCallingThread?: boolean;
  /** The worker script; defaults to `hash-worker.js` next to this module. */
  workerUrl?: URL;
}

/** A path, optionally with its size (from a walk), which lets the pool plan balanced batches. */
export type HashInput = string | { path: string; size?: number };

export interface HashFilesOptions<A extends HashAlgorithm = HashAlgorithm> {
  /** Defaults to md5 and sha256. */
  algorithms?: readonly A[];
  onProgress?: ProgressListener;
  /** Progress id (default `hash`). */
  progressId?: string;
  signal?: AbortSignal;
  /**
   * Also copy every file that is read in one go (up to 1 MiB) into a content-addressed folder,
   * from the bytes just hashed (needs `md5` among the algorithms). Larger files are only hashed;
   * their results carry no `stored`.
   */
  storeInto?: StoreInto;
}

/**
 * Where `hashFiles` copies small files: `<dir>/<md5[0:2]>/<md5[2:]>`, as DVC lays out objects,
 * each through a `*.cairn-tmp` file in the same folder renamed into place once complete.
 */
export interface StoreInto {
  dir: string;
  /** File mode of the copies (default 0o444: objects are read-only). */
  mode?: number;
  /** Mode of the folders it creates (see `makeDirsSync`; default: 0o777 minus the umask). */
  dirMode?: number;
  /**
   * Hard-link each file as its object instead of writing its bytes (DVC's add with
   * `cache.type = hardlink`): the file becomes the read-only object. Only a file still as it
   * was read, not modified in the last two seconds, on the same filesystem; the others are
   * copied.
   */
  link?: boolean;
}

/** What `storeInto` did with one file. */
export interface StoreOutcome {
  /** `written`: copied now (`objectIno`/`objectMtimeMs` describe the copy); `present`: it was there. */
  stored?: 'written' | 'present';
  objectIno?: number;
  objectMtimeMs?: number;
}

const MAX_BATCH_FILES = 256;
const MAX_BATCH_BYTES = 8 << 20;
// Batches kept queued at each worker, so it never waits for the next message.
const IN_FLIGHT_PER_WORKER = 2;
// The calling thread hashes at most this many files, or about this many bytes, per event-loop
// turn: a millisecond or two of blocking at most.
const OWN_SLICE_FILES = 32;
const OWN_SLICE_BYTES = 1 << 20;
const SKIPPED_AS_TOO_LARGE = -2;
// Paths per stat request, pairs per place request: a few milliseconds of system calls each.
const STAT_CHUNK = 1024;
const PLACE_CHUNK = 512;
// Objects per copy request: each is a read, a write and an fsync.
const COPY_CHUNK = 128;

/** The stat facts a placement compares and reports. */
interface FileStat3 {
  ino: number;
  mtimeMs: number;
  size: number;
}

/** Pairs placed together (`placeRanges`); `expected` holds `PLACED_FIELDS` numbers per pair. */
export interface PlaceChunk {
  srcs: string[];
  dsts: string[];
  expected?: Float64Array;
}

/** Per pair of a placed chunk: `{ code }` where it failed, else `{}` with a copy's `stat`. */
export function placedPairs(
  chunk: PlaceChunk,
  result: PlaceResult,
): Array<{ code?: string; stat?: FileStat3 }> {
  const { stats, failed, codes } = result;
  const placed: Array<{ code?: string; stat?: FileStat3 }> = new Array(chunk.srcs.length);
  for (let i = 0, o = 0; i < placed.length; i++, o += PLACED_FIELDS) {
    placed[i] =
      stats === undefined
        ? {}
        : {
            stat: {
              ino: stats[o] as number,
              mtimeMs: stats[o + 1] as number,
              size: stats[o + 2] as number,
            },
          };
  }
  failed.forEach((i, n) => {
    placed[i] = { code: codes[n] as string };
  });
  return placed;
}

interface Batch {
  id: number;
  job: Job;
  /** Indexes into the job's inputs. */
  indexes: number[];
  /** Holds a file known to exceed 1 MiB: for workers (or the async path of this thread). */
  large: boolean;
}

interface Job {
  paths: string[];
  /** Known sizes (from a walk), -1 where unknown. */
  sizes: number[];
  algorithms: string[];
  store: HashRequest['store'];
  results: Array<Record<string, string | number> | undefined>;
  remaining: number;
  settled: boolean;
  resolve: () => void;
  reject: (error: unknown) => void;
  progress: ((done: number) => void) | undefined;
}

/** A request a worker has not answered yet. */
type InFlight =
  | { kind: 'hash'; batch: Batch }
  | { kind: 'op'; settle: (response: WorkerResponse | Error) => void };

interface PoolWorker {
  worker: Worker;
  inFlight: Map<number, InFlight>;
}

export class HashPool {
  /** Threads that hash, the calling thread included when it takes part. */
  readonly size: number;
  private readonly threads: number;
  private readonly useCallingThread: boolean;
  private readonly workerUrl: URL;
  private readonly workers: PoolWorker[] = [];
  private readonly queue: Batch[] = [];
  private nextBatchId = 1;
  private closed = false;
  private ownTurnPending = false;

  constructor(options: HashPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.workers ?? availableParallelism()));
    this.useCallingThread = options.useCallingThread ?? true;
    this.threads = this.useCallingThread ? this.size - 1 : this.size;
    this.workerUrl = options.workerUrl ?? new URL('./hash-worker.js', import.meta.url);
  }

  /** Hash every file; the result at index i belongs to `inputs[i]`. */
  async hashFiles<A extends HashAlgorithm = HashAlgorithm>(
    inputs: readonly HashInput[],
    options: HashFilesOptions<A> = {},
  ): Promise<Array<HashResult<A> & StoreOutcome>> {
    if (this.closed) throw new Error('HashPool is closed');
    const algorithms = [...new Set(options.algorithms ?? DEFAULT_ALGORITHMS)];
    const paths = inputs.map((input) => (typeof input === 'string' ? input : input.path));
    const sizes = inputs.map((input) => (typeof input === 'string' ? -1 : (input.size ?? -1)));
    const id = options.progressId ?? 'hash';
    const onProgress = options.onProgress;
    onProgress?.({ type: 'start', id, label: 'Hashing files', total: paths.length, unit: 'files' });
    const signal = options.signal;
    signal?.throwIfAborted();

    const results: Job['results'] = new Array(paths.length);
    if (paths.length > 0) {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => this.fail(job, (signal as AbortSignal).reason);
        const store = options.storeInto;
        const job: Job = {
          paths,
          sizes,
          algorithms,
          store: store && {
            // Normalised once: the threads build each object's path by concatenation.
            dir: resolvePath(store.dir),
            mode: store.mode ?? 0o444,
            ...(store.dirMode === undefined ? {} : { dirMode: store.dirMode }),
            ...(store.link ? { link: true } : {}),
          },
          results,
          remaining: paths.length,
          settled: false,
          resolve: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
          reject: (error) => {
            signal?.removeEventListener('abort', onAbort);
            reject(error);
          },
          progress:
            onProgress &&
            ((done) => onProgress({ type: 'progress', id, done, total: paths.length })),
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        for (const batch of planBatches(sizes, this.size)) {
          this.queue.push({ id: this.nextBatchId++, job, ...batch });
        }
        this.dispatch();
      });
    }
    onProgress?.({ type: 'done', id, done: paths.length });
    return results as Array<HashResult<A> & StoreOutcome>;
  }

  /**
   * `lstat` of every path, shared among the threads like hashing (each `lstat` is a system call
   * of a few microseconds, most of a large walk). Entry i holds `STAT_FIELDS` numbers: inode,
   * mtimeMs, size, mode; the inode is NaN where the path is gone or not a regular file.
   */
  async statFiles(paths: readonly string[]): Promise<Float64Array> {
    const chunks: string[][] = [];
    for (let i = 0; i < paths.length; i += STAT_CHUNK) chunks.push(paths.slice(i, i + STAT_CHUNK));
    const results = await this.statChunks(chunks);
    if (results.length === 1) return results[0] as Float64Array;
    const out = new Float64Array(paths.length * STAT_FIELDS);
    let offset = 0;
    for (const stats of results) {
      out.set(stats, offset);
      offset += stats.length;
    }
    return out;
  }

  /**
   * `statFiles` of paths that come in chunks (best of about `STAT_CHUNK` paths), as from a walk
   * still listing folders: the iterable is pulled on this thread, and each chunk goes to a worker
   * with room or is done here, so listing and `lstat` overlap. One stat array per chunk.
   */
  async statChunks(chunks: Iterable<readonly string[]>): Promise<Float64Array[]> {
    return this.shareChunks(
      chunks,
      (paths) => {
        const stats = new Float64Array(paths.length * STAT_FIELDS);
        statBatch(paths, stats);
        return stats;
      },
      (id, paths) => ({ kind: 'stat', id, paths: paths as string[] }),
      (response) => {
        if (response.kind !== 'stat') throw new Error(`unexpected ${response.kind} answer`);
        if (response.error !== undefined) throw statFailed(response.error);
        return response.stats;
      },
    );
  }

  /**
   * Creates `dsts[i]` from `srcs[i]` (a destination must not exist; its folder must) by hard
   * link, or by copy with `mode`, shared among the threads. Per pair: `{ code }` where it failed
   * (`EEXIST`, `EXDEV`, …: the caller decides what that means; `UNVERIFIED` where the source's
   * stat was not `expected[i]`), else `{}`, with the new file's `stat` for a copy.
   */
  async placeFiles(
    srcs: readonly string[],
    dsts: readonly string[],
    placement: Placement,
    expected?: readonly FileStat3[],
  ): Promise<Array<{ code?: string; stat?: FileStat3 }>> {
    if (srcs.length !== dsts.length) throw new TypeError('placeFiles needs one dst per src');
    const ranges = await this.placeRanges(
      srcs.length,
      (start, end) => {
        const chunk: PlaceChunk = { srcs: srcs.slice(start, end), dsts: dsts.slice(start, end) };
        if (expected !== undefined) chunk.expected = packStats(expected.slice(start, end));
        return chunk;
      },
      placement,
    );
    const placed: Array<{ code?: string; stat?: FileStat3 }> = [];
    for (const { chunk, result } of ranges) placed.push(...placedPairs(chunk, result));
    return placed;
  }

  /**
   * `placeFiles` of `count` pairs made a range at a time by `build(start, end)` (which may leave
   * pairs out, or carry data of its own along), called on this thread when a thread is free to
   * take the range: a caller that looks up what each pair needs does so while the workers place
   * the ranges before. Each chunk comes back with what placing it gave (`placedPairs` reads it).
   */
  async placeRanges<C extends PlaceChunk>(
    count: number,
    build: (start: number, end: number) => C,
    placement: Placement,
  ): Promise<Array<{ chunk: C; result: PlaceResult }>> {
    const size = this.size;
    const built: C[] = [];
    function* chunks(): Generator<C> {
      for (let start = 0; start < count; ) {
        const end = start + guidedSize(count - start, size, PLACE_CHUNK);
        const chunk = build(start, end);
        if (chunk.srcs.length !== chunk.dsts.length) {
          throw new TypeError('placeRanges needs one dst per src');
        }
        if (chunk.srcs.length > 0) {
          built.push(chunk);
          yield chunk;
        }
        start = end;
      }
    }
    const results = await this.shareChunks(
      chunks(),
      (chunk) => placeBatch(chunk.srcs, chunk.dsts, placement, chunk.expected),
      (id, chunk) => ({
        kind: 'place',
        id,
        srcs: chunk.srcs,
        dsts: chunk.dsts,
        placement,
        ...(chunk.expected ? { expected: chunk.expected } : {}),
      }),
      (response) => {
        if (response.kind !== 'place') throw new Error(`unexpected ${response.kind} answer`);
        return response;
      },
    );
    return built.map((chunk, k) => ({ chunk, result: results[k] as PlaceResult }));
  }

  /**
   * Copies small content-addressed objects between local folders, shared among the threads
   * (see `copyVerifiedBatch`): `srcs[i]` becomes `dsts[i]` when its bytes hash to `md5s[i]`.
   * Per pair: the bytes copied and the copy's inode and mtimeMs, or the code of why it was not
   * (`CopyVerifiedCode`, errno).
   */
  async copyVerified(
    srcs: readonly string[],
    dsts: readonly string[],
    md5s: readonly string[],
    options: CopyVerifiedOptions,
  ): Promise<Array<{ size: number; code?: string; ino?: number; mtimeMs?: number }>> {
    if (srcs.length !== dsts.length || srcs.length !== md5s.length) {
      throw new TypeError('copyVerified needs one dst and one md5 per src');
    }
    const chunks: Array<{ start: number; end: number }> = [];
    for (let start = 0; start < srcs.length; ) {
      const end = start + guidedSize(srcs.length - start, this.size, COPY_CHUNK);
      chunks.push({ start, end });
      start = end;
    }
    const slice = ({ start, end }: { start: number; end: number }) => ({
      srcs: srcs.slice(start, end),
      dsts: dsts.slice(start, end),
      md5s: md5s.slice(start, end),
    });
    const results = await this.shareChunks(
      chunks,
      (chunk) => {
        const pairs = slice(chunk);
        return copyVerifiedBatch(pairs.srcs, pairs.dsts, pairs.md5s, options);
      },
      (id, chunk) => ({ kind: 'copy', id, ...slice(chunk), options }),
      (response) => {
        if (response.kind !== 'copy') throw new Error(`unexpected ${response.kind} answer`);
        return response;
      },
    );
    const copied: Array<{ size: number; code?: string; ino?: number; mtimeMs?: number }> = [];
    results.forEach(({ sizes, stats, failed, codes }, k) => {
      const { start } = chunks[k] as { start: number; end: number };
      sizes.forEach((size, i) => {
        copied.push({ size, ino: stats[2 * i] as number, mtimeMs: stats[2 * i + 1] as number });
      });
      failed.forEach((i, n) => {
        copied[start + i] = { size: -1, code: codes[n] as string };
      });
    });
    return copied;
  }

  /**
   * Runs `here` or a worker request per chunk: the iterable is pulled on this thread, each chunk
   * goes to a worker with room, or is done here when none has room (and this thread takes part).
   * A single chunk is done here: a worker's start costs more than a few thousand system calls.
   * A worker that is gone leaves its chunk to this thread.
   */
  private async shareChunks<C, R>(
    chunks: Iterable<C>,
    here: (chunk: C) => R,
    request: (id: number, chunk: C) => WorkerRequest,
    decode: (response: WorkerResponse) => R,
  ): Promise<R[]> {
    if (this.closed) throw new Error('HashPool is closed');
    const results: R[] = [];
    const answers: Array<Promise<void>> = [];
    const send = (index: number, chunk: C) => {
      const target = this.threads === 0 ? undefined : this.pickWorker();
      if (target === undefined && (this.useCallingThread || this.threads === 0)) {
        results[index] = here(chunk);
        return;
      }
      const worker = target ?? this.leastBusyWorker();
      const answer = this.request(worker, (id) => request(id, chunk)).then((response) => {
        results[index] = response instanceof Error ? here(chunk) : decode(response);
      });
      answer.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
      answers.push(answer);
    };
    try {
      let held: C | undefined;
      let count = 0;
      for (const chunk of chunks) {
        if (count === 1) send(0, held as C);
        if (count === 0) held = chunk;
        else send(count, chunk);
        count++;
        // Lets worker answers in, so that a worker with room gets the next chunk.
        if (count > 1) await new Promise((resolve) => setImmediate(resolve));
      }
      if (count === 1) results[0] = here(held as C);
    } finally {
      await Promise.allSettled(answers);
    }
    await Promise.all(answers);
    return results;
  }

  private leastBusyWorker(): PoolWorker {
    if (this.workers.length < this.threads) return this.startWorker();
    return this.workers.reduce((a, b) => (b.inFlight.size < a.inFlight.size ? b : a));
  }

  /** Posts one request; resolves with its answer, or an Error when the worker is gone. */
  private request(
    poolWorker: PoolWorker,
    message: (id: number) => WorkerRequest,
  ): Promise<WorkerResponse | Error> {
    if (!this.workers.includes(poolWorker)) return Promise.resolve(new Error('worker gone'));
    return new Promise((settle) => {
      const id = this.nextBatchId++;
      poolWorker.inFlight.set(id, { kind: 'op', settle });
      poolWorker.worker.ref();
      poolWorker.worker.postMessage(message(id));
    });
  }

  /**
   * Start every worker thread now instead of on first use, so their start-up overlaps other
   * work (typically the walk that produces the paths). Resolves when all are ready.
   */
  async warmUp(): Promise<void> {
    if (this.closed) throw new Error('HashPool is closed');
    const starting: Array<Promise<void>> = [];
    while (this.workers.length < this.threads) {
      const poolWorker = this.startWorker();
      const { worker } = poolWorker;
      // Kept referenced until it is up (the caller awaits that), then released if idle. A worker
      // that fails to start is reported to the next hashFiles call, not here.
      starting.push(
        new Promise<void>((resolve) => {
          worker.once('online', () => {
            if (poolWorker.inFlight.size === 0) worker.unref();
            resolve();
          });
          worker.once('exit', () => resolve());
        }),
      );
    }
    await Promise.all(starting);
  }

  /** Stop the workers. Pending `hashFiles` calls reject. */
  async close(): Promise<void> {
    this.closed = true;
    const failure = new Error('HashPool was closed');
    for (const batch of this.queue.splice(0)) this.fail(batch.job, failure);
    const workers = this.workers.splice(0);
    for (const w of workers) this.settleInFlight(w, failure);
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }

  private dispatch(): void {
    for (;;) {
      this.dropSettled();
      const batch = this.queue[0];
      const target = batch && this.pickWorker();
      if (batch === undefined || target === undefined) break;
      this.queue.shift();
      target.inFlight.set(batch.id, { kind: 'hash', batch });
      target.worker.ref();
      target.worker.postMessage(requestFor(batch, batch.indexes));
    }
    this.scheduleOwnTurn();
  }

  private dropSettled(): void {
    while (this.queue[0]?.job.settled) this.queue.shift();
  }

  /** The least busy worker with room, starting a new one while below the thread count. */
  private pickWorker(): PoolWorker | undefined {
    let best: PoolWorker | undefined;
    for (const w of this.workers) {
      if (best === undefined || w.inFlight.size < best.inFlight.size) best = w;
    }
    if ((best === undefined || best.inFlight.size > 0) && this.workers.length < this.threads) {
      return this.startWorker();
    }
    return best !== undefined && best.inFlight.size < IN_FLIGHT_PER_WORKER ? best : undefined;
  }

  /** Index of the first batch this thread may take (large files only when there are no workers). */
  private ownBatchIndex(): number {
    this.dropSettled();
    return this.queue.findIndex((b) => !b.large || this.threads === 0);
  }

  private scheduleOwnTurn(): void {
    if (!this.useCallingThread || this.ownTurnPending || this.ownBatchIndex() === -1) return;
    this.ownTurnPending = true;
    setImmediate(() => {
      void this.ownTurn()
        .catch(() => {}) // failures are reported through the job
        .finally(() => {
          this.ownTurnPending = false;
          this.scheduleOwnTurn();
        });
    });
  }

  /**
   * One turn of the calling thread: a slice of a small-file batch, hashed synchronously. A large
   * file is left to the workers, or hashed asynchronously here when there are none.
   */
  private async ownTurn(): Promise<void> {
    const index = this.ownBatchIndex();
    const batch = this.queue[index];
    if (batch === undefined) return;
    const slice = batch.indexes.splice(0, OWN_SLICE_FILES);
    if (batch.indexes.length === 0) this.queue.splice(index, 1);
    const { job } = batch;
    if (batch.large) {
      await this.hashAsync(job, slice);
      return;
    }
    const response = hashBatch(requestFor(batch, slice), {
      smallOnly: true,
      byteBudget: OWN_SLICE_BYTES,
    });
    const handled = slice.slice(0, response.sizes.length);
    const unhandled = slice.slice(response.sizes.length);
    if (unhandled.length > 0) {
      if (batch.indexes.length === 0) this.queue.splice(index, 0, batch);
      batch.indexes.unshift(...unhandled);
    }
    const skipped = handled.filter((_, k) => response.sizes[k] === SKIPPED_AS_TOO_LARGE);
    this.complete(job, handled, response);
    if (skipped.length > 0) {
      this.queue.unshift({ id: this.nextBatchId++, job, indexes: skipped, large: true });
      this.dispatch();
    }
  }

  private async hashAsync(job: Job, indexes: number[]): Promise<void> {
    for (const i of indexes) {
      if (job.settled) return;
      const path = job.paths[i] as string;
      try {
        const result = await hashFile(path, { algorithms: job.algorithms as HashAlgorithm[] });
        job.results[i] = result;
        this.countDone(job, 1);
      } catch (error) {
        this.fail(job, hashFailed(path, error));
      }
    }
  }

  private startWorker(): PoolWorker {
    const poolWorker: PoolWorker = { worker: new Worker(this.workerUrl), inFlight: new Map() };
    const { worker } = poolWorker;
    worker.on('message', (response: WorkerResponse) => this.onResponse(poolWorker, response));
    worker.on('error', (error) => this.onWorkerGone(poolWorker, error));
    worker.on('exit', (code) => {
      this.onWorkerGone(poolWorker, new Error(`hash worker exited with code ${code}`));
    });
    this.workers.push(poolWorker);
    return poolWorker;
  }

  private onResponse(poolWorker: PoolWorker, response: WorkerResponse): void {
    const pending = poolWorker.inFlight.get(response.id);
    poolWorker.inFlight.delete(response.id);
    if (poolWorker.inFlight.size === 0) poolWorker.worker.unref();
    if (pending?.kind === 'op') pending.settle(response);
    else if (pending?.kind === 'hash' && response.kind === 'hash') {
      this.complete(pending.batch.job, pending.batch.indexes, response);
    }
    this.dispatch();
  }

  /** Every request a worker still owes fails with `error`. */
  private settleInFlight(poolWorker: PoolWorker, error: Error): void {
    for (const pending of poolWorker.inFlight.values()) {
      if (pending.kind === 'hash') this.fail(pending.batch.job, error);
      else pending.settle(error);
    }
    poolWorker.inFlight.clear();
  }

  /** Records the results of `indexes` (skipped files excepted) from one response. */
  private complete(job: Job, indexes: readonly number[], response: HashResponse): void {
    if (job.settled) return;
    const failure = response.errors[0];
    if (failure !== undefined) {
      const path = job.paths[indexes[failure.index] as number] as string;
      this.fail(job, hashFailed(path, failure));
      return;
    }
    const { algorithms } = job;
    const { stored, objectStats } = response;
    let d = 0;
    let o = 0;
    let done = 0;
    for (const [k, index] of indexes.entries()) {
      const size = response.sizes[k] as number;
      const copy = stored?.[k];
      if (size === SKIPPED_AS_TOO_LARGE) {
        d += algorithms.length;
        continue;
      }
      const entry: Record<string, string | number> = { size };
      for (const name of algorithms) entry[name] = response.digests[d++] as string;
      if (copy === 0) entry.stored = 'present';
      else if (copy === 1 && objectStats !== undefined) {
        entry.stored = 'written';
        entry.objectIno = objectStats[o++] as number;
        entry.objectMtimeMs = objectStats[o++] as number;
      }
      job.results[index] = entry;
      done++;
    }
    this.countDone(job, done);
  }

  private countDone(job: Job, count: number): void {
    job.remaining -= count;
    job.progress?.(job.paths.length - job.remaining);
    if (job.remaining === 0) {
      job.settled = true;
      job.resolve();
    }
  }

  private fail(job: Job, error: unknown): void {
    if (job.settled) return;
    job.settled = true;
    job.reject(error);
  }

  private onWorkerGone(poolWorker: PoolWorker, error: Error): void {
    const index = this.workers.indexOf(poolWorker);
    if (index === -1) return;
    this.workers.splice(index, 1);
    this.settleInFlight(poolWorker, error);
    this.dispatch();
  }
}

function requestFor(batch: Batch, indexes: readonly number[]): HashRequest {
  return {
    kind: 'hash',
    id: batch.id,
    paths: indexes.map((i) => batch.job.paths[i] as string),
    sizes: indexes.map((i) => batch.job.sizes[i] as number),
    algorithms: batch.job.algorithms,
    ...(batch.job.store !== undefined ? { store: batch.job.store } : {}),
  };
}

function hashFailed(
  path: string,
  error: { code?: unknown; message?: unknown } | unknown,
): CairnError {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return new CairnError('CAIRN_HASH_FAILED', `cannot hash ${path}: ${String(message)}`, {
    details: { path, errno: typeof code === 'string' ? code : undefined },
    cause: error,
  });
}

function statFailed(error: NonNullable<StatResponse['error']>): Error {
  // Shaped like the fs error the same lstat raises on the calling thread.
  return Object.assign(new Error(error.message), { code: error.code, path: error.path });
}

/** The smallest batch or chunk that `guidedSize` hands out. */
const MIN_SHARE = 32;

/**
 * How many of the `remaining` items the next batch or chunk takes: `max` while much is left,
 * then less and less (guided self-scheduling), so that no thread is left waiting at the end
 * while another works through the large batches queued for it.
 */
function guidedSize(remaining: number, threads: number, max: number): number {
  return Math.max(
    1,
    Math.min(max, remaining, Math.max(MIN_SHARE, Math.ceil(remaining / (threads * 4)))),
  );
}

/**
 * Groups input indexes into batches: up to MAX_BATCH_FILES files or MAX_BATCH_BYTES bytes each,
 * smaller for short lists so that every thread gets a share; a file of MAX_BATCH_BYTES or more
 * is a batch of its own.
 */
function planBatches(
  sizes: readonly number[],
  threads: number,
): Array<{ indexes: number[]; large: boolean }> {
  const perBatch = Math.max(1, Math.min(MAX_BATCH_FILES, Math.ceil(sizes.length / (threads * 8))));
  const batches: Array<{ indexes: number[]; large: boolean }> = [];
  let current: number[] = [];
  let bytes = 0;
  let large = false;
  for (const [index, size] of sizes.entries()) {
    if (size >= MAX_BATCH_BYTES) {
      batches.push({ indexes: [index], large: true });
      continue;
    }
    current.push(index);
    bytes += Math.max(0, size);
    large ||= size > SMALL_FILE_MAX;
    const limit = guidedSize(sizes.length - index + current.length - 1, threads, perBatch);
    if (current.length >= limit || bytes >= MAX_BATCH_BYTES) {
      batches.push({ indexes: current, large });
      current = [];
      bytes = 0;
      large = false;
    }
  }
  if (current.length > 0) batches.push({ indexes: current, large });
  return batches;
}

/**
 * Hashing many files on all cores. Work goes to worker threads in batches (one message carries
 * many small files, so messaging costs little per file); a file larger than the batch budget is
 * a batch of its own. Workers start on first use, are not kept alive while idle (an unclosed
 * pool does not hold the process open), and results come back in input order.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { CairnError, type ProgressListener } from '@cairn/types';
import { DEFAULT_ALGORITHMS, type HashAlgorithm, type HashResult } from './hash.js';
import type { WorkerRequest, WorkerResponse } from './hash-protocol.js';

export interface HashPoolOptions {
  /** Number of worker threads; defaults to the available parallelism. */
  workers?: number;
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
}

const MAX_BATCH_FILES = 64;
const MAX_BATCH_BYTES = 8 << 20;
// Batches kept queued at each worker, so it never waits for the next message.
const IN_FLIGHT_PER_WORKER = 2;

interface Batch {
  id: number;
  job: Job;
  /** Indexes into the job's inputs. */
  indexes: number[];
}

interface Job {
  paths: string[];
  algorithms: string[];
  results: Array<Record<string, string | number> | undefined>;
  remaining: number;
  done: number;
  settled: boolean;
  resolve: () => void;
  reject: (error: unknown) => void;
  progress: ((done: number) => void) | undefined;
}

interface PoolWorker {
  worker: Worker;
  inFlight: Map<number, Batch>;
}

export class HashPool {
  readonly size: number;
  private readonly workerUrl: URL;
  private readonly workers: PoolWorker[] = [];
  private readonly queue: Batch[] = [];
  private nextBatchId = 1;
  private closed = false;

  constructor(options: HashPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.workers ?? availableParallelism()));
    this.workerUrl = options.workerUrl ?? new URL('./hash-worker.js', import.meta.url);
  }

  /** Hash every file; the result at index i belongs to `inputs[i]`. */
  async hashFiles<A extends HashAlgorithm = HashAlgorithm>(
    inputs: readonly HashInput[],
    options: HashFilesOptions<A> = {},
  ): Promise<Array<HashResult<A>>> {
    if (this.closed) throw new Error('HashPool is closed');
    const algorithms = [...new Set(options.algorithms ?? DEFAULT_ALGORITHMS)];
    const paths = inputs.map((input) => (typeof input === 'string' ? input : input.path));
    const id = options.progressId ?? 'hash';
    const onProgress = options.onProgress;
    onProgress?.({ type: 'start', id, label: 'Hashing files', total: paths.length, unit: 'files' });
    const signal = options.signal;
    signal?.throwIfAborted();

    const results: Job['results'] = new Array(paths.length);
    if (paths.length > 0) {
      await new Promise<void>((resolve, reject) => {
        const job: Job = {
          paths,
          algorithms,
          results,
          remaining: 0,
          done: 0,
          settled: false,
          resolve,
          reject,
          progress:
            onProgress &&
            ((done) => onProgress({ type: 'progress', id, done, total: paths.length })),
        };
        const onAbort = () => this.fail(job, (signal as AbortSignal).reason);
        signal?.addEventListener('abort', onAbort, { once: true });
        const cleanup = () => signal?.removeEventListener('abort', onAbort);
        job.resolve = () => {
          cleanup();
          resolve();
        };
        job.reject = (error) => {
          cleanup();
          reject(error);
        };
        const batches = planBatches(inputs, this.size).map((indexes) => ({
          id: this.nextBatchId++,
          job,
          indexes,
        }));
        job.remaining = batches.length;
        this.queue.push(...batches);
        this.dispatch();
      });
    }
    onProgress?.({ type: 'done', id, done: paths.length });
    return results as Array<HashResult<A>>;
  }

  /** Stop the workers. Pending `hashFiles` calls reject. */
  async close(): Promise<void> {
    this.closed = true;
    const failure = new Error('HashPool was closed');
    for (const batch of this.queue.splice(0)) this.fail(batch.job, failure);
    const workers = this.workers.splice(0);
    for (const w of workers) for (const batch of w.inFlight.values()) this.fail(batch.job, failure);
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const target = this.pickWorker();
      if (target === undefined) return;
      const batch = this.queue.shift() as Batch;
      if (batch.job.settled) continue;
      target.inFlight.set(batch.id, batch);
      target.worker.ref();
      const request: WorkerRequest = {
        id: batch.id,
        paths: batch.indexes.map((i) => batch.job.paths[i] as string),
        algorithms: batch.job.algorithms,
      };
      target.worker.postMessage(request);
    }
  }

  /** The least busy worker with room, starting a new one while below the pool size. */
  private pickWorker(): PoolWorker | undefined {
    let best: PoolWorker | undefined;
    for (const w of this.workers) {
      if (best === undefined || w.inFlight.size < best.inFlight.size) best = w;
    }
    if ((best === undefined || best.inFlight.size > 0) && this.workers.length < this.size) {
      return this.startWorker();
    }
    return best !== undefined && best.inFlight.size < IN_FLIGHT_PER_WORKER ? best : undefined;
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
    const batch = poolWorker.inFlight.get(response.id);
    poolWorker.inFlight.delete(response.id);
    if (poolWorker.inFlight.size === 0) poolWorker.worker.unref();
    if (batch !== undefined && !batch.job.settled) this.complete(batch, response);
    this.dispatch();
  }

  private complete(batch: Batch, response: WorkerResponse): void {
    const { job } = batch;
    for (const [k, index] of batch.indexes.entries()) {
      const result = response.results[k];
      const path = job.paths[index] as string;
      if (result === undefined || 'error' in result) {
        const { code, message } = result?.error ?? { code: undefined, message: 'no result' };
        this.fail(
          job,
          new CairnError('CAIRN_HASH_FAILED', `cannot hash ${path}: ${message}`, {
            details: { path, errno: code },
          }),
        );
        return;
      }
      const entry: Record<string, string | number> = { size: result.size };
      for (const [a, name] of job.algorithms.entries()) entry[name] = result.digests[a] as string;
      job.results[index] = entry;
    }
    job.done += batch.indexes.length;
    job.progress?.(job.done);
    job.remaining--;
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
    for (const batch of poolWorker.inFlight.values()) this.fail(batch.job, error);
    poolWorker.inFlight.clear();
    this.dispatch();
  }
}

/**
 * Groups input indexes into batches: up to MAX_BATCH_FILES files or MAX_BATCH_BYTES bytes each,
 * and smaller batches for short lists so that every worker gets a share.
 */
function planBatches(inputs: readonly HashInput[], workers: number): number[][] {
  const perBatch = Math.max(1, Math.min(MAX_BATCH_FILES, Math.ceil(inputs.length / (workers * 4))));
  const batches: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  for (const [index, input] of inputs.entries()) {
    const size = typeof input === 'string' ? 0 : (input.size ?? 0);
    if (size >= MAX_BATCH_BYTES) {
      batches.push([index]);
      continue;
    }
    current.push(index);
    bytes += size;
    if (current.length >= perBatch || bytes >= MAX_BATCH_BYTES) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * What every data operation shares: the object store, the state index, the hash pool, the
 * `.dvcignore` rules and the repository lock. One per operation; `close()` persists the state.
 */
import { join } from 'node:path';
import { ObjectIndex, ObjectStore, StateIndex } from '@cairn/cache';
import { acquireLock, DvcIgnore, HashPool, type LockHandle } from '@cairn/core-io';
import { CairnError, type LinkType, type ProgressListener } from '@cairn/types';
import type { HashContext } from './hash-path.js';

/** Files from which a folder's walk or checkout is worth starting worker threads for. */
const LARGE_FOLDER_FILES = 4096;
/** How often an operation over many targets saves the indexes on the way (see `saveDue`). */
const SAVE_INTERVAL_MS = 2000;
/** Targets between two turns of the event loop (see `beforeTarget`). */
const YIELD_EVERY = 32;

export interface OperationOptions {
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

export interface RepoLike {
  root: string;
  tmpDir: string;
  cacheDir: string;
  /** DVC's `cache.shared`. */
  cacheShared?: 'group' | undefined;
  linkTypes: LinkType[];
  usesGit: boolean;
}

export class DataContext implements HashContext {
  readonly state: StateIndex;
  readonly memos: StateIndex;
  readonly store: ObjectStore;
  readonly ignore: DvcIgnore;
  readonly onProgress?: ProgressListener;
  readonly signal?: AbortSignal;
  private hashPool: HashPool | undefined;
  private objectIndex: ObjectIndex | undefined;
  private lock: LockHandle | undefined;
  private savedAt = Date.now();

  private constructor(
    readonly repo: RepoLike,
    options: OperationOptions,
  ) {
    this.state = StateIndex.open(repo.tmpDir);
    this.memos = StateIndex.open(repo.tmpDir, 'cairn-memos');
    // Cache objects are remembered apart from workspace files, so `status` never loads them.
    this.store = new ObjectStore(
      repo.cacheDir,
      () => {
        this.objectIndex ??= ObjectIndex.open(repo.tmpDir);
        return this.objectIndex;
      },
      repo.cacheShared ? { shared: repo.cacheShared } : {},
    );
    this.ignore = new DvcIgnore(repo.root);
    this.onProgress = options.onProgress;
    this.signal = options.signal;
  }

  /** Opens a context; `write` takes the repository lock (released by `close`). */
  static async open(
    repo: RepoLike,
    options: OperationOptions & { write?: string },
  ): Promise<DataContext> {
    const ctx = new DataContext(repo, options);
    if (options.write !== undefined) {
      try {
        ctx.lock = await acquireLock(join(repo.tmpDir, 'cairn.lock'), { command: options.write });
      } catch (error) {
        if (!isPermissionError(error)) throw error;
        throw new CairnError(
          'CAIRN_READ_ONLY',
          `${options.write} changes the repository, and ${repo.tmpDir} cannot be written here (${(error as { code: string }).code})`,
          { hint: 'run it as a user who may write the repository, or on a writable copy of it' },
        );
      }
    }
    return ctx;
  }

  /** Whether the cache holds an object (one listing of the store; see `ObjectStore.listed`). */
  hasObject(oid: string, hashName: 'md5' | 'md5-dos2unix' = 'md5'): boolean {
    return this.store.listed(oid, hashName);
  }

  pool = (): HashPool => {
    this.hashPool ??= new HashPool();
    return this.hashPool;
  };

  /**
   * Starts the hash pool's workers now when an entry records a folder large enough for its walk
   * or checkout to share `lstat` and link calls with them, so they are up when that work begins.
   */
  warmPoolFor(entries: readonly { entry: { nfiles?: number } }[]): void {
    if (entries.some((e) => (e.entry.nfiles ?? 0) >= LARGE_FOLDER_FILES)) void this.pool().warmUp();
  }

  /**
   * Called before target `index` of a loop over many: throws once the operation is aborted, and
   * every few targets first lets the event loop turn. Work on small files awaits only
   * microtasks, which never let a signal handler run, so without the turn Ctrl-C would go
   * unnoticed until the loop ends.
   */
  async beforeTarget(index: number): Promise<void> {
    if (index % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((r) => setImmediate(r));
    this.signal?.throwIfAborted();
  }

  /**
   * Whether an operation over many targets should save its progress now (`flush`, and what it
   * writes itself): every two seconds, not after each target, where each save is an fsync.
   */
  saveDue(): boolean {
    return Date.now() - this.savedAt > SAVE_INTERVAL_MS;
  }

  /** Persists what the state indexes learnt so far. */
  async flush(): Promise<void> {
    this.savedAt = Date.now();
    try {
      await this.state.flush();
      await this.memos.flush();
      await this.objectIndex?.flush();
    } catch (error) {
      // The indexes only save work. A reader (status, read) that may not write them, in a
      // repository of another user or on a read-only mount, still gets its answer.
      if (this.lock !== undefined || !isPermissionError(error)) throw error;
    }
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.hashPool?.close();
      await this.lock?.release();
    }
  }

  /** Runs `fn` with a context and always closes it. */
  static async run<T>(
    repo: RepoLike,
    options: OperationOptions & { write?: string },
    fn: (ctx: DataContext) => Promise<T>,
  ): Promise<T> {
    const ctx = await DataContext.open(repo, options);
    try {
      return await fn(ctx);
    } finally {
      await ctx.close();
    }
  }
}

function isPermissionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'EACCES' || code === 'EPERM' || code === 'EROFS';
}

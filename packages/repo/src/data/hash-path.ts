/**
 * Hashing workspace paths the way DVC keys them, through the state index so an unchanged file
 * (same inode, mtime, size) is never read twice, and through the hash pool for the rest.
 */
import { createHash } from 'node:crypto';
import { lstatSync, type Stats, statSync } from 'node:fs';
import {
  buildTree,
  type HashName,
  type ObjectStore,
  type StateIndex,
  type Tree,
} from '@cairn/cache';
import {
  type DvcIgnore,
  type HashPool,
  hashFile,
  hashFileDos2Unix,
  visitTreeParallel,
  type WalkEntry,
  walkTreeParallel,
} from '@cairn/core-io';
import type { ProgressListener } from '@cairn/types';

export interface HashContext {
  state: StateIndex;
  /** Small memos kept apart from the per-file entries: folder walks, tree completeness. */
  memos: StateIndex;
  pool: () => HashPool;
  ignore: DvcIgnore;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

export interface DirFile {
  relpath: string;
  absPath: string;
  md5: string;
  size: number;
  /** The inode and mtime the walk saw. */
  ino: number;
  mtimeMs: number;
  /** Set when hashing already put the file's object in the cache (`storeInto`). */
  stored?: 'written' | 'present';
}

export type FileHash = { kind: 'file'; md5: string; size: number; isexec: boolean };
export type PathHash =
  | FileHash
  | { kind: 'dir'; oid: string; size: number; nfiles: number; files: DirFile[]; tree: Tree };
/** A path's hash without a folder's file list (what status compares). */
export type PathSummary = FileHash | { kind: 'dir'; oid: string; size: number; nfiles: number };

/** State keys of legacy (dos2unix) hashes are kept apart from plain md5 ones. */
function stateKey(path: string, hashName: HashName): string {
  return hashName === 'md5' ? path : `md5-dos2unix:${path}`;
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path).isSymbolicLink() ? statSync(path) : lstatSync(path);
  } catch {
    return undefined;
  }
}

async function hashOne(path: string, hashName: HashName, signal?: AbortSignal): Promise<string> {
  return hashName === 'md5'
    ? (await hashFile(path, { algorithms: ['md5'], signal })).md5
    : (await hashFileDos2Unix(path)).md5;
}

/** The md5 of one file, from the state index when its stat is unchanged. */
export async function hashFileCached(
  ctx: HashContext,
  path: string,
  info: { ino: number; mtimeMs: number; size: number },
  hashName: HashName = 'md5',
): Promise<string> {
  const key = stateKey(path, hashName);
  const known = ctx.state.get(key, info);
  if (known !== undefined) return known;
  const md5 = await hashOne(path, hashName, ctx.signal);
  ctx.state.set(key, info, md5);
  return md5;
}

/**
 * Hashes many files; those missing from the state go through the pool in one batch. With
 * `storeInto`, the small ones read for hashing are also copied into that store from the same
 * bytes; what happened to each is recorded in `stored` by index.
 */
export async function hashFilesCached(
  ctx: HashContext,
  files: readonly WalkEntry[],
  hashName: HashName = 'md5',
  storeInto?: {
    store: ObjectStore;
    stored: Map<number, 'written' | 'present'>;
    /** Hard-link files as their objects (see core-io's `StoreInto.link`). */
    link?: boolean;
  },
): Promise<string[]> {
  const result = new Array<string>(files.length);
  const misses: number[] = [];
  const knowns = ctx.state.getMany(
    files.map((file) => stateKey(file.absPath, hashName)),
    files,
  );
  for (let i = 0; i < files.length; i++) {
    const known = knowns[i];
    if (known === undefined) misses.push(i);
    else result[i] = known;
  }
  if (misses.length === 0) return result;
  if (hashName === 'md5') {
    const hashed = await ctx.pool().hashFiles(
      misses.map((i) => ({
        path: (files[i] as WalkEntry).absPath,
        size: (files[i] as WalkEntry).size,
      })),
      {
        algorithms: ['md5'],
        onProgress: ctx.onProgress,
        signal: ctx.signal,
        ...(storeInto
          ? { storeInto: { ...storeInto.store.incoming, link: storeInto.link === true } }
          : {}),
      },
    );
    misses.forEach((i, k) => {
      const file = files[i] as WalkEntry;
      const outcome = hashed[k] as (typeof hashed)[number];
      const md5 = outcome.md5;
      result[i] = md5;
      ctx.state.set(file.absPath, file, md5);
      if (storeInto === undefined || outcome.stored === undefined) return;
      storeInto.stored.set(i, outcome.stored);
      if (outcome.objectIno !== undefined && outcome.objectMtimeMs !== undefined) {
        storeInto.store.remember(md5, {
          ino: outcome.objectIno,
          mtimeMs: outcome.objectMtimeMs,
          size: outcome.size,
        });
      }
    });
  } else {
    for (const i of misses) {
      const file = files[i] as WalkEntry;
      result[i] = await hashFileCached(ctx, file.absPath, file, hashName);
    }
  }
  return result;
}

/**
 * Hash a file or directory as DVC would record it; undefined when the path does not exist.
 * A directory's files come back with their hashes (for adding them to the cache).
 */
export async function hashPath(
  ctx: HashContext,
  path: string,
  hashName: HashName = 'md5',
  options: { storeInto?: ObjectStore; link?: boolean; ignore?: DvcIgnore | false } = {},
): Promise<PathHash | undefined> {
  const info = statOrUndefined(path);
  if (info === undefined) return undefined;
  if (!info.isDirectory()) return hashOneFile(ctx, path, info, hashName);
  const dvcignore = options.ignore ?? ctx.ignore;
  const { files } = await walkTreeParallel(ctx.pool(), path, { dvcignore });
  const store = options.storeInto && { store: options.storeInto, link: options.link === true };
  return hashWalkedDir(ctx, path, files, hashName, store);
}

/**
 * `hashPath` for comparisons: a folder whose walk (every file's path, inode, mtime and size) is
 * the one recorded with its last hash gets that hash back without a state lookup per file or
 * rebuilding its `.dir` listing.
 */
export async function summarizePath(
  ctx: HashContext,
  path: string,
  hashName: HashName = 'md5',
): Promise<PathSummary | undefined> {
  const info = statOrUndefined(path);
  if (info === undefined) return undefined;
  if (!info.isDirectory()) return hashOneFile(ctx, path, info, hashName);
  // First a walk that keeps nothing per file; the full one only when the folder changed.
  const walk = new WalkFingerprint();
  await visitTreeParallel(ctx.pool(), path, { dvcignore: ctx.ignore }, (rel, _abs, stat) =>
    walk.add(rel, stat),
  );
  const summary = walk.finish();
  const known = ctx.memos.get(walkMemoKey(path, hashName), summary.stamp);
  if (known !== undefined) {
    return { kind: 'dir', oid: `${known}.dir`, size: summary.size, nfiles: summary.count };
  }
  const { files } = await walkTreeParallel(ctx.pool(), path, { dvcignore: ctx.ignore });
  const { oid, size, nfiles } = await hashWalkedDir(ctx, path, files, hashName, undefined);
  return { kind: 'dir', oid, size, nfiles };
}

async function hashOneFile(
  ctx: HashContext,
  path: string,
  info: Stats,
  hashName: HashName,
): Promise<FileHash> {
  const md5 = await hashFileCached(ctx, path, info, hashName);
  return { kind: 'file', md5, size: info.size, isexec: (info.mode & 0o111) !== 0 };
}

async function hashWalkedDir(
  ctx: HashContext,
  path: string,
  files: WalkEntry[],
  hashName: HashName,
  storeInto: { store: ObjectStore; link: boolean } | undefined,
): Promise<Extract<PathHash, { kind: 'dir' }>> {
  const stored = new Map<number, 'written' | 'present'>();
  const md5s = await hashFilesCached(
    ctx,
    files,
    hashName,
    storeInto && hashName === 'md5' ? { ...storeInto, stored } : undefined,
  );
  const dirFiles: DirFile[] = files.map((f, i) => ({
    relpath: f.path,
    absPath: f.absPath,
    md5: md5s[i] as string,
    size: f.size,
    ino: f.ino,
    mtimeMs: f.mtimeMs,
    ...(stored.has(i) ? { stored: stored.get(i) } : {}),
  }));
  const tree = buildTree(dirFiles.map((f) => ({ relpath: f.relpath, md5: f.md5 })));
  const summary = rememberDirOid(ctx, path, files, hashName, tree.oid);
  return {
    kind: 'dir',
    oid: tree.oid,
    size: summary.size,
    nfiles: dirFiles.length,
    files: dirFiles,
    tree,
  };
}

function fingerprintOf(files: readonly WalkEntry[]): ReturnType<WalkFingerprint['finish']> {
  const walk = new WalkFingerprint();
  for (const f of files) walk.add(f.path, f);
  return walk.finish();
}

/**
 * Records that a folder whose walk gave `files` holds version `oid` (`….dir`), unless a file in
 * it was modified in the last moments (a later write within the same mtime tick would go
 * unseen). Returns the walk's summary.
 */
export function rememberDirOid(
  ctx: HashContext,
  path: string,
  files: readonly WalkEntry[],
  hashName: HashName,
  oid: string,
): ReturnType<WalkFingerprint['finish']> {
  const summary = fingerprintOf(files);
  if (summary.settled) ctx.memos.set(walkMemoKey(path, hashName), summary.stamp, oid.slice(0, 32));
  return summary;
}

/**
 * The oid (`….dir`) a folder was last hashed to, when its walk (every file's path, inode, mtime
 * and size, in walk order) is exactly the one recorded then; undefined otherwise. Saves a state
 * lookup per file where only "is it still that version?" matters.
 */
export function rememberedDirOid(
  ctx: HashContext,
  path: string,
  files: readonly WalkEntry[],
  hashName: HashName,
): string | undefined {
  const known = ctx.memos.get(walkMemoKey(path, hashName), fingerprintOf(files).stamp);
  return known === undefined ? undefined : `${known}.dir`;
}

function walkMemoKey(path: string, hashName: HashName): string {
  return `walk:${hashName}:${path}`;
}

/** Files modified this recently are not trusted to keep their mtime across a rewrite. */
const SETTLE_MS = 2000;

/** Files whose numbers and paths are hashed at a time (the numbers in one typed array). */
const FINGERPRINT_CHUNK = 1024;

/**
 * The md5 of a walk's (inode, mtime, size, path) list, fed file by file in walk order, kept in
 * the three number slots the memo index has per key (48 + 48 + 32 bits); plus the file count,
 * total size and whether every mtime has settled. The numbers go in as raw doubles, a chunk at
 * a time: formatting them as text cost more than the rest of a large walk's bookkeeping.
 */
class WalkFingerprint {
  private readonly md5 = createHash('md5');
  private readonly numbers = new Float64Array(FINGERPRINT_CHUNK * 3);
  private paths: string[] = [];
  private newest = 0;
  size = 0;
  count = 0;

  add(path: string, stat: { ino: number; mtimeMs: number; size: number }): void {
    const o = this.paths.length * 3;
    this.numbers[o] = stat.ino;
    this.numbers[o + 1] = stat.mtimeMs;
    this.numbers[o + 2] = stat.size;
    this.paths.push(path);
    if (this.paths.length === FINGERPRINT_CHUNK) this.flush();
    this.size += stat.size;
    this.count++;
    if (stat.mtimeMs > this.newest) this.newest = stat.mtimeMs;
  }

  private flush(): void {
    this.md5.update(this.numbers.subarray(0, this.paths.length * 3));
    // NUL cannot occur in a file name, so the joined paths parse back one way only.
    this.md5.update(`${this.paths.join('\0')}\0`);
    this.paths = [];
  }

  finish(): {
    stamp: { ino: number; mtimeMs: number; size: number };
    size: number;
    count: number;
    settled: boolean;
  } {
    if (this.paths.length > 0) this.flush();
    const md5 = this.md5.digest('hex');
    return {
      stamp: {
        ino: Number.parseInt(md5.slice(0, 12), 16),
        mtimeMs: Number.parseInt(md5.slice(12, 24), 16),
        size: Number.parseInt(md5.slice(24, 32), 16),
      },
      size: this.size,
      count: this.count,
      settled: Date.now() - this.newest > SETTLE_MS,
    };
  }
}

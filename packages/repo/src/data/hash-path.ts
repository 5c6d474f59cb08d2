/**
 * Hashing workspace paths the way DVC keys them, through the state index so an unchanged file
 * (same inode, mtime, size) is never read twice, and through the hash pool for the rest.
 */
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
  type WalkEntry,
  walkTree,
} from '@cairn/core-io';
import type { ProgressListener } from '@cairn/types';

export interface HashContext {
  state: StateIndex;
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
  /** Set when hashing already put the file's object in the cache (`storeInto`). */
  stored?: 'written' | 'present';
}

export type PathHash =
  | { kind: 'file'; md5: string; size: number; isexec: boolean }
  | { kind: 'dir'; oid: string; size: number; nfiles: number; files: DirFile[]; tree: Tree };

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
  storeInto?: { store: ObjectStore; stored: Map<number, 'written' | 'present'> },
): Promise<string[]> {
  const result = new Array<string>(files.length);
  const misses: number[] = [];
  for (let i = 0; i < files.length; i++) {
    const file = files[i] as WalkEntry;
    const known = ctx.state.get(stateKey(file.absPath, hashName), file);
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
        ...(storeInto ? { storeInto: storeInto.store.incoming } : {}),
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
  options: { storeInto?: ObjectStore } = {},
): Promise<PathHash | undefined> {
  const info = statOrUndefined(path);
  if (info === undefined) return undefined;
  if (!info.isDirectory()) {
    const md5 = await hashFileCached(ctx, path, info, hashName);
    return { kind: 'file', md5, size: info.size, isexec: (info.mode & 0o111) !== 0 };
  }
  const { files } = walkTree(path, { dvcignore: ctx.ignore });
  const stored = new Map<number, 'written' | 'present'>();
  const md5s = await hashFilesCached(
    ctx,
    files,
    hashName,
    options.storeInto && hashName === 'md5' ? { store: options.storeInto, stored } : undefined,
  );
  const dirFiles: DirFile[] = files.map((f, i) => ({
    relpath: f.path,
    absPath: f.absPath,
    md5: md5s[i] as string,
    size: f.size,
    ...(stored.has(i) ? { stored: stored.get(i) } : {}),
  }));
  const tree = buildTree(dirFiles.map((f) => ({ relpath: f.relpath, md5: f.md5 })));
  const size = dirFiles.reduce((sum, f) => sum + f.size, 0);
  return { kind: 'dir', oid: tree.oid, size, nfiles: dirFiles.length, files: dirFiles, tree };
}

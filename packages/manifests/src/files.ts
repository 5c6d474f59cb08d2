/** File helpers shared by steps, verification, bundles and ingest (not public API). */
import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { open, readdir, rm, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, relative, sep } from 'node:path';
import { fsyncDir, isProcessAlive, TEMP_SUFFIX } from '@cairn/core-io';
import { CairnError, type FileDigest, NameSegment } from '@cairn/types';

/** The manifest's file name inside a step or capture folder. */
export const MANIFEST_FILE = 'manifest.json';

export interface ListedFile {
  /** Posix path relative to the listed folder. */
  path: string;
  absPath: string;
  /** What `lstat` says: links are reported as links, never followed. */
  kind: 'file' | 'symlink' | 'other';
}

/**
 * Every entry below `dir` that is not a folder, without following symlinks (a link to a folder is
 * reported, not entered), sorted by path. Nothing is ignored: verification must see everything.
 */
export async function listFiles(dir: string): Promise<ListedFile[]> {
  const out: ListedFile[] = [];
  const pending = [dir];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    const entries: Dirent[] = await readdir(current, { withFileTypes: true });
    for (const entry of entries) {
      const absPath = join(current, entry.name);
      if (entry.isDirectory()) {
        pending.push(absPath);
        continue;
      }
      const kind = entry.isFile() ? 'file' : entry.isSymbolicLink() ? 'symlink' : 'other';
      out.push({ path: toPosix(relative(dir, absPath)), absPath, kind });
    }
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/** `fn` over `items` with at most `limit` calls in flight; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  fn: (item: T, index: number) => Promise<R>,
  limit = Math.min(8, availableParallelism() * 2),
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i] as T, i);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** Make a file's bytes durable (the folder entry is the caller's business). */
export async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A sibling folder name for building `target` before renaming it into place. */
export function tempDirFor(target: string): string {
  const random = randomBytes(6).toString('hex');
  return join(dirname(target), `.${basename(target)}.${process.pid}.${random}${TEMP_SUFFIX}`);
}

/**
 * Remove the temp folders (from `tempDirFor`) in `parent` whose process is gone: what a killed
 * export or ingest left behind. Folders of live processes are kept.
 */
export async function removeStaleTempDirs(parent: string): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(parent, { withFileTypes: true });
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return;
    throw error;
  }
  for (const entry of entries) {
    if (!entry.isDirectory() || !entry.name.endsWith(TEMP_SUFFIX)) continue;
    const pid = Number(entry.name.slice(0, -TEMP_SUFFIX.length).split('.').at(-2));
    if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && !isProcessAlive(pid)) {
      await rm(join(parent, entry.name), { recursive: true, force: true });
    }
  }
}

export function errnoOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Same content as far as verification goes: size and sha256. */
export function sameContent(a: Pick<FileDigest, 'sha256' | 'size'>, b: typeof a): boolean {
  return a.size === b.size && a.sha256 === b.sha256;
}

/** A short form of a digest for messages. */
export function short(sha256: string): string {
  return `${sha256.slice(0, 12)}…`;
}

/** Refuse a name that is not a safe single path segment. */
export function assertName(kind: string, value: string): void {
  if (!NameSegment.safeParse(value).success) {
    throw new CairnError('CAIRN_INVALID_NAME', `invalid ${kind} name "${value}"`, {
      hint: 'use letters, digits, ".", "_" and "-", starting with a letter or digit (at most 128)',
      details: { [kind]: value },
    });
  }
}

/**
 * fsync the folders holding `files` (absolute paths below `root`), up to and including `root`,
 * deepest first: a new file or folder is durable only once the folder holding its entry is.
 */
export async function fsyncFolders(root: string, files: Iterable<string>): Promise<void> {
  const folders = new Set<string>([root]);
  for (const file of files) {
    for (let d = dirname(file); d.length > root.length; d = dirname(d)) folders.add(d);
  }
  for (const folder of [...folders].sort().reverse()) await fsyncDir(folder);
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return false;
    throw error;
  }
}

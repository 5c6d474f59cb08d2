/**
 * A fast synchronous tree walk with `.dvcignore` semantics and DVC's symlink policy:
 * - a symlink to a file is reported as a file, with the target's size, mode and content;
 * - a symlink to a folder is not entered (DVC walks without following links) and contributes
 *   nothing, but is reported through `onDiagnostic`;
 * - a dangling or looping symlink is an error naming the path (`CAIRN_BROKEN_SYMLINK`).
 * One `readdir` per folder, then one `lstat` per file: synchronously (`walkTree`), or shared among a
 * `HashPool`'s threads (`walkTreeParallel`), never a promise per file.
 */
import { type Dirent, lstatSync, readdirSync, type Stats, statSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { CairnError } from '@cairn/types';
import { DVCIGNORE_FILE, DvcIgnore, IgnoreRules, isAlwaysIgnored } from './dvcignore.js';
import { errnoCode } from './errno.js';
import type { HashPool } from './hash-pool.js';
import { type FileStat, STAT_FIELDS } from './stat-batch.js';

export interface WalkEntry {
  /** Posix path relative to the walk root. */
  path: string;
  absPath: string;
  size: number;
  mtimeMs: number;
  ino: number;
  /** `st_mode` including the file-type bits (of the target, for a symlink). */
  mode: number;
  /** Any execute bit set (DVC's `isexec`). */
  isExecutable: boolean;
  /** The entry is a symlink to a file; size, mode and content are the target's. */
  isSymlink: boolean;
}

export type WalkDiagnostic =
  /** A symlink to a folder: not entered, nothing under it is reported. */
  | { kind: 'symlink-to-dir'; path: string; absPath: string }
  /** A FIFO, socket or device: skipped. */
  | { kind: 'special-file'; path: string; absPath: string };

export interface WalkOptions {
  /**
   * Honour `.dvcignore` files (default true). Pass a `DvcIgnore` to share loaded rules, or to
   * apply the rules of a repository whose root is above the walk root.
   */
  dvcignore?: boolean | DvcIgnore;
  /** Also report folders that contain nothing (after ignores). */
  emptyDirs?: boolean;
  onDiagnostic?: (diagnostic: WalkDiagnostic) => void;
}

export interface WalkResult {
  /**
   * Files, depth first: in each folder its files (by name, in code-unit order), then its
   * subfolders in the same order. Sort by `path` where another order matters (DVC's `.dir`).
   */
  files: WalkEntry[];
  /** Posix paths of empty folders below the root; only filled with `emptyDirs: true`. */
  emptyDirs: string[];
}

interface PendingDir {
  abs: string;
  rel: string;
}

function byName(a: Dirent, b: Dirent): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Walk the files below `root` (a folder, or a symlink to one). */
export function walkTree(root: string, options: WalkOptions = {}): WalkResult {
  const files: WalkEntry[] = [];
  const emptyDirs = visitTree(root, options, (rel, abs, stat, isSymlink) => {
    files.push(entryOf(rel, abs, stat, isSymlink));
  });
  return { files, emptyDirs };
}

/** `walkTree` with the files' `lstat` shared among the threads of `pool` (see `statFiles`). */
export async function walkTreeParallel(
  pool: HashPool,
  root: string,
  options: WalkOptions = {},
): Promise<WalkResult> {
  const files: WalkEntry[] = [];
  const emptyDirs = await visitTreeParallel(pool, root, options, (rel, abs, stat, isSymlink) => {
    files.push(entryOf(rel, abs, stat, isSymlink));
  });
  return { files, emptyDirs };
}

/**
 * A file met by `visitTree`: its posix path below the root, absolute path and stat (the
 * target's, for a symlink to a file). Read `stat` during the call: it may be reused after it.
 */
export type FileVisitor = (
  path: string,
  absPath: string,
  stat: FileStat,
  isSymlink: boolean,
) => void;

/**
 * `walkTree` without collecting entries: each file goes to `onFile` in walk order, so a caller
 * that only summarises the files keeps no object per file. Returns the empty folders (with
 * `emptyDirs`).
 */
export function visitTree(root: string, options: WalkOptions, onFile: FileVisitor): string[] {
  const emptyDirs: string[] = [];
  for (const listed of listTree(root, options, emptyDirs)) {
    const { rels, absPaths, linkTargets } = listed;
    for (let i = 0; i < rels.length; i++) {
      const target = linkTargets.get(i);
      if (target !== undefined) {
        onFile(rels[i] as string, absPaths[i] as string, target, true);
        continue;
      }
      const stat = lstatSync(absPaths[i] as string, { throwIfNoEntry: false });
      // Gone since the listing: a file deleted during the walk is simply not there.
      if (stat === undefined || !stat.isFile()) continue;
      onFile(rels[i] as string, absPaths[i] as string, stat, false);
    }
  }
  return emptyDirs;
}

/**
 * `visitTree` with the files' `lstat` shared among the threads of `pool`, overlapping the
 * listing of the folders still to read.
 */
export async function visitTreeParallel(
  pool: HashPool,
  root: string,
  options: WalkOptions,
  onFile: FileVisitor,
): Promise<string[]> {
  const emptyDirs: string[] = [];
  const listed: Listed[] = [];
  const paths = function* () {
    for (const chunk of listTree(root, options, emptyDirs)) {
      listed.push(chunk);
      yield chunk.absPaths;
    }
  };
  const stats = await pool.statChunks(paths());
  const stat: FileStat = { ino: 0, mtimeMs: 0, size: 0, mode: 0 };
  for (const [k, { rels, absPaths, linkTargets }] of listed.entries()) {
    const chunkStats = stats[k] as Float64Array;
    for (let i = 0; i < rels.length; i++) {
      const target = linkTargets.get(i);
      if (target !== undefined) {
        onFile(rels[i] as string, absPaths[i] as string, target, true);
        continue;
      }
      const o = i * STAT_FIELDS;
      stat.ino = chunkStats[o] as number;
      if (Number.isNaN(stat.ino)) continue;
      stat.mtimeMs = chunkStats[o + 1] as number;
      stat.size = chunkStats[o + 2] as number;
      stat.mode = chunkStats[o + 3] as number;
      onFile(rels[i] as string, absPaths[i] as string, stat, false);
    }
  }
  return emptyDirs;
}

/** Files a walk will report, in walk order, before their `lstat`. */
interface Listed {
  rels: string[];
  absPaths: string[];
  /** The target's stat of each entry that is a symlink to a file, by index. */
  linkTargets: Map<number, Stats>;
}

/** Files per chunk of a listing (the pool's `STAT_CHUNK`). */
const LIST_CHUNK = 1024;

/**
 * One `readdir` per folder, ignores applied, the files coming out in chunks of about
 * LIST_CHUNK for the `lstat` calls that follow; empty folders go to `emptyDirs`.
 */
function* listTree(root: string, options: WalkOptions, emptyDirs: string[]): Generator<Listed> {
  const absRoot = resolve(root);
  const rootStat = statSync(absRoot);
  if (!rootStat.isDirectory()) {
    throw new CairnError('CAIRN_NOT_A_DIRECTORY', `${root} is not a folder`, {
      details: { path: root },
    });
  }
  const ignoreTree = ignoreTreeFor(absRoot, options.dvcignore);
  // Paths given to the rules are relative to the ignore root, which may sit above the walk root.
  const ignorePrefix = ignoreTree ? ignorePrefixFor(ignoreTree.root, absRoot) : '';
  let listed: Listed = { rels: [], absPaths: [], linkTargets: new Map() };
  const stack: PendingDir[] = [{ abs: absRoot, rel: '' }];

  for (let dir = stack.pop(); dir !== undefined; dir = stack.pop()) {
    const dirents = readdirSync(dir.abs, { withFileTypes: true }).sort(byName);
    const rules = ignoreTree
      ? ignoreTree.rulesFor(
          joinRel(ignorePrefix, dir.rel),
          dirents.some((d) => d.name === DVCIGNORE_FILE && !d.isDirectory()),
        )
      : IgnoreRules.none;
    const subdirs: PendingDir[] = [];
    let visible = 0;
    for (const dirent of dirents) {
      const name = dirent.name;
      const rel = joinRel(dir.rel, name);
      const abs = `${dir.abs}${sep}${name}`;
      const ignoreRel = joinRel(ignorePrefix, rel);
      if (dirent.isDirectory()) {
        if (isAlwaysIgnored(name, true) || rules.ignores(ignoreRel, true)) continue;
        subdirs.push({ abs, rel });
        visible++;
        continue;
      }
      if (isAlwaysIgnored(name, false) || rules.ignores(ignoreRel, false)) continue;
      if (dirent.isSymbolicLink()) {
        const target = statLinkTarget(abs, rel);
        if (target.isDirectory() && rules.ignores(ignoreRel, true)) continue;
        if (target.isFile()) listed.linkTargets.set(listed.rels.length, target);
        else {
          const kind = target.isDirectory() ? 'symlink-to-dir' : 'special-file';
          options.onDiagnostic?.({ kind, path: rel, absPath: abs });
          visible++;
          continue;
        }
      } else if (!dirent.isFile()) {
        options.onDiagnostic?.({ kind: 'special-file', path: rel, absPath: abs });
        visible++;
        continue;
      }
      listed.rels.push(rel);
      listed.absPaths.push(abs);
      visible++;
      if (listed.rels.length === LIST_CHUNK) {
        yield listed;
        listed = { rels: [], absPaths: [], linkTargets: new Map() };
      }
    }
    if (options.emptyDirs && visible === 0 && dir.rel !== '') emptyDirs.push(dir.rel);
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i] as PendingDir);
  }
  if (listed.rels.length > 0) yield listed;
}

function ignoreTreeFor(absRoot: string, option: WalkOptions['dvcignore']): DvcIgnore | undefined {
  if (option === false) return undefined;
  if (option === undefined || option === true) return new DvcIgnore(absRoot);
  return option;
}

function ignorePrefixFor(ignoreRoot: string, absRoot: string): string {
  const rel = relative(resolve(ignoreRoot), absRoot);
  if (rel.startsWith('..') || resolve(ignoreRoot, rel) !== absRoot) {
    throw new CairnError(
      'CAIRN_PATH_ESCAPE',
      `the walk root ${absRoot} is not inside the .dvcignore root ${ignoreRoot}`,
      { details: { root: absRoot, ignoreRoot } },
    );
  }
  return rel.split(sep).join('/');
}

function joinRel(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

function statLinkTarget(abs: string, rel: string): Stats {
  try {
    const stat = statSync(abs, { throwIfNoEntry: false });
    if (stat !== undefined) return stat;
  } catch (error) {
    if (errnoCode(error) !== 'ELOOP') throw error;
  }
  throw new CairnError('CAIRN_BROKEN_SYMLINK', `${rel}: the symlink points at nothing`, {
    hint: 'Remove the link, fix its target, or list it in .dvcignore.',
    details: { path: rel, absPath: abs },
  });
}

function entryOf(rel: string, abs: string, stat: FileStat, isSymlink: boolean): WalkEntry {
  return {
    path: rel,
    absPath: abs,
    size: stat.size,
    mtimeMs: stat.mtimeMs,
    ino: stat.ino,
    mode: stat.mode,
    isExecutable: (stat.mode & 0o111) !== 0,
    isSymlink,
  };
}

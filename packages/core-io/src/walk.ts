/**
 * A fast synchronous tree walk with `.dvcignore` semantics and DVC's symlink policy:
 * - a symlink to a file is reported as a file, with the target's size, mode and content;
 * - a symlink to a folder is not entered (DVC walks without following links) and contributes
 *   nothing, but is reported through `onDiagnostic`;
 * - a dangling or looping symlink is an error naming the path (`CAIRN_BROKEN_SYMLINK`).
 * Synchronous on purpose: one `readdir` per folder and one `lstat` per file, no promise per file.
 */
import { type Dirent, lstatSync, readdirSync, type Stats, statSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { CairnError } from '@cairn/types';
import { DVCIGNORE_FILE, DvcIgnore, IgnoreRules, isAlwaysIgnored } from './dvcignore.js';
import { errnoCode } from './errno.js';

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

/**
 * A file met by `visitTree`: its posix path below the root, absolute path and stat (the
 * target's, for a symlink to a file).
 */
export type FileVisitor = (path: string, absPath: string, stat: Stats, isSymlink: boolean) => void;

/**
 * `walkTree` without collecting: each file goes to `onFile` in walk order, so a caller that
 * only summarises the files keeps nothing per file. Returns the empty folders (with `emptyDirs`).
 */
export function visitTree(root: string, options: WalkOptions, onFile: FileVisitor): string[] {
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
  const emptyDirs: string[] = [];
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
      if (dirent.isFile()) {
        const stat = lstatSync(abs, { throwIfNoEntry: false });
        // Gone since the listing: a file deleted during the walk is simply not there.
        if (stat === undefined) continue;
        onFile(rel, abs, stat, false);
        visible++;
      } else if (dirent.isSymbolicLink()) {
        const target = statLinkTarget(abs, rel);
        if (target.isFile()) {
          onFile(rel, abs, target, true);
          visible++;
        } else if (target.isDirectory()) {
          if (rules.ignores(ignoreRel, true)) continue;
          options.onDiagnostic?.({ kind: 'symlink-to-dir', path: rel, absPath: abs });
          visible++;
        } else {
          options.onDiagnostic?.({ kind: 'special-file', path: rel, absPath: abs });
          visible++;
        }
      } else {
        options.onDiagnostic?.({ kind: 'special-file', path: rel, absPath: abs });
        visible++;
      }
    }
    if (options.emptyDirs && visible === 0 && dir.rel !== '') emptyDirs.push(dir.rel);
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i] as PendingDir);
  }
  return emptyDirs;
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

function entryOf(rel: string, abs: string, stat: Stats, isSymlink: boolean): WalkEntry {
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

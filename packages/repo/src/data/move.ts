/**
 * `cairn move`: rename data tracked by a pointer file, as `dvc move` does. The data is renamed,
 * the pointer's `path` follows it (a pointer named after its data is renamed with it, into the
 * new folder), and the `.gitignore` entries move. Hashes stay: nothing is read or cached again,
 * and the state index learns the new paths of unchanged files.
 */
import { existsSync, lstatSync, mkdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { walkTree, writeFileAtomic } from '@cairn/core-io';
import { CairnError } from '@cairn/types';
import { isMap, isSeq, parseDocument } from 'yaml';
import type { DataContext } from './context.js';
import { addGitignoreEntry, removeGitignoreEntry } from './gitignore.js';
import { collectEntries, isTrackablePath, isWithin, toPosix } from './outputs.js';
import { POINTER_SUFFIX } from './pointer.js';

export interface MoveResult {
  /** Old and new data path, relative to the repository root. */
  from: string;
  to: string;
  /** The pointer file after the move (renamed when it was named after the data). */
  pointer: string;
  /** The pointer file's old name, when it was renamed. */
  oldPointer?: string;
  /** `.gitignore` files changed. */
  gitignore: string[];
  /** `.gitignore` files the move left without a line, deleted as DVC deletes them. */
  gitignoreDeleted?: string[];
}

export async function moveTracked(
  ctx: DataContext,
  source: string,
  destination: string,
  cwd: string,
): Promise<MoveResult> {
  const { root, usesGit } = ctx.repo;
  const from = resolve(cwd, source);
  const rel = (p: string) => toPosix(relative(root, p));
  const entries = await collectEntries(root, usesGit);
  const own = entries.find((e) => e.kind === 'out' && e.path === from);
  if (own === undefined) {
    throw new CairnError('CAIRN_NOT_TRACKED', `'${source}' is not a tracked output`, {
      hint: 'move the data a .dvc file tracks (cairn add it first)',
      details: { source },
    });
  }
  if (own.source !== 'pointer' || own.pointer === undefined) {
    throw new CairnError(
      'CAIRN_MOVE_NOT_DATA_SOURCE',
      `'${source}' is an output of stage ${own.stage}: move it in its dvc.yaml instead`,
    );
  }
  if (!existsSync(from)) {
    throw new CairnError('CAIRN_NOT_FOUND', `'${source}' does not exist in the workspace`, {
      hint: 'restore it with `cairn checkout` first',
    });
  }
  let to = resolve(cwd, destination);
  if (statSync(to, { throwIfNoEntry: false })?.isDirectory()) to = join(to, basename(from));
  if (lstatSync(to, { throwIfNoEntry: false }) !== undefined) {
    throw new CairnError('CAIRN_MOVE_EXISTS', `'${rel(to)}' already exists`, {
      hint: 'choose a new name, or remove what is there first',
    });
  }
  if (!isTrackablePath(root, to)) {
    throw new CairnError('CAIRN_OUTSIDE_REPO', `cannot move tracked data to '${destination}'`, {
      hint: 'the new path must lie in the repository, outside .dvc/ and .git/',
    });
  }
  const clash = entries.find(
    (e) => e !== own && e.kind === 'out' && (isWithin(to, e.path) || isWithin(e.path, to)),
  );
  if (clash) {
    throw new CairnError('CAIRN_OVERLAPPING_OUTPUT', `'${rel(to)}' overlaps ${clash.stage}`);
  }

  const pointer = own.pointer;
  // A pointer named after its data follows it (DVC: `<stage name> == <data name>`); one that
  // also tracks other outputs stays where it is, so their paths keep their meaning.
  const renamed =
    basename(pointer.file, POINTER_SUFFIX) === basename(from) && pointer.data.outs?.length === 1;
  const pointerFile = renamed ? `${to}${POINTER_SUFFIX}` : pointer.file;
  if (renamed && existsSync(pointerFile)) {
    throw new CairnError('CAIRN_MOVE_EXISTS', `'${rel(pointerFile)}' already exists`);
  }
  const base = renamed ? dirname(to) : join(dirname(pointer.file), pointer.data.wdir ?? '.');
  const doc = parseDocument(pointer.text, { version: '1.2' });
  const outs = doc.get('outs');
  const out = isSeq(outs) ? outs.items[own.index] : undefined;
  if (!isMap(out))
    throw new CairnError('CAIRN_BAD_POINTER', `${rel(pointer.file)}: no outs[${own.index}]`);
  out.set('path', toPosix(relative(base, to)));
  if (renamed) doc.delete('wdir');

  // The data first: until its pointer is rewritten, status shows it as deleted (move it back or
  // finish by hand); the pointer is written whole, atomically, before the old one goes.
  mkdirSync(dirname(to), { recursive: true });
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    throw new CairnError('CAIRN_MOVE_CROSS_DEVICE', `'${rel(to)}' is on another file system`, {
      cause: error,
    });
  }
  await writeFileAtomic(
    pointerFile,
    doc.toString({ indentSeq: false, lineWidth: 0, flowCollectionPadding: false }),
  );
  if (renamed) unlinkSync(pointer.file);
  const gitignore: string[] = [];
  const gitignoreDeleted: string[] = [];
  if (usesGit) {
    const removed = removeGitignoreEntry(from);
    const added = addGitignoreEntry(to);
    for (const file of [removed, added]) {
      if (file === undefined || gitignore.includes(rel(file))) continue;
      if (existsSync(file)) gitignore.push(rel(file));
      else gitignoreDeleted.push(rel(file));
    }
  }
  rememberMoved(ctx, from, to);
  return {
    from: rel(from),
    to: rel(to),
    pointer: rel(pointerFile),
    ...(renamed ? { oldPointer: rel(pointer.file) } : {}),
    gitignore,
    ...(gitignoreDeleted.length > 0 ? { gitignoreDeleted } : {}),
  };
}

/** Carries the state index's hashes of unchanged files over to their new paths. */
function rememberMoved(ctx: DataContext, from: string, to: string): void {
  const files = lstatSync(to).isDirectory()
    ? walkTree(to, { dvcignore: ctx.ignore }).files.map((f) => ({
        stat: f,
        now: f.absPath,
        was: join(from, f.path),
      }))
    : [{ stat: lstatSync(to), now: to, was: from }];
  const known = ctx.state.getMany(
    files.map((f) => f.was),
    files.map((f) => f.stat),
  );
  files.forEach((f, i) => {
    const md5 = known[i];
    if (md5 !== undefined) ctx.state.set(f.now, f.stat, md5);
  });
}

/**
 * `cairn diff`: DVC's `dvc diff`. The cached outputs of two git revisions (or of one and the
 * workspace) are laid out as one tree each: every output, and inside a folder output every file
 * its `.dir` listing names. Walking both trees side by side gives what was added, deleted or
 * modified; an addition and a deletion with the same hash are a rename. Folders carry a trailing
 * `/`. A folder whose listing is not in the cache shows as a whole, its files left out (unknown).
 * Against the workspace, every entry of the old side whose object the cache lacks is also listed
 * as `not in cache`.
 */
import { resolve } from 'node:path';
import { headSha, resolveRev } from '@cairn/core-io';
import { CairnError } from '@cairn/types';
import type { DataContext } from './context.js';
import {
  type Change,
  findRenames,
  keyOf,
  type Node,
  pathOf,
  revisionSide,
  type Side,
  selectorFor,
  walk,
  workspaceSide,
} from './data-index.js';
import { entriesAtRev } from './gc.js';
import { collectEntries, type TrackedEntry } from './outputs.js';

export interface DataDiffOptions {
  /** The old revision (default HEAD). */
  aRev?: string;
  /** The new revision (default: the workspace). */
  bRev?: string;
  /** Paths (outputs, paths inside them, folders holding them, or pointer files) to limit it to. */
  targets?: readonly string[];
  /** Resolves relative targets (default: the repository root). */
  cwd?: string;
}

export interface DataDiffEntry {
  /** Relative to the repository root, posix; a folder ends with `/`. */
  path: string;
  /** Its md5 (`<md5>.dir` for a folder). */
  hash: string;
}

export interface DataDiff {
  added: DataDiffEntry[];
  deleted: DataDiffEntry[];
  modified: Array<{ path: string; hash: { old: string; new: string } }>;
  renamed: Array<{ path: { old: string; new: string }; hash: string }>;
  /** Only against the workspace: old entries whose object the cache lacks. */
  'not in cache'?: DataDiffEntry[];
}

/** The changes of the chosen part of both sides, renames found, in DVC's result shape. */
function collect(
  ctx: DataContext,
  old: Side,
  now: Side,
  selected: (key: readonly string[]) => boolean,
  withMissing: boolean,
): DataDiff {
  const result: DataDiff = { added: [], deleted: [], modified: [], renamed: [] };
  const missing: DataDiffEntry[] = [];
  const added: Change[] = [];
  const deleted: Change[] = [];
  for (const change of walk(old, now)) {
    if (!selected(change.key)) continue;
    const o = change.old;
    const n = change.new;
    // Folders above outputs have nothing of their own to report.
    if ((o?.isDir && o.hash === undefined) || (n?.isDir && n.hash === undefined)) continue;
    if (withMissing && o?.hash !== undefined && !ctx.hasObject(o.hash, o.hashName)) {
      missing.push({ path: pathOf(change, o), hash: o.hash });
    }
    if (change.type === 'added') added.push(change);
    else if (change.type === 'deleted') deleted.push(change);
    else if (change.type === 'modified') {
      result.modified.push({
        path: pathOf(change, o),
        hash: { old: o?.hash ?? '', new: n?.hash ?? '' },
      });
    }
  }
  // An addition whose hash a deletion had is a rename (paired in path order, as DVC does).
  const pairs = findRenames(added, deleted);
  for (const a of pairs.added)
    result.added.push({ path: pathOf(a, a.new), hash: a.new?.hash ?? '' });
  for (const d of pairs.deleted)
    result.deleted.push({ path: pathOf(d, d.old), hash: d.old?.hash ?? '' });
  for (const { from, to } of pairs.renamed) {
    result.renamed.push({
      path: { old: pathOf(from, from.old), new: pathOf(to, to.new) },
      hash: to.new?.hash ?? '',
    });
  }
  const byPath = (a: { path: string | { old: string } }, b: { path: string | { old: string } }) => {
    const x = typeof a.path === 'string' ? a.path : a.path.old;
    const y = typeof b.path === 'string' ? b.path : b.path.old;
    return x < y ? -1 : x > y ? 1 : 0;
  };
  for (const list of [result.added, result.deleted, result.modified, result.renamed, missing]) {
    list.sort(byPath);
  }
  if (withMissing) result['not in cache'] = missing;
  return result;
}

/** Whether `side` has a node (an output, or a file or folder in or above one) at `key`. */
function has(side: Side, key: readonly string[]): boolean {
  let level: Side | undefined = side;
  for (const part of key) {
    const node: Node | undefined = level?.get(part);
    if (node === undefined) return false;
    level = node.children;
  }
  return true;
}

/** The key a target names: a pointer file stands for its outputs' paths. */
function targetKeys(
  ctx: DataContext,
  targets: readonly string[],
  cwd: string,
  entries: readonly TrackedEntry[],
  sides: readonly Side[],
): string[][] {
  const keys: string[][] = [];
  for (const target of targets) {
    const abs = resolve(cwd, target);
    const outs = entries.filter((e) => e.kind === 'out' && e.file === abs && abs.endsWith('.dvc'));
    if (outs.length > 0) {
      for (const e of outs) keys.push(keyOf(ctx.repo.root, e.path));
      continue;
    }
    const key = keyOf(ctx.repo.root, abs);
    if (key[0] === '..' || !sides.some((side) => has(side, key))) {
      throw new CairnError('CAIRN_NOT_TRACKED', `'${target}' is not tracked in either revision`, {
        hint: 'name a tracked output, a path inside one, or its pointer file',
        details: { target },
      });
    }
    keys.push(key);
  }
  return keys;
}

export async function diffData(ctx: DataContext, options: DataDiffOptions): Promise<DataDiff> {
  const { root, usesGit } = ctx.repo;
  if (!usesGit) {
    throw new CairnError(
      'CAIRN_DIFF_NO_GIT',
      'diff compares git revisions, and this repository has no git',
      {
        hint: 'initialise git and commit the pointer files',
      },
    );
  }
  const empty: DataDiff = { added: [], deleted: [], modified: [], renamed: [] };
  if ((await headSha(root)) === undefined) return empty;
  const aSha = await resolveRev(root, options.aRev ?? 'HEAD');
  const bSha = options.bRev === undefined ? undefined : await resolveRev(root, options.bRev);
  if (aSha === bSha) return empty;

  const skipped: Array<{ rev: string; file: string; message: string }> = [];
  const oldEntries = await entriesAtRev(root, aSha, skipped);
  const newEntries =
    bSha === undefined
      ? await collectEntries(root, usesGit)
      : await entriesAtRev(root, bSha, skipped);
  if (skipped.length > 0) {
    const first = skipped[0] as (typeof skipped)[number];
    throw new CairnError(
      'CAIRN_DIFF_UNREADABLE',
      `${first.rev.slice(0, 7)}:${first.file}: ${first.message}`,
      {
        details: { skipped },
      },
    );
  }
  const old = revisionSide(ctx, oldEntries);
  const now =
    bSha === undefined ? await workspaceSide(ctx, newEntries) : revisionSide(ctx, newEntries);
  const targets = options.targets ?? [];
  const keys =
    targets.length === 0
      ? []
      : targetKeys(ctx, targets, options.cwd ?? root, [...oldEntries, ...newEntries], [old, now]);
  return collect(ctx, old, now, selectorFor(keys), bSha === undefined);
}

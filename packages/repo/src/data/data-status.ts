/**
 * `cairn data status`: DVC's `dvc data status`. Three versions of the tracked data are
 * compared: the last commit's pointer files and locks (HEAD), the workspace's pointer files and
 * locks (the index), and the data itself. HEAD → index is what `git commit` would record
 * (`committed`); index → data is what `cairn commit` would record (`uncommitted`). Index entries
 * whose objects the cache lacks are `not_in_cache`. Outputs are compared as wholes unless
 * `granular`, which compares the files inside folder outputs too.
 */
import { relative, resolve } from 'node:path';
import { git, headSha, isDirty } from '@cairn/core-io';
import { remoteHas } from '@cairn/remote-adapters';
import { chooseRemote, type RemoteHost } from '../remote/open.js';
import { withRemotes } from '../remote/sync.js';
import { FlagReader, type UsedOutputs } from '../remote/used-outputs.js';
import type { DataContext } from './context.js';
import {
  type Change,
  findRenames,
  isBelow,
  keyOf,
  pathOf,
  revisionSide,
  type Side,
  selectorFor,
  walk,
  workspaceSide,
} from './data-index.js';
import { entriesAtRev } from './gc.js';
import { collectEntries, type TrackedEntry, toPosix } from './outputs.js';

export interface DataStatusOptions {
  /** Limit to these paths (outputs, paths inside them, folders holding them). */
  targets?: readonly string[];
  /** Compare the files inside folder outputs, not only the outputs. */
  granular?: boolean;
  /** Also list files git does not track (`git ls-files --others --exclude-standard`). */
  untrackedFiles?: boolean;
  /** Resolves targets; untracked files are shown relative to it (default: the root). */
  cwd?: string;
  /** Also list what the remote lacks (`remote`, else the default one). */
  notInRemote?: boolean;
  remote?: string;
}

/** Paths relative to the repository root; folders end with `/`. */
export interface DataStatusChanges {
  added: string[];
  deleted: string[];
  modified: string[];
  renamed: Array<{ old: string; new: string }>;
  /** Inside a folder whose listing the cache lacks. */
  unknown: string[];
}

/** DVC's `data status --json` shape (before empty groups are left out). */
export interface DataStatus {
  not_in_cache: string[];
  /** With `notInRemote`: index entries whose objects the remote lacks. */
  not_in_remote: string[];
  committed: DataStatusChanges;
  uncommitted: DataStatusChanges;
  untracked: string[];
  unchanged: string[];
  git: { isEmpty: boolean; isDirty: boolean };
  /** Pointer files or locks of the last commit that could not be read (left out, as DVC warns). */
  skippedRevisions: UsedOutputs['skipped'];
}

interface Compared {
  changes: DataStatusChanges;
  unchanged: string[];
  notInCache: string[];
}

function compareSides(
  ctx: DataContext,
  old: Side,
  now: Side,
  selected: (key: readonly string[]) => boolean,
  options: { granular: boolean; notInCache: boolean },
): Compared {
  const changes: DataStatusChanges = {
    added: [],
    deleted: [],
    modified: [],
    renamed: [],
    unknown: [],
  };
  const unchanged: string[] = [];
  const notInCache: string[] = [];
  const added: Change[] = [];
  const deleted: Change[] = [];
  for (const change of walk(old, now, { shallow: !options.granular, hashOnly: true })) {
    const o = change.old;
    const n = change.new;
    // Folders that are not outputs themselves have nothing of their own to report.
    if (!selected(change.key) || (o?.hash === undefined && n?.hash === undefined)) continue;
    if (change.type === 'unknown' && n === undefined) continue;
    if (options.notInCache && o?.hash !== undefined && !ctx.hasObject(o.hash, o.hashName)) {
      notInCache.push(pathOf(change, o));
    }
    const path = pathOf(change, n ?? o);
    if (change.type === 'added') added.push(change);
    else if (change.type === 'deleted') deleted.push(change);
    else if (change.type === 'modified') changes.modified.push(path);
    else if (change.type === 'unknown') changes.unknown.push(path);
    else unchanged.push(path);
  }
  const pairs = findRenames(added, deleted);
  changes.added = pairs.added.map((c) => pathOf(c, c.new));
  changes.deleted = pairs.deleted.map((c) => pathOf(c, c.old));
  changes.renamed = pairs.renamed.map(({ from, to }) => ({
    old: pathOf(from, from.old),
    new: pathOf(to, to.new),
  }));
  for (const list of [changes.added, changes.deleted, changes.modified, changes.unknown])
    list.sort();
  changes.renamed.sort((a, b) => (a.old < b.old ? -1 : a.old > b.old ? 1 : 0));
  return { changes, unchanged, notInCache: notInCache.sort() };
}

/** The index entries (outputs, or files when granular) whose objects `remote` lacks. */
async function notOnRemote(
  ctx: DataContext,
  host: RemoteHost,
  index: Side,
  tracked: readonly TrackedEntry[],
  selected: (key: readonly string[]) => boolean,
  options: DataStatusOptions,
): Promise<string[]> {
  // As DVC: `push: false` outputs are never expected on a remote.
  const flags = new FlagReader(ctx.repo.root);
  const unpushed = tracked
    .filter((e) => e.kind === 'out' && flags.forEntry(e).push === false)
    .map((e) => keyOf(ctx.repo.root, e.path));
  const entries = new Map<string, string>();
  for (const change of walk(index, new Map(), { shallow: options.granular !== true })) {
    const node = change.old;
    if (node?.hash === undefined || node.hashName !== 'md5' || !selected(change.key)) continue;
    if (unpushed.some((prefix) => isBelow(change.key, prefix))) continue;
    entries.set(pathOf(change, node), node.hash);
  }
  const name = chooseRemote(host, options.remote, undefined, 'data status --not-in-remote');
  const present = await withRemotes(host, async (pool) =>
    remoteHas(
      await pool.get(name),
      new Set(entries.values()),
      ctx.signal ? { signal: ctx.signal } : {},
    ),
  );
  return [...entries]
    .filter(([, oid]) => !present.has(oid))
    .map(([path]) => path)
    .sort();
}

export async function dataStatus(
  ctx: DataContext,
  host: RemoteHost,
  options: DataStatusOptions,
): Promise<DataStatus> {
  const { root, usesGit } = ctx.repo;
  const cwd = options.cwd ?? root;
  const selected = selectorFor((options.targets ?? []).map((t) => keyOf(root, resolve(cwd, t))));
  const granular = options.granular === true;

  const entries = await collectEntries(root, usesGit);
  const index = revisionSide(ctx, entries, { listings: granular });
  const data = await workspaceSide(ctx, entries);
  const uncommitted = compareSides(ctx, index, data, selected, { granular, notInCache: true });

  const head = usesGit ? await headSha(root) : undefined;
  const skipped: Array<{ rev: string; file: string; message: string }> = [];
  const headSide =
    head === undefined
      ? new Map()
      : revisionSide(ctx, await entriesAtRev(root, head, skipped), { listings: granular });
  const committed = compareSides(ctx, headSide, index, selected, { granular, notInCache: false });
  const stillCommitted = new Set(committed.unchanged);

  let untracked: string[] = [];
  if (options.untrackedFiles && usesGit) {
    const listed = await git(['ls-files', '-z', '--others', '--exclude-standard'], { cwd: root });
    untracked = listed
      .split('\0')
      .filter((f) => f !== '' && selected(f.split('/')))
      .map((f) => toPosix(relative(cwd, resolve(root, f))))
      .sort();
  }
  return {
    not_in_cache: uncommitted.notInCache,
    not_in_remote: options.notInRemote
      ? await notOnRemote(ctx, host, index, entries, selected, options)
      : [],
    committed: committed.changes,
    uncommitted: uncommitted.changes,
    untracked,
    unchanged: uncommitted.unchanged.filter((p) => stillCommitted.has(p)).sort(),
    git: { isEmpty: usesGit && head === undefined, isDirty: usesGit && (await isDirty(root)) },
    skippedRevisions: skipped,
  };
}

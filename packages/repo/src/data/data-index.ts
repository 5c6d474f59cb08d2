/**
 * Tracked data as trees, for comparing two versions of it (`diff`, `data status`): every cached
 * output of a revision, of the pointer files, or of the workspace, and inside a folder output
 * every file its `.dir` listing (or, in the workspace, its walk) names. Walked side by side the
 * way dvc-data's index diff walks two indexes.
 */
import { relative } from 'node:path';
import { type HashName, isDirOid, type TreeEntry } from '@cairn/cache';
import { localTree } from '../remote/used-outputs.js';
import type { DataContext } from './context.js';
import { hashPath } from './hash-path.js';
import { type TrackedEntry, toPosix } from './outputs.js';

/** One path of a side: an output, a file or folder inside one, or a folder above outputs. */
export interface Node {
  /** Undefined for a folder that only holds outputs (nothing to compare but its contents). */
  hash?: string;
  hashName: HashName;
  isDir: boolean;
  /** Undefined: a folder output whose listing is not in the cache. */
  children?: Map<string, Node>;
}

export type Side = Map<string, Node>;

export interface Change {
  type: 'added' | 'deleted' | 'modified' | 'unchanged' | 'unknown';
  key: string[];
  old?: Node;
  new?: Node;
}

function folder(hashName: HashName): Node {
  return { isDir: true, hashName, children: new Map() };
}

/** Puts `node` at `key` below `side`, making the folders above it. */
function place(side: Side, key: readonly string[], node: Node): void {
  let level = side;
  for (const part of key.slice(0, -1)) {
    let parent = level.get(part);
    if (parent === undefined || parent.children === undefined || !parent.isDir) {
      parent = folder(node.hashName);
      level.set(part, parent);
    }
    level = parent.children as Map<string, Node>;
  }
  level.set(key[key.length - 1] as string, node);
}

/** A folder output's node: its files from the listing, or unknown without one. */
export function folderNode(oid: string, hashName: HashName, files: TreeEntry[] | undefined): Node {
  const node: Node = { hash: oid, hashName, isDir: true };
  if (files === undefined) return node;
  node.children = new Map();
  for (const f of files) {
    place(node.children, f.relpath.split('/'), { hash: f.md5, hashName, isDir: false });
  }
  return node;
}

/** A path's key: its parts relative to the root (none for the root itself). */
export function keyOf(root: string, path: string): string[] {
  const rel = toPosix(relative(root, path));
  return rel === '' ? [] : rel.split('/');
}

/**
 * The cached outputs a revision records, with the listings the cache has. Without `listings`
 * folder outputs get no files (for walks that stop at outputs: `shallow`).
 */
export function revisionSide(
  ctx: DataContext,
  entries: readonly TrackedEntry[],
  { listings = true }: { listings?: boolean } = {},
): Side {
  const side: Side = new Map();
  for (const e of entries) {
    if (e.kind !== 'out' || !e.cached || e.oid === undefined) continue;
    const files = listings ? localTree(ctx.store.path(e.oid, e.hashName), e.oid) : undefined;
    const node = isDirOid(e.oid)
      ? folderNode(e.oid, e.hashName, files)
      : { hash: e.oid, hashName: e.hashName, isDir: false };
    place(side, keyOf(ctx.repo.root, e.path), node);
  }
  return side;
}

/** The workspace's cached outputs as they are now (hashed through the state index). */
export async function workspaceSide(
  ctx: DataContext,
  entries: readonly TrackedEntry[],
): Promise<Side> {
  const side: Side = new Map();
  for (const e of entries) {
    if (e.kind !== 'out' || !e.cached) continue;
    const hash = await hashPath(ctx, e.path, e.hashName);
    if (hash === undefined) continue;
    const node =
      hash.kind === 'file'
        ? { hash: hash.md5, hashName: e.hashName, isDir: false }
        : folderNode(hash.oid, e.hashName, hash.files);
    place(side, keyOf(ctx.repo.root, e.path), node);
  }
  return side;
}

export interface WalkOptions {
  /** Stop at outputs: do not compare the files inside folder outputs. */
  shallow?: boolean;
  /** Compare hashes only (else a file that became a folder is modified whatever its hash). */
  hashOnly?: boolean;
}

/** DVC's comparison of two entries: added, deleted, or modified when hash (or kind) differ. */
function compare(old: Node | undefined, now: Node | undefined, hashOnly: boolean): Change['type'] {
  if (old === undefined) return 'added';
  if (now === undefined) return 'deleted';
  const same = old.hash === now.hash && (hashOnly || old.isDir === now.isDir);
  return same ? 'unchanged' : 'modified';
}

/** Both sides walked together, breadth first, as dvc-data's index diff does. */
export function* walk(old: Side, now: Side, options: WalkOptions = {}): Generator<Change> {
  const todo: Array<{ old: Side; now: Side; unknown: boolean; key: string[] }> = [
    { old, now, unknown: false, key: [] },
  ];
  for (let item = todo.shift(); item !== undefined; item = todo.shift()) {
    const names = [...new Set([...item.old.keys(), ...item.now.keys()])].sort();
    for (const name of names) {
      const o = item.old.get(name);
      const n = item.now.get(name);
      const key = [...item.key, name];
      const stop = options.shallow && (o?.hash !== undefined || n?.hash !== undefined);
      if ((o?.isDir || n?.isDir) && !stop) {
        // A listing missing on either side makes everything below it unknown.
        const unknown =
          item.unknown ||
          (o?.isDir === true && o.children === undefined) ||
          (n?.isDir === true && n.children === undefined);
        todo.push({
          old: o?.children ?? new Map(),
          now: n?.children ?? new Map(),
          unknown,
          key,
        });
      }
      const type = item.unknown ? 'unknown' : compare(o, n, options.hashOnly === true);
      yield { type, key, old: o, new: n };
    }
  }
}

/** Whether `key` is `prefix` or lies below it. */
export function isBelow(key: readonly string[], prefix: readonly string[]): boolean {
  return key.length >= prefix.length && prefix.every((part, i) => key[i] === part);
}

/** Selects the keys at or below any of `prefixes` (every key when there are none). */
export function selectorFor(
  prefixes: readonly (readonly string[])[],
): (key: readonly string[]) => boolean {
  return (key) => prefixes.length === 0 || prefixes.some((prefix) => isBelow(key, prefix));
}

export function pathOf(change: Change, node: Node | undefined): string {
  return `${change.key.join('/')}${node?.isDir ? '/' : ''}`;
}

export function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * dvc-data's rename detection: an addition whose hash a deletion had is a rename, paired in
 * path order. Returns the pairs and what is left of each list.
 */
export function findRenames(
  added: readonly Change[],
  deleted: readonly Change[],
): { renamed: Array<{ from: Change; to: Change }>; added: Change[]; deleted: Change[] } {
  const byKey = (a: Change, b: Change) => compareKeys(a.key, b.key);
  const byHash = new Map<string, Change[]>();
  for (const d of [...deleted].sort(byKey)) {
    const hash = d.old?.hash;
    if (hash !== undefined) byHash.set(hash, [...(byHash.get(hash) ?? []), d]);
  }
  const renamed: Array<{ from: Change; to: Change }> = [];
  const left: Change[] = [];
  for (const a of [...added].sort(byKey)) {
    const hash = a.new?.hash;
    const from = hash === undefined ? undefined : byHash.get(hash)?.shift();
    if (from === undefined) left.push(a);
    else renamed.push({ from, to: a });
  }
  const paired = new Set(renamed.map((r) => r.from));
  return { renamed, added: left, deleted: deleted.filter((d) => !paired.has(d)) };
}

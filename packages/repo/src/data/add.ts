/**
 * `cairn add`: hash a file or folder, store its objects in the cache, write `<target>.dvc` and a
 * `.gitignore` entry, and link the workspace per `cache.type`. The pointer is written last, so
 * an interrupted add leaves at most unreferenced cache objects behind (removed by `gc`).
 */
import { existsSync, lstatSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { FileStat } from '@cairn/cache';
import {
  type DvcIgnore,
  git,
  globPaths,
  Linker,
  SMALL_FILE_MAX,
  writeFilesAtomicSync,
} from '@cairn/core-io';
import { CairnError, usageError } from '@cairn/types';
import { mapLimit } from './concurrency.js';
import type { DataContext } from './context.js';
import { addGitignoreEntries } from './gitignore.js';
import { type DirFile, hashFileCached, hashPath, type PathHash } from './hash-path.js';
import { collectEntries, isWithin, type TrackedEntry, toPosix } from './outputs.js';
import { type EntryHash, pointerFileFor, pointerPathFor } from './pointer.js';

export interface AddResult {
  /** The added path, relative to the repository root. */
  path: string;
  /** The pointer file written, relative to the repository root. */
  pointer: string;
  oid: string;
  size: number;
  nfiles?: number;
  /** Objects newly stored in the cache. */
  stored: number;
  /** `.gitignore` changed by this add, relative to the root. */
  gitignore?: string;
}

export interface AddOptions {
  /**
   * Hash and write the pointer, but store nothing in the cache and leave the workspace as it is
   * (DVC's `--no-commit`); `commit` stores it later.
   */
  noCommit?: boolean;
  /** Expand shell-style wildcards in the targets (`*`, `?`, `[...]`, `**`), as DVC's `--glob`. */
  glob?: boolean;
  /**
   * Track the (single) target under this path instead, as `dvc add -o`: the data may live
   * outside the repository and is left where it is; the path is checked out from the cache.
   */
  out?: string;
  /** With `out`: replace what is at that path. */
  force?: boolean;
}

const COPY_JOBS = 16;

function checkTarget(root: string, abs: string, target: string): void {
  if (!existsSync(abs) && !lstatSync(abs, { throwIfNoEntry: false })) {
    throw new CairnError('CAIRN_NOT_FOUND', `'${target}' does not exist`, { details: { target } });
  }
  if (!isWithin(abs, root) || abs === root) {
    throw new CairnError('CAIRN_OUTSIDE_REPO', `'${target}' is not inside the repository ${root}`, {
      hint: 'add data that lies below the repository root',
    });
  }
  const rel = toPosix(relative(root, abs));
  const first = rel.split('/')[0];
  if (first === '.dvc' || first === '.git') {
    throw new CairnError(
      'CAIRN_BAD_TARGET',
      `'${target}' is inside ${first}/ and cannot be tracked`,
    );
  }
  if (abs.endsWith('.dvc') && statSync(abs).isFile()) {
    throw new CairnError('CAIRN_BAD_TARGET', `'${target}' is a pointer file, not data`, {
      hint: `add the data itself: cairn add ${target.slice(0, -4)}`,
    });
  }
}

/** The files git tracks at or below any of `paths` (repository-relative, posix). */
async function gitTrackedAmong(root: string, paths: readonly string[], usesGit: boolean) {
  if (!usesGit || paths.length === 0 || !existsSync(resolve(root, '.git'))) return [];
  // Literal pathspecs: a name like `data[1].csv` is not a pattern.
  const specs = paths.map((p) => `:(literal)${toPosix(relative(root, p))}`);
  const listed = await git(['ls-files', '-z', '--', ...specs], { cwd: root });
  return listed.split('\0').filter((f) => f !== '');
}

function assertNotInGit(root: string, abs: string, target: string, tracked: readonly string[]) {
  const rel = toPosix(relative(root, abs));
  if (tracked.some((f) => f === rel || f.startsWith(`${rel}/`))) {
    throw new CairnError('CAIRN_TRACKED_BY_GIT', `'${target}' is already tracked by git`, {
      hint: `stop tracking it in git first: git rm -r --cached '${rel}'`,
    });
  }
}

/**
 * The outputs already tracked, indexed by path and by every folder above one, so that checking
 * a target against them costs a walk up its own path, not a scan of all (an add of a thousand
 * targets in a repository of a thousand pointers).
 */
export class TrackedOutputs {
  private readonly byPath = new Map<string, TrackedEntry[]>();
  /** Folders with an output somewhere below them. */
  private readonly above = new Set<string>();

  constructor(private readonly entries: readonly TrackedEntry[]) {
    for (const e of entries) {
      if (e.kind !== 'out') continue;
      const here = this.byPath.get(e.path) ?? [];
      here.push(e);
      this.byPath.set(e.path, here);
      // Once a folder is in, so are all above it.
      for (let d = dirname(e.path); !this.above.has(d); d = dirname(d)) {
        this.above.add(d);
        if (dirname(d) === d) break;
      }
    }
  }

  /**
   * The pointer entry that tracks exactly `abs` from `<abs>.dvc`, if any; throws when another
   * output is `abs`, lies above it or below it (named relative to `cwd`, as `target` is).
   */
  ownOrClash(abs: string, target: string, cwd: string): TrackedEntry | undefined {
    const here = this.byPath.get(abs) ?? [];
    const own = here.find((e) => e.source === 'pointer' && e.file === pointerPathFor(abs));
    let clash = here.find((e) => e !== own);
    for (let d = dirname(abs); clash === undefined && d !== dirname(d); d = dirname(d)) {
      clash = this.byPath.get(d)?.[0];
    }
    if (clash === undefined && this.above.has(abs)) {
      clash = this.entries.find((e) => e.kind === 'out' && e.path !== abs && isWithin(e.path, abs));
    }
    if (clash) {
      throw new CairnError(
        'CAIRN_OVERLAPPING_OUTPUT',
        `'${target}' overlaps '${toPosix(relative(cwd, clash.path)) || '.'}', already tracked by ${clash.stage}`,
        { hint: 'track each path in exactly one place; remove the other pointer or stage first' },
      );
    }
    return own;
  }
}

/** Stores the objects of a hashed path; returns how many were new. */
export async function storeObjects(
  ctx: DataContext,
  abs: string,
  hash: PathHash,
  link = false,
): Promise<number> {
  if (hash.kind === 'file') {
    // A small one synchronously: a re-add of a thousand unchanged targets finds each stored.
    if (hash.size <= SMALL_FILE_MAX) return ctx.store.insertFileSync(abs, hash.md5) ? 1 : 0;
    const result = await ctx.store.insertFile(abs, { md5: hash.md5 });
    return result.added ? 1 : 0;
  }
  const seen = new Set<string>();
  for (const f of hash.files) if (f.stored) seen.add(f.md5);
  const missing = hash.files.filter((f) => {
    if (seen.has(f.md5)) return false;
    seen.add(f.md5);
    return !ctx.hasObject(f.md5);
  });
  const id = 'store';
  ctx.onProgress?.({
    type: 'start',
    id,
    label: 'Storing in cache',
    total: missing.length,
    unit: 'files',
  });
  let done = 0;
  const tick = () => {
    done++;
    if (done % 256 === 0 || done === missing.length) {
      ctx.onProgress?.({ type: 'progress', id, done, total: missing.length });
    }
  };
  // With `link`, a file becomes its object where it can (checked against the walk's stat).
  const linked = (f: DirFile) =>
    link &&
    ctx.store.linkFileSync(f.absPath, f.md5, { ino: f.ino, mtimeMs: f.mtimeMs, size: f.size }) !==
      undefined;
  // Small files are copied synchronously (cheaper than a thread-pool hop per call), large
  // ones concurrently through the pool.
  const small = missing.filter((f) => f.size <= SMALL_FILE_MAX);
  for (let k = 0; k < small.length; k++) {
    const f = small[k] as (typeof small)[number];
    if (!linked(f)) ctx.store.insertFileSync(f.absPath, f.md5);
    tick();
    if (k % 512 === 511) {
      ctx.signal?.throwIfAborted();
      await new Promise((r) => setImmediate(r));
    }
  }
  await mapLimit(
    missing.filter((f) => f.size > SMALL_FILE_MAX),
    COPY_JOBS,
    async (f) => {
      if (!linked(f)) await ctx.store.insertFile(f.absPath, { md5: f.md5 });
      tick();
    },
    ctx.signal,
  );
  ctx.onProgress?.({ type: 'done', id });
  await ctx.store.insertBytes(hash.oid, hash.tree.bytes);
  return missing.length;
}

/**
 * Re-links the workspace from the cache when `cache.type` starts with a link (not a copy), as
 * DVC does after an add. Each object is verified first (the object index vouches for those just
 * written); one missing or corrupt is stored again from the workspace file just hashed, so a bad
 * object never replaces good data. A file linked to its object has the object's stat, so the
 * state index learns its hash without reading it again.
 */
export async function relinkFromCache(
  ctx: DataContext,
  abs: string,
  hash: PathHash,
): Promise<void> {
  const first = ctx.repo.linkTypes[0];
  if (first !== 'hardlink' && first !== 'symlink') return;
  const files: readonly RelinkFile[] =
    hash.kind === 'file'
      ? [{ absPath: abs, md5: hash.md5, size: hash.size, ino: statSync(abs).ino }]
      : hash.files;
  const objects = await verifiedObjects(ctx, files);
  const linker = new Linker(ctx.repo.linkTypes);
  const id = 'relink';
  ctx.onProgress?.({ type: 'start', id, label: 'Linking', total: files.length, unit: 'files' });
  for (let k = 0; k < files.length; k++) {
    const f = files[k] as RelinkFile;
    const object = objects.get(f.md5) as FileStat;
    // Already a link to its object (a folder added again).
    if (f.ino === object.ino) continue;
    const src = ctx.store.path(f.md5);
    const options = { srcSize: object.size };
    const type =
      f.size <= SMALL_FILE_MAX
        ? linker.linkSync(src, f.absPath, options)
        : await linker.link(src, f.absPath, options);
    const shared = (type === 'hardlink' || type === 'symlink') && object.size > 0;
    ctx.state.set(f.absPath, shared ? object : statSync(f.absPath), f.md5);
    if (k % 512 === 511) {
      ctx.onProgress?.({ type: 'progress', id, done: k + 1, total: files.length });
      ctx.signal?.throwIfAborted();
      await new Promise((r) => setImmediate(r));
    }
  }
  ctx.onProgress?.({ type: 'done', id });
}

type RelinkFile = { absPath: string; md5: string; size: number; ino?: number };

/** The stat of each object `files` use, verified (and stored again from `files` if need be). */
async function verifiedObjects(
  ctx: DataContext,
  files: readonly RelinkFile[],
): Promise<Map<string, FileStat>> {
  const sources = new Map<string, string>();
  for (const f of files) if (!sources.has(f.md5)) sources.set(f.md5, f.absPath);
  const oids = [...sources.keys()];
  const checked = await ctx.store.checkMany(oids, 'md5', ctx.pool());
  const objects = new Map<string, FileStat>();
  for (const [i, oid] of oids.entries()) {
    const { verdict, stat } = checked[i] as (typeof checked)[number];
    if (verdict !== 'ok') {
      await ctx.store.remove(oid);
      await ctx.store.insertFile(sources.get(oid) as string, { md5: oid });
    }
    objects.set(oid, verdict === 'ok' && stat ? stat : statSync(ctx.store.path(oid)));
  }
  return objects;
}

/**
 * Hashes and stores a path. A single file not known to the state index is hashed while it is
 * copied into the cache (one pass each, side by side) instead of read twice. With
 * `cache.type = hardlink`, files settled on disk become their objects through a hard link
 * instead of being copied (as DVC's add moves them into the cache).
 */
export async function hashAndStore(
  ctx: DataContext,
  abs: string,
  options: { ignore?: DvcIgnore | false } = {},
): Promise<{ hash: PathHash; stored: number }> {
  const info = statSync(abs);
  // With `cache.type = hardlink`, files become their objects (DVC moves them into the cache).
  const link = ctx.repo.linkTypes[0] === 'hardlink';
  if (!info.isDirectory() && link) {
    const md5 = await hashFileCached(ctx, abs, info);
    const hash: PathHash = {
      kind: 'file',
      md5,
      size: info.size,
      isexec: (info.mode & 0o111) !== 0,
    };
    const linked = ctx.store.linkFileSync(abs, md5, info);
    if (linked !== undefined) return { hash, stored: linked === 'linked' ? 1 : 0 };
    return { hash, stored: await storeObjects(ctx, abs, hash) };
  }
  if (!info.isDirectory() && ctx.state.get(abs, info) === undefined) {
    // A small file in one synchronous go (many targets: `cairn add data/*.csv`).
    const inserted =
      info.size <= SMALL_FILE_MAX
        ? ctx.store.insertSmallFileSync(abs, info)
        : await ctx.store.insertFile(abs);
    ctx.state.set(abs, info, inserted.oid);
    const hash: PathHash = {
      kind: 'file',
      md5: inserted.oid,
      size: inserted.size,
      isexec: (info.mode & 0o111) !== 0,
    };
    return { hash, stored: inserted.added ? 1 : 0 };
  }
  const hash = (await hashPath(ctx, abs, 'md5', {
    ...options,
    storeInto: ctx.store,
    link,
  })) as PathHash;
  const written =
    hash.kind === 'dir'
      ? new Set(hash.files.filter((f) => f.stored === 'written').map((f) => f.md5)).size
      : 0;
  return { hash, stored: written + (await storeObjects(ctx, abs, hash, link)) };
}

export function entryHashOf(hash: PathHash): EntryHash {
  return hash.kind === 'file'
    ? { md5: hash.md5, size: hash.size, isexec: hash.isexec }
    : { md5: hash.oid, size: hash.size, nfiles: hash.nfiles };
}

export async function addTargets(
  ctx: DataContext,
  targets: readonly string[],
  cwd: string,
  options: AddOptions = {},
): Promise<AddResult[]> {
  const { root, usesGit } = ctx.repo;
  if (targets.length === 0) throw usageError('nothing to add', 'name at least one file or folder');
  const chosen = options.glob ? targets.flatMap((t) => globPaths(t, cwd)) : targets;
  if (chosen.length === 0) {
    throw new CairnError(
      'CAIRN_GLOB_NO_MATCH',
      `Glob [${targets.map((t) => `'${t}'`).join(', ')}] has no matches.`,
    );
  }
  const paths = chosen.map((target) => resolve(cwd, target));
  for (const [i, target] of chosen.entries()) checkTarget(root, paths[i] as string, target);
  // Two git processes at once: the pointer files and locks, and what git tracks of the targets.
  const [entries, inGit] = await Promise.all([
    collectEntries(root, usesGit),
    gitTrackedAmong(root, paths, usesGit),
  ]);
  const outputs = new TrackedOutputs(entries);
  const results: AddResult[] = [];
  // Pointers of the targets stored since the last save, written together (see `save`).
  let pending: Array<{ abs: string; pointer: { path: string; data: string }; result: number }> = [];
  // Many targets are saved in batches (when `ctx.saveDue()`, and at the end): the pointers (a
  // filesystem commits their fsyncs together), one write per `.gitignore`, the state indexes.
  const save = async () => {
    const batch = pending;
    pending = [];
    writeFilesAtomicSync(batch.map((p) => p.pointer));
    if (usesGit) {
      addGitignoreEntries(batch.map((p) => p.abs)).forEach((file, k) => {
        const result = results[(batch[k] as (typeof batch)[number]).result] as AddResult;
        if (file !== undefined) result.gitignore = toPosix(relative(root, file));
      });
    }
    await ctx.flush();
  };
  try {
    for (const [i, target] of chosen.entries()) {
      await ctx.beforeTarget(i);
      const abs = paths[i] as string;
      if (ctx.ignore.isIgnored(toPosix(relative(root, abs)), statSync(abs).isDirectory())) {
        throw new CairnError('CAIRN_IGNORED', `'${target}' is ignored by .dvcignore`, {
          hint: 'remove the matching pattern from .dvcignore to track it',
        });
      }
      assertNotInGit(root, abs, target, inGit);
      const own = outputs.ownOrClash(abs, target, cwd);
      const { hash, stored } = options.noCommit
        ? { hash: (await hashPath(ctx, abs)) as PathHash, stored: 0 }
        : await hashAndStore(ctx, abs);
      if (!options.noCommit) await relinkFromCache(ctx, abs, hash);
      const entryHash = entryHashOf(hash);
      const pointer = pointerFileFor(
        abs,
        entryHash,
        own?.pointer ? { pointer: own.pointer, index: own.index } : undefined,
      );
      pending.push({ abs, pointer, result: results.length });
      results.push(addResult(root, abs, pointer.path, entryHash, stored, undefined));
      if (ctx.saveDue()) await save();
    }
  } catch (error) {
    // The targets done before a failure or an interrupt stay added, as when each is saved alone.
    await save().catch(() => {});
    throw error;
  }
  await save();
  return results;
}

/** What `add` reports for one path (absolute paths in, repository-relative ones out). */
export function addResult(
  root: string,
  path: string,
  pointer: string,
  entryHash: EntryHash,
  stored: number,
  gitignore: string | undefined,
): AddResult {
  return {
    path: toPosix(relative(root, path)),
    pointer: toPosix(relative(root, pointer)),
    oid: entryHash.md5,
    size: entryHash.size,
    ...(entryHash.nfiles !== undefined ? { nfiles: entryHash.nfiles } : {}),
    stored,
    ...(gitignore ? { gitignore: toPosix(relative(root, gitignore)) } : {}),
  };
}

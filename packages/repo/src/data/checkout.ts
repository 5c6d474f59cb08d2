/**
 * `cairn checkout`: make the workspace match pointer files and `dvc.lock` from the cache.
 * Safety rules: a `.dir` object is verified and every relpath in it checked before anything is
 * written; an object whose bytes do not match its name is reported and never linked; a workspace
 * file whose content is not in the cache (an uncommitted change) is never replaced or deleted
 * without `force`, unless it is the beginning of the object that replaces it: what a checkout
 * killed midway leaves, and nothing is lost by completing it.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, rmdirSync, statSync } from 'node:fs';
import { rm, unlink } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { FileStat, ObjectCheck, TreeEntry } from '@cairn/cache';
import {
  assertInside,
  defaultFileModeSync,
  Linker,
  type Placement,
  packStats,
  placedPairs,
  SMALL_FILE_MAX,
  UNVERIFIED,
  type WalkEntry,
  walkTreeParallel,
} from '@cairn/core-io';
import { CairnError, type LinkType } from '@cairn/types';
import { type CheckoutObject, CheckoutObjects } from './checkout-objects.js';
import { mapLimit } from './concurrency.js';
import type { DataContext } from './context.js';
import { hashFileCached, hashFilesCached, rememberDirOid, rememberedDirOid } from './hash-path.js';
import { type TrackedEntry, toPosix } from './outputs.js';
import { isStrictPrefixOf } from './partial-write.js';
import { isSelected } from './targets.js';

export interface CheckoutOptions {
  force?: boolean;
  relink?: boolean;
}

export interface CheckoutFailure {
  path: string;
  code: string;
  message: string;
}

export interface CheckoutResult {
  /** Outputs created from nothing. */
  added: string[];
  /** Outputs changed (files replaced, added or deleted inside them). */
  modified: string[];
  failed: CheckoutFailure[];
  /** Files written new, deleted, and replaced (what DVC's `--summary` counts). */
  stats: { added: number; deleted: number; modified: number };
}

const LINK_JOBS = 16;
/** New files from which links or copies are made in bulk, shared among threads. */
const BULK_MIN = 1024;

/** Whether the pool can place files of link type `type` in bulk (not symlinks). */
function placesInBulk(type: LinkType | undefined): boolean {
  return type === 'hardlink' || type === 'copy' || type === 'reflink';
}

/** How the pool places files of `type` in bulk; copies get the mode new files get at `near`. */
function bulkPlacement(type: LinkType | undefined, near: string): Placement | undefined {
  if (type === 'hardlink') return { how: 'link' };
  if (type === 'copy' || type === 'reflink') return { how: type, mode: defaultFileModeSync(near) };
  return undefined;
}

/** A file to (re)create: absolute destination → object md5. */
interface Write {
  dst: string;
  md5: string;
  isexec?: boolean;
  /** Nothing is there yet: created in place, not through a temporary name. */
  fresh?: boolean;
  /** The cache object it is made from (set once the plan is made). */
  object?: CheckoutObject;
}

interface Plan {
  entry: TrackedEntry;
  writes: Write[];
  /** Workspace files to delete (not in the tracked version). */
  deletes: string[];
  /** Paths whose current content is not in the cache. */
  conflicts: string[];
  /** A file standing where a folder must go, or the reverse. */
  replaceWhole: boolean;
  state: 'added' | 'modified' | 'unchanged';
}

async function currentFiles(ctx: DataContext, dir: string): Promise<Map<string, WalkEntry>> {
  const files = new Map<string, WalkEntry>();
  for (const f of (await walkTreeParallel(ctx.pool(), dir, { dvcignore: ctx.ignore })).files) {
    files.set(f.path, f);
  }
  return files;
}

/** The part of a `.dir` listing that `within` selects; each path must name something in it. */
function withinOnly(root: string, entry: TrackedEntry, tree: TreeEntry[]): TreeEntry[] {
  if (entry.within === undefined) return tree;
  const selected = tree.filter((t) => isSelected(entry.within, t.relpath));
  for (const w of entry.within) {
    if (!selected.some((t) => isSelected([w], t.relpath))) {
      const out = toPosix(relative(root, entry.path));
      throw new CairnError(
        'CAIRN_NOT_TRACKED',
        `'${out}/${w}' is not in the version of ${out} that ${entry.stage} records`,
        { details: { path: `${out}/${w}` } },
      );
    }
  }
  return selected;
}

async function planEntry(
  ctx: DataContext,
  entry: TrackedEntry,
  options: CheckoutOptions,
): Promise<Plan> {
  const oid = entry.oid as string;
  const plan: Plan = {
    entry,
    writes: [],
    deletes: [],
    conflicts: [],
    replaceWhole: false,
    state: 'unchanged',
  };
  const existing = lstatSync(entry.path, { throwIfNoEntry: false });
  const isDir = oid.endsWith('.dir');
  const savedInCache = async (path: string, info: { ino: number; mtimeMs: number; size: number }) =>
    existsSync(
      ctx.store.path(await hashFileCached(ctx, path, info, entry.hashName), entry.hashName),
    );
  // A file is safe to replace when its content is in the cache, or when it is the beginning of
  // the object that replaces it (what an interrupted checkout leaves).
  const replaceable = (path: string, have: string, want: string) =>
    existsSync(ctx.store.path(have, entry.hashName)) ||
    isStrictPrefixOf(path, ctx.store.path(want, entry.hashName));

  if (!isDir) {
    plan.writes.push({
      dst: entry.path,
      md5: oid,
      isexec: entry.entry.isexec,
      fresh: existing === undefined,
    });
    if (existing === undefined) {
      plan.state = 'added';
      return plan;
    }
    if (existing.isDirectory()) {
      plan.replaceWhole = true;
      plan.state = 'modified';
      const files = await currentFiles(ctx, entry.path);
      const md5s = await hashFilesCached(ctx, [...files.values()], entry.hashName);
      [...files.values()].forEach((f, i) => {
        if (!existsSync(ctx.store.path(md5s[i] as string, entry.hashName)))
          plan.conflicts.push(f.absPath);
      });
      return plan;
    }
    const info = statSync(entry.path);
    const md5 = await hashFileCached(ctx, entry.path, info, entry.hashName);
    if (md5 === oid && !options.relink) {
      plan.writes = [];
      return plan;
    }
    plan.state = md5 === oid ? 'unchanged' : 'modified';
    if (md5 !== oid && !replaceable(entry.path, md5, oid)) plan.conflicts.push(entry.path);
    return plan;
  }

  // A whole folder whose walk is the one last hashed to the wanted version is left as it is,
  // without a state lookup per file or reading its listing (the common case in a git hook).
  const files = existing?.isDirectory() ? await currentFiles(ctx, entry.path) : undefined;
  if (
    files !== undefined &&
    !options.relink &&
    entry.within === undefined &&
    rememberedDirOid(ctx, entry.path, [...files.values()], entry.hashName) === oid
  ) {
    return plan;
  }
  const tree = withinOnly(
    ctx.repo.root,
    entry,
    await ctx.store.readTree(oid, entry.hashName, toPosix(relative(ctx.repo.root, entry.path))),
  );
  // Every destination is checked once; the checked path is the one written.
  const dsts = tree.map((t) => assertInside(entry.path, t.relpath));
  if (existing === undefined) {
    plan.state = 'added';
    plan.writes = tree.map((t, i) => ({ dst: dsts[i] as string, md5: t.md5, fresh: true }));
    return plan;
  }
  if (files === undefined) {
    plan.replaceWhole = true;
    plan.state = 'modified';
    if (!(await savedInCache(entry.path, statSync(entry.path)))) plan.conflicts.push(entry.path);
    plan.writes = tree.map((t, i) => ({ dst: dsts[i] as string, md5: t.md5, fresh: true }));
    return plan;
  }
  const list = [...files.values()].filter((f) => isSelected(entry.within, f.path));
  const md5s = await hashFilesCached(ctx, list, entry.hashName);
  const current = new Map(list.map((f, i) => [f.path, md5s[i] as string]));
  const wanted = new Set(tree.map((t) => t.relpath));
  tree.forEach((t, i) => {
    const have = current.get(t.relpath);
    if (have === t.md5 && !options.relink) return;
    const dst = dsts[i] as string;
    plan.writes.push({ dst, md5: t.md5, fresh: have === undefined });
    if (have !== undefined && have !== t.md5 && !replaceable(dst, have, t.md5)) {
      plan.conflicts.push(dst);
    }
  });
  for (const [relpath, md5] of current) {
    if (wanted.has(relpath)) continue;
    plan.deletes.push(join(entry.path, relpath));
    if (!existsSync(ctx.store.path(md5, entry.hashName)))
      plan.conflicts.push(join(entry.path, relpath));
  }
  if (plan.writes.length > 0 || plan.deletes.length > 0) plan.state = 'modified';
  else if (entry.within === undefined) rememberDirOid(ctx, entry.path, list, entry.hashName, oid);
  return plan;
}

export async function checkoutEntries(
  ctx: DataContext,
  entries: readonly TrackedEntry[],
  options: CheckoutOptions = {},
  cwd: string = ctx.repo.root,
): Promise<CheckoutResult> {
  const result: CheckoutResult = {
    added: [],
    modified: [],
    failed: [],
    stats: { added: 0, deleted: 0, modified: 0 },
  };
  const display = (p: string) => toPosix(relative(cwd, p)) || '.';
  const plans: Plan[] = [];
  ctx.warmPoolFor(entries);
  for (const [i, entry] of entries.entries()) {
    await ctx.beforeTarget(i);
    if (entry.kind !== 'out' || !entry.cached) continue;
    if (entry.oid === undefined) {
      result.failed.push({
        path: display(entry.path),
        code: 'CAIRN_NO_HASH',
        message: `${entry.stage} records no hash for this output`,
      });
      continue;
    }
    try {
      plans.push(await planEntry(ctx, entry, options));
    } catch (error) {
      if (
        !(error instanceof CairnError) ||
        error.code === 'CAIRN_UNSAFE_PATH' ||
        error.code === 'CAIRN_PATH_ESCAPE'
      ) {
        throw error;
      }
      result.failed.push({ path: display(entry.path), code: error.code, message: error.message });
    }
  }
  const conflicts = plans.flatMap((p) => p.conflicts);
  if (conflicts.length > 0 && !options.force) {
    const shown = conflicts.slice(0, 10).map(display);
    throw new CairnError(
      'CAIRN_CHECKOUT_CONFLICT',
      `checkout would overwrite or delete changes that are not in the cache:\n  ${shown.join('\n  ')}${conflicts.length > 10 ? `\n  … and ${conflicts.length - 10} more` : ''}`,
      {
        hint: 'save them first (`cairn commit` / `cairn add`), or pass --force to discard them',
        details: { paths: conflicts.map(display) },
      },
    );
  }

  // Every object is verified before it is placed (see checkout-objects.ts): up front, or, for
  // the files of a large fresh folder, by the thread that links or copies it.
  const linker = new Linker(ctx.repo.linkTypes);
  const objects = new CheckoutObjects(ctx);
  const canBulk = placesInBulk(linker.types[0]);
  for (const plan of plans) {
    // The new files of a large folder get their object when they are placed (`placeFresh`).
    const bulk = canBulk && plan.writes.filter((w) => w.fresh).length > BULK_MIN;
    for (const w of plan.writes) {
      if (!(bulk && w.fresh)) w.object = objects.use(w.md5, plan.entry.hashName, false);
    }
  }
  await objects.prepare();

  const total = plans.reduce((n, p) => n + p.writes.length + p.deletes.length, 0);
  const id = 'checkout';
  ctx.onProgress?.({ type: 'start', id, label: 'Checking out', total, unit: 'files' });
  let done = 0;
  const tick = () => {
    done++;
    if (done % 64 === 0 || done === total) ctx.onProgress?.({ type: 'progress', id, done, total });
  };
  for (const [i, plan] of plans.entries()) {
    await ctx.beforeTarget(i);
    let failed = 0;
    const fail = (w: Write, check: ObjectCheck) => {
      failed++;
      result.failed.push({
        path: display(w.dst),
        code: check === 'missing' ? 'CAIRN_CACHE_MISSING' : 'CAIRN_CACHE_CORRUPT',
        message:
          check === 'missing'
            ? `object ${w.md5} is not in the cache`
            : `cache object ${ctx.store.path(w.md5, plan.entry.hashName)} is corrupt (bytes do not match ${w.md5}); not linked`,
      });
    };
    const writes: Write[] = [];
    for (const w of plan.writes) {
      const verdict = w.object?.verdict;
      if (verdict === 'missing' || verdict === 'corrupt') fail(w, verdict);
      else writes.push(w);
    }
    if (plan.replaceWhole) await rm(plan.entry.path, { recursive: true, force: true });
    for (const path of plan.deletes) {
      await unlink(path).catch(() => {});
      result.stats.deleted++;
      tick();
    }
    if (plan.deletes.length > 0) pruneEmptyDirs(plan.entry.path, plan.deletes);
    const dirs = new Set(writes.map((w) => dirname(w.dst)));
    if (plan.entry.oid?.endsWith('.dir')) dirs.add(plan.entry.path);
    // Synchronous: a hundred folders are a few system calls each, not a thread-pool round trip.
    for (const dir of dirs) mkdirSync(dir, { recursive: true });
    // Record what was just written so the next status does not read it again. A hardlink is the
    // object's inode, whose verified stat is known already (a chmod changes ctime only; empty
    // files are created, not linked).
    const record = (w: Write, type: LinkType, object?: FileStat, written?: FileStat) => {
      if (w.isexec) chmodSync(w.dst, statSync(w.dst).mode | 0o111);
      const key = plan.entry.hashName === 'md5' ? w.dst : `md5-dos2unix:${w.dst}`;
      const shared = type === 'hardlink' && object && object.size > 0 ? object : undefined;
      ctx.state.set(key, shared ?? (w.isexec ? undefined : written) ?? statSync(w.dst), w.md5);
      if (w.fresh) result.stats.added++;
      else result.stats.modified++;
      tick();
    };
    // One at a time: verified first if it is not yet.
    const linkOne = async (w: Write, replace = false) => {
      w.object ??= objects.use(w.md5, plan.entry.hashName, false);
      const object = w.object;
      const verdict = await objects.verify(object);
      if (verdict !== 'ok') {
        fail(w, verdict);
        return;
      }
      const known = object.stat;
      const options = known ? { srcSize: known.size } : {};
      // What is there is replaced through a temporary name: synchronously for a small object
      // (a thread-pool hop per system call cost more than the call; --relink of many files).
      const replaceIt = async () =>
        known !== undefined && known.size <= SMALL_FILE_MAX
          ? linker.linkSync(object.src, w.dst, options)
          : await linker.link(object.src, w.dst);
      if (replace) {
        record(w, await replaceIt(), known);
        return;
      }
      try {
        record(w, linker.linkNewSync(object.src, w.dst, options), known);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        record(w, await replaceIt(), known);
      }
    };
    /**
     * Places new files in bulk on every thread; returns those left to `linkOne`. The object
     * index's stat of each object is looked up as its range is handed out (while the workers
     * place the ranges before), and compared with the object's own by the thread that places
     * it. Objects it has no stat of (a cache DVC filled; empty ones) are verified first, all
     * together, then placed the same way.
     */
    const placeFresh = async (list: Write[], placement: Placement): Promise<Write[]> => {
      const { hashName } = plan.entry;
      const type = linker.types[0] as LinkType;
      const slow: Write[] = [];
      const placeAll = async (
        writes: Write[],
        statsOf: (part: Write[]) => Array<FileStat | undefined>,
        leftOut: Write[],
      ) => {
        const ranges = await ctx.pool().placeRanges(
          writes.length,
          (start, end) => {
            const part = writes.slice(start, end);
            const stats = statsOf(part);
            const chunk = {
              srcs: [] as string[],
              dsts: [] as string[],
              writes: [] as Write[],
              stats: [] as FileStat[],
            };
            part.forEach((w, i) => {
              const stat = stats[i];
              if (stat === undefined || stat.size === 0) {
                leftOut.push(w);
                return;
              }
              chunk.srcs.push(ctx.store.path(w.md5, hashName));
              chunk.dsts.push(w.dst);
              chunk.writes.push(w);
              chunk.stats.push(stat);
            });
            return { ...chunk, expected: packStats(chunk.stats) };
          },
          placement,
        );
        for (const { chunk, result } of ranges) {
          placedPairs(chunk, result).forEach((outcome, i) => {
            const w = chunk.writes[i] as Write;
            if (outcome.code === undefined) {
              record(w, type, chunk.stats[i], outcome.stat);
              return;
            }
            if (outcome.code === UNVERIFIED) {
              w.object ??= objects.use(w.md5, hashName, false);
              objects.distrust(w.object);
            }
            slow.push(w);
          });
        }
      };
      const unknown: Write[] = [];
      await placeAll(
        list,
        (part) =>
          ctx.store.recordedStats(
            part.map((w) => w.md5),
            hashName,
          ),
        unknown,
      );
      if (unknown.length === 0) return slow;
      for (const w of unknown) w.object ??= objects.use(w.md5, hashName, true);
      await objects.prepare();
      const verified = unknown.filter((w) => {
        const verdict = w.object?.verdict;
        if (verdict !== 'missing' && verdict !== 'corrupt') return true;
        fail(w, verdict);
        return false;
      });
      await placeAll(verified, (part) => part.map((w) => w.object?.stat), slow);
      return slow;
    };
    // New files go in place directly (one call per link, like cp -al); files that replace
    // something go through a temporary name and a rename.
    const fresh = writes.filter((w) => w.fresh);
    let k = 0;
    for (; k < fresh.length; k++) {
      await linkOne(fresh[k] as Write);
      if (k % 512 === 511) {
        ctx.signal?.throwIfAborted();
        await new Promise((r) => setImmediate(r));
      }
      // Once one file is in place, the rest of the non-empty objects that carry a stat are
      // linked or copied in bulk, on every thread; what fails there goes through linkOne.
      if (placesInBulk(linker.types[0]) && fresh.length - k > BULK_MIN) {
        k++;
        break;
      }
    }
    const rest = fresh.slice(k);
    const placement =
      k < fresh.length ? bulkPlacement(linker.types[0], rest[0]?.dst ?? '') : undefined;
    const slow = placement ? await placeFresh(rest, placement) : rest;
    for (const w of slow) await linkOne(w);
    await mapLimit(
      writes.filter((w) => !w.fresh),
      LINK_JOBS,
      (w) => linkOne(w, true),
      ctx.signal,
    );
    // A checkout of paths inside a directory output reports those paths.
    const shown = (plan.entry.within ?? ['']).map((w) => display(join(plan.entry.path, w)));
    if (plan.state === 'added' && failed === 0) result.added.push(...shown);
    else if (plan.state === 'modified' || plan.writes.length > 0) result.modified.push(...shown);
    // Saved now and then, and when the context closes: a checkout of a thousand pointers
    // would otherwise fsync the indexes a thousand times.
    if (ctx.saveDue()) await ctx.flush();
  }
  ctx.onProgress?.({ type: 'done', id });
  return result;
}

/** Removes folders left empty by deletions, up to (not including) the output's root. */
function pruneEmptyDirs(root: string, deleted: readonly string[]): void {
  const dirs = [...new Set(deleted.map((p) => dirname(p)))].sort((a, b) => b.length - a.length);
  for (let dir of dirs) {
    while (dir.length > root.length && dir.startsWith(root)) {
      try {
        rmdirSync(dir);
      } catch {
        break;
      }
      dir = dirname(dir);
    }
  }
}

/**
 * `cairn gc`: delete cache objects nothing references. "Referenced" = every output in pointer
 * files and `dvc.lock` of the workspace and, on request, of every commit / branch / tag, plus
 * every entry of the `.dir` objects among them. `.dir` objects are deleted before files (DVC's
 * order), so an interrupted gc never leaves a listing whose files are gone while it remains.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type HashName, isDirOid, parseTree } from '@cairn/cache';
import { git, gitRaw, listAllCommits } from '@cairn/core-io';
import { usageError } from '@cairn/types';
import type { CloudGcResult } from '../remote/gc-cloud.js';
import type { DataContext } from './context.js';
import { collectEntries, lockEntries, pointerEntries, type TrackedEntry } from './outputs.js';

export interface GcOptions {
  workspace?: boolean;
  allCommits?: boolean;
  allBranches?: boolean;
  allTags?: boolean;
  allExperiments?: boolean;
  dryRun?: boolean;
  /** Also delete what the scope does not use from a remote (`remote`, else the default). */
  cloud?: boolean;
  remote?: string;
  /** Deletions at once on the remote (default: per remote type). */
  jobs?: number;
}

export interface GcResult {
  /** Object ids removed (or that would be, with dryRun). */
  removed: string[];
  kept: number;
  /** Temporary files of interrupted writers removed from the cache (none with dryRun). */
  staleTemps: number;
  /** Revisions whose pointers could not be read (reported, not fatal). */
  skipped: Array<{ rev: string; file: string; message: string }>;
  dryRun: boolean;
  /** With `cloud`: what was deleted from the remote. */
  cloud?: CloudGcResult;
}

export async function revisions(root: string, options: GcOptions): Promise<string[]> {
  const revs = new Set<string>();
  if (options.allCommits) {
    for (const sha of await listAllCommits(root, { experiments: options.allExperiments }))
      revs.add(sha);
  }
  const refs = async (prefix: string) =>
    (await git(['for-each-ref', '--format=%(objectname)', prefix], { cwd: root }))
      .split('\n')
      .filter((l) => l !== '');
  if (options.allBranches) for (const sha of await refs('refs/heads')) revs.add(sha);
  if (options.allTags) for (const sha of await refs('refs/tags')) revs.add(sha);
  if (options.allExperiments) for (const sha of await refs('refs/exps')) revs.add(sha);
  return [...revs];
}

export async function entriesAtRev(
  root: string,
  rev: string,
  skipped: GcResult['skipped'],
): Promise<TrackedEntry[]> {
  const listing = await git(['ls-tree', '-r', '-z', '--name-only', rev], { cwd: root });
  const files = listing
    .split('\0')
    .filter(
      (f) =>
        (f.endsWith('.dvc') && !f.startsWith('.dvc/')) ||
        f === 'dvc.lock' ||
        f.endsWith('/dvc.lock'),
    );
  const entries: TrackedEntry[] = [];
  for (const file of files) {
    try {
      const text = (await gitRaw(['show', `${rev}:${file}`], { cwd: root })).toString('utf8');
      const abs = join(root, file);
      entries.push(
        ...(file.endsWith('.dvc') ? pointerEntries(root, abs, text) : lockEntries(root, abs, text)),
      );
    } catch (error) {
      skipped.push({ rev, file, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return entries;
}

/** Deletes unused cache objects; returns the result and the md5 objects the scope uses. */
export async function collectGarbage(
  ctx: DataContext,
  options: GcOptions,
): Promise<{ result: GcResult; used: ReadonlySet<string> }> {
  const scoped =
    options.workspace ||
    options.allCommits ||
    options.allBranches ||
    options.allTags ||
    options.allExperiments;
  if (!scoped) {
    throw usageError(
      'gc needs a scope: -w/--workspace, -a, -T, --all-commits or --all-experiments',
      'for example: cairn gc -w (keep only what the workspace uses)',
    );
  }
  const { root, usesGit } = ctx.repo;
  const result: GcResult = {
    removed: [],
    kept: 0,
    staleTemps: 0,
    skipped: [],
    dryRun: options.dryRun ?? false,
  };
  const used: Record<HashName, Set<string>> = { md5: new Set(), 'md5-dos2unix': new Set() };
  const addEntries = (entries: readonly TrackedEntry[]) => {
    for (const e of entries)
      if (e.kind === 'out' && e.oid !== undefined) used[e.hashName].add(e.oid);
  };
  addEntries(await collectEntries(root, usesGit));
  if (usesGit && existsSync(join(root, '.git'))) {
    for (const rev of await revisions(root, options))
      addEntries(await entriesAtRev(root, rev, result.skipped));
  }
  // Every entry of a used directory is used too.
  for (const hashName of ['md5', 'md5-dos2unix'] as const) {
    for (const oid of [...used[hashName]]) {
      if (!isDirOid(oid)) continue;
      const path = ctx.store.path(oid, hashName);
      if (!existsSync(path)) continue;
      try {
        for (const entry of parseTree(readFileSync(path), oid)) used[hashName].add(entry.md5);
      } catch {
        // A damaged listing keeps its own object (so it can be inspected) but protects nothing.
      }
    }
  }
  const id = 'gc';
  for (const hashName of ['md5', 'md5-dos2unix'] as const) {
    const all = ctx.store.listOids(hashName);
    const unused = all.filter((oid) => !used[hashName].has(oid));
    result.kept += all.length - unused.length;
    unused.sort((a, b) => Number(isDirOid(b)) - Number(isDirOid(a)));
    ctx.onProgress?.({
      type: 'start',
      id,
      label: 'Removing unused objects',
      total: unused.length,
      unit: 'objects',
    });
    let done = 0;
    for (const oid of unused) {
      ctx.signal?.throwIfAborted();
      if (!result.dryRun) await ctx.store.remove(oid, hashName);
      result.removed.push(oid);
      if (++done % 256 === 0)
        ctx.onProgress?.({ type: 'progress', id, done, total: unused.length });
    }
    ctx.onProgress?.({ type: 'done', id });
    if (!result.dryRun) result.staleTemps += (await ctx.store.removeStaleTemps(hashName)).length;
  }
  await ctx.flush();
  return { result, used: used.md5 };
}

/**
 * `cairn exp apply <name>`: the files the experiment changed (params, dvc.lock, metrics, code)
 * written into the workspace, unstaged, and its data outputs checked out from the cache. Every
 * check runs before anything is written: a changed file the experiment would overwrite (one
 * with uncommitted changes, or an untracked file in its way) and workspace data that is not in
 * the cache stop the apply unless `force`.
 */
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { git, gitRaw } from '@cairn/core-io';
import { gitRevSource, loadPipeline } from '@cairn/pipeline';
import { CairnError, type ProgressListener } from '@cairn/types';
import { type CheckoutResult, checkoutEntries } from '../data/checkout.js';
import { DataContext } from '../data/context.js';
import { lockEntries, pointerEntries, type TrackedEntry, toPosix } from '../data/outputs.js';
import type { Repo } from '../repo.js';
import { resolveExperiment } from './refs.js';
import { requireBaseline } from './run.js';

export interface ExpApplyOptions {
  /** Overwrite uncommitted changes and data that is not in the cache. */
  force?: boolean;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

export interface ExpApplyResult {
  name: string;
  ref: string;
  rev: string;
  /** Files written or deleted, relative to the repository root. */
  files: string[];
  checkout: CheckoutResult;
}

const nul = (text: string) => text.split('\0').filter((f) => f !== '');

/** `[status, path]` pairs of `git diff --name-status -z` (paths from the top of the work tree). */
function parseNameStatus(text: string): Array<[string, string]> {
  const fields = nul(text);
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    out.push([fields[i] as string, fields[i + 1] as string]);
  }
  return out;
}

/** Touched paths whose workspace content is uncommitted and differs from the experiment's. */
async function conflicts(
  top: string,
  rev: string,
  touched: ReadonlyArray<[string, string]>,
): Promise<string[]> {
  const dirty = new Set([
    ...nul(await git(['diff', '--name-only', '-z', '--no-renames', 'HEAD', '--'], { cwd: top })),
    ...nul(await git(['ls-files', '--others', '--exclude-standard', '-z'], { cwd: top })),
  ]);
  const out: string[] = [];
  for (const [status, path] of touched) {
    if (!dirty.has(path)) continue;
    const abs = join(top, path);
    if (status.startsWith('D')) {
      if (existsSync(abs)) out.push(path);
      continue;
    }
    const theirs = await gitRaw(['show', `${rev}:${path}`], { cwd: top });
    const ours = existsSync(abs) ? await readFile(abs).catch(() => undefined) : undefined;
    if (ours === undefined || !ours.equals(theirs)) out.push(path);
  }
  return out;
}

/** The cached outputs the experiment's dvc.lock and `.dvc` files name, at workspace paths. */
async function experimentOutputs(root: string, top: string, rev: string): Promise<TrackedEntry[]> {
  const prefix = toPosix(relative(top, root));
  const files = nul(await git(['ls-tree', '-r', '-z', '--name-only', rev], { cwd: top })).filter(
    (f) => !prefix || f.startsWith(`${prefix}/`),
  );
  const entries: TrackedEntry[] = [];
  for (const file of files) {
    const inRoot = prefix ? file.slice(prefix.length + 1) : file;
    const isLock = inRoot === 'dvc.lock' || inRoot.endsWith('/dvc.lock');
    const isPointer = inRoot.endsWith('.dvc') && !inRoot.startsWith('.dvc/');
    if (!isLock && !isPointer) continue;
    const text = (await gitRaw(['show', `${rev}:${file}`], { cwd: top })).toString('utf8');
    const abs = join(root, inRoot);
    entries.push(...(isLock ? lockEntries(root, abs, text) : pointerEntries(root, abs, text)));
  }
  // dvc.lock does not say which outputs are `cache: false` (metrics kept in git); the
  // experiment's dvc.yaml does.
  const pipeline = await loadPipeline({ root, source: await gitRevSource(root, rev) });
  const cached = new Set(
    pipeline.stages.flatMap((s) =>
      s.outs.filter((o) => o.cache && !o.external).map((o) => `${s.addressing}\0${o.path}`),
    ),
  );
  return entries.filter(
    (e) =>
      e.kind === 'out' &&
      e.cached &&
      (e.source === 'pointer' || cached.has(`${e.stage}\0${toPosix(relative(root, e.path))}`)),
  );
}

export async function applyExperiment(
  repo: Repo,
  name: string,
  options: ExpApplyOptions = {},
): Promise<ExpApplyResult> {
  const head = await requireBaseline(repo);
  const exp = await resolveExperiment(repo.root, name, head);
  const top = await git(['rev-parse', '--show-toplevel'], { cwd: repo.root });
  // The experiment's own changes, on top of whatever the workspace's HEAD is now.
  const touched = parseNameStatus(
    await git(['diff', '--name-status', '-z', '--no-renames', exp.baseline, exp.rev, '--'], {
      cwd: top,
    }),
  );
  if (!options.force) {
    const blocked = await conflicts(top, exp.rev, touched);
    if (blocked.length > 0) {
      throw new CairnError(
        'CAIRN_EXP_APPLY_CONFLICT',
        `applying '${exp.name}' would overwrite uncommitted changes:\n  ${blocked.join('\n  ')}`,
        {
          hint: 'commit or stash them first, or pass --force to overwrite them',
          details: { paths: blocked },
        },
      );
    }
  }
  const entries = await experimentOutputs(repo.root, top, exp.rev);
  // Data first: its conflict check runs before it writes anything, so a refusal here leaves
  // the workspace exactly as it was.
  const checkout = await DataContext.run(
    repo,
    {
      write: `exp apply ${exp.name}`,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    },
    (ctx) => checkoutEntries(ctx, entries, { force: options.force ?? false }),
  );
  const written = touched.filter(([status]) => !status.startsWith('D')).map(([, p]) => p);
  if (written.length > 0) {
    // `restore --worktree` writes files as git checks them out (modes, symlinks, filters)
    // and leaves the index alone: the changes show up unstaged, as after `dvc exp apply`.
    await git(
      [
        'restore',
        `--source=${exp.rev}`,
        '--worktree',
        '--pathspec-from-file=-',
        '--pathspec-file-nul',
      ],
      { cwd: top, input: written.join('\0') },
    );
  }
  for (const [status, path] of touched) {
    if (status.startsWith('D')) await rm(join(top, path), { force: true });
  }
  return {
    name: exp.name,
    ref: exp.ref,
    rev: exp.rev,
    files: touched.map(([, p]) => toPosix(relative(repo.root, join(top, p)))),
    checkout,
  };
}

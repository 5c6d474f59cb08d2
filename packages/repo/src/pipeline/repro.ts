/**
 * `cairn repro`: brings pipeline stages up to date, upstream first. A stage runs only when its
 * command, dependencies, params or outputs differ from dvc.lock (or `force`); a stage whose
 * outputs alone are missing, with the locked versions in the cache, is checked out instead of
 * run. After a successful run the outputs go into the cache first and dvc.lock is written last
 * (atomically), so the lock never names an output the cache lacks; a failed command leaves the
 * lock as it was and stops the run. Every stage that runs gets a step manifest (`runs/`).
 */
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join, posix, relative } from 'node:path';
import { Linker } from '@cairn/core-io';
import { beginStep, createRun, type RunHandle, type Step } from '@cairn/manifests';
import {
  computeLockEntry,
  findTargets,
  type HashInfo,
  loadPipeline,
  loadStageParams,
  lockPathFor,
  type Pipeline,
  type PipelineNode,
  parseMetrics,
  readLock,
  type Stage,
  type StatusEntry,
  selectStages,
  stageStatus,
  updateLock,
  workspaceSource,
  writeLock,
} from '@cairn/pipeline';
import { CairnError } from '@cairn/types';
import { hashAndStore, relinkFromCache } from '../data/add.js';
import { checkoutEntries } from '../data/checkout.js';
import type { DataContext } from '../data/context.js';
import { addGitignoreEntry } from '../data/gitignore.js';
import { hashPath, type PathHash } from '../data/hash-path.js';
import { lockEntries, toPosix } from '../data/outputs.js';
import { applyOverrides, parseOverrides } from './params-set.js';
import { type CommandOutput, runCommands } from './run-commands.js';
import { hashInfoOf, measureStage } from './stage-state.js';

export interface ReproOptions {
  /** Stages, dvc.yaml files or output paths (default: every stage). */
  targets?: readonly string[];
  /** Resolves relative targets (default: the repository root). */
  cwd?: string;
  /** Run the selected stages even when nothing changed. */
  force?: boolean;
  /** Only the targets themselves, not the stages upstream of them (`-s`). */
  single?: boolean;
  /** The targets and the stages downstream of them. */
  downstream?: boolean;
  /** The whole pipeline each target belongs to (`-p`). */
  pipeline?: boolean;
  /** Say what would run without running anything. */
  dry?: boolean;
  /**
   * What a failing stage does (DVC's `--keep-going` / `--ignore-errors`): `fail` stops the run
   * (default); `keep-going` skips the stages downstream of it, runs the others, then fails;
   * `ignore` goes on with every stage and does not fail.
   */
  onError?: 'fail' | 'keep-going' | 'ignore';
  /** Targets are wildcard patterns over stage names (`train-*`). */
  glob?: boolean;
  /** `[file:]key=value` params overrides applied before anything runs (`-S`). */
  set?: readonly string[];
  /** Experiment name recorded in the step manifests (`runs/<experiment>/…`; default `pipeline`). */
  experiment?: string;
  /** Write a step manifest for each stage that runs (default true). */
  manifests?: boolean;
  /** DVC's progress lines (`Running stage 'x':`, `> cmd`, …). */
  onMessage?: (line: string) => void;
  /** Where commands write; default: this process's stdout/stderr. */
  output?: CommandOutput;
  signal?: AbortSignal;
}

export type StageAction =
  | 'ran'
  | 'skipped'
  | 'checked out'
  | 'frozen'
  | 'would run'
  /** It failed (with `onError` keep-going or ignore). */
  | 'failed'
  /** Not run because a stage upstream of it failed (keep-going). */
  | 'not run';

export interface ReproStage {
  /** DVC's addressing: `train`, `sub/dvc.yaml:train`. */
  stage: string;
  action: StageAction;
  /** Why it ran (or would): the `dvc status` entries; empty when forced or unchanged. */
  changes: StatusEntry[];
  /** The step manifest written for it. */
  manifest?: string;
  durationSeconds?: number;
}

export interface ReproResult {
  stages: ReproStage[];
  /** dvc.lock files written (repo-relative). */
  lockFiles: string[];
  /** Params files changed by `set`. */
  paramsChanged: string[];
}

/** Only outputs differ (no command, dependency or params change): a checkout may do. */
function onlyOutputsChanged(changes: readonly StatusEntry[]): boolean {
  return changes.length > 0 && changes.every((c) => typeof c === 'object' && 'changed outs' in c);
}

function stepName(stage: Stage): string {
  // `sub/dvc.yaml` + `train` → `sub/train` (made folder-safe below).
  const name = posix.join(posix.dirname(stage.dvcfile), stage.name);
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[^A-Za-z0-9]+/, '');
  return (safe || 'stage').slice(0, 128);
}

function jsonSafe(value: unknown): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(value ?? {}, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
  ) as Record<string, unknown>;
}

function selected(pipeline: Pipeline, options: ReproOptions): Stage[] {
  const targets = options.targets ?? [];
  const collect = {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.downstream ? { downstream: true } : {}),
    ...(options.pipeline ? { pipeline: true } : {}),
    ...(options.glob ? { glob: true } : {}),
  };
  const nodes: PipelineNode[] =
    options.single && targets.length > 0
      ? targets.flatMap((t) => findTargets(pipeline, t, collect))
      : selectStages(pipeline, targets, collect);
  return nodes.filter((n): n is Stage => n.kind === 'stage');
}

export async function reproduce(ctx: DataContext, options: ReproOptions): Promise<ReproResult> {
  const root = ctx.repo.root;
  const say = options.onMessage ?? (() => {});
  const paramsChanged =
    options.set && options.set.length > 0 && !options.dry
      ? await applyOverrides(root, parseOverrides(options.set))
      : [];
  const source = workspaceSource(root);
  const pipeline = await loadPipeline({ root, source });
  const cwdRel = options.cwd ? toPosix(relative(root, options.cwd)) : '';
  const stages = selected(pipeline, { ...options, cwd: cwdRel });
  const result: ReproResult = { stages: [], lockFiles: [], paramsChanged };
  let run: RunHandle | undefined;
  const onError = options.onError ?? 'fail';
  const failed: Stage[] = [];
  /** Stages not to run, and the failed stage upstream of each. */
  const blocked = new Map<Stage, Stage>();
  for (const stage of stages) {
    options.signal?.throwIfAborted();
    const cause = blocked.get(stage);
    if (cause) {
      result.stages.push({ stage: stage.addressing, action: 'not run', changes: [] });
      continue;
    }
    try {
      run = await reproduceStage(ctx, stage, options, result, run);
    } catch (error) {
      if (onError === 'fail' || options.signal?.aborted) throw error;
      failed.push(stage);
      const message = error instanceof Error ? error.message : String(error);
      say(`${message}${onError === 'ignore' ? ' (ignored)' : ''}`);
      result.stages.push({ stage: stage.addressing, action: 'failed', changes: [] });
      if (onError === 'keep-going') {
        const below = pipeline.dag
          .select([stage], { downstream: true })
          .filter((n): n is Stage => n !== stage && n.kind === 'stage');
        for (const n of below) if (!blocked.has(n)) blocked.set(n, stage);
        if (below.length > 0) {
          const names = below.map((n) => `'${n.addressing}'`).join(', ');
          say(
            `${below.length > 1 ? 'Stages' : 'Stage'} ${names} will be skipped due to this failure`,
          );
        }
      }
    }
  }
  if (result.stages.some((s) => s.action === 'ran')) {
    say('Use `cairn push` to send your updates to remote storage.');
  }
  if (failed.length > 0 && onError !== 'ignore') {
    const names = failed.map((s) => `'${s.addressing}'`).join(', ');
    throw new CairnError(
      'CAIRN_REPRO_FAILED',
      `failed to reproduce${failed.length > 1 ? ' stages:' : ''} ${names}`,
      { details: { stages: result.stages, lockFiles: result.lockFiles } },
    );
  }
  return result;
}

/** One stage of `reproduce`: skipped, checked out, or run; returns the run folder in use. */
async function reproduceStage(
  ctx: DataContext,
  stage: Stage,
  options: ReproOptions,
  result: ReproResult,
  current: RunHandle | undefined,
): Promise<RunHandle | undefined> {
  const root = ctx.repo.root;
  const say = options.onMessage ?? (() => {});
  const source = workspaceSource(root);
  let run = current;
  const lock = (await readLock(source, stage.dvcfile))?.stages[stage.name];
  const { state } = await measureStage(ctx, root, source, stage, lock);
  const changes = stageStatus(stage, lock, state);
  if (stage.frozen) {
    say(`Stage '${stage.addressing}' is frozen, skipping`);
    result.stages.push({ stage: stage.addressing, action: 'frozen', changes });
    return run;
  }
  if (!options.force && changes.length === 0) {
    say(`Stage '${stage.addressing}' didn't change, skipping`);
    result.stages.push({ stage: stage.addressing, action: 'skipped', changes });
    return run;
  }
  if (!options.force && lock && onlyOutputsChanged(changes) && canCheckOut(stage, changes)) {
    if (options.dry) {
      say(`Stage '${stage.addressing}' is cached - would check out its outputs`);
      result.stages.push({ stage: stage.addressing, action: 'would run', changes });
      return run;
    }
    say(`Stage '${stage.addressing}' is cached - skipping run, checking out outputs`);
    await checkOutStage(ctx, stage);
    result.stages.push({ stage: stage.addressing, action: 'checked out', changes });
    return run;
  }
  say(`Running stage '${stage.addressing}':`);
  for (const command of stage.commands) say(`> ${command}`);
  if (options.dry) {
    result.stages.push({ stage: stage.addressing, action: 'would run', changes });
    return run;
  }
  if (options.manifests !== false)
    run ??= await createRun({ root, experiment: options.experiment ?? 'pipeline' });
  const lockFile = lockPathFor(stage.dvcfile);
  const existed = existsSync(join(root, lockFile));
  const ran = await runStage(ctx, stage, options, run);
  if (!result.lockFiles.includes(lockFile)) result.lockFiles.push(lockFile);
  say(`${existed ? 'Updating' : 'Generating'} lock file '${lockFile}'`);
  result.stages.push({ stage: stage.addressing, action: 'ran', changes, ...ran });
  return run;
}

/** Every changed output is cached, and in the cache at its locked version. */
function canCheckOut(stage: Stage, changes: readonly StatusEntry[]): boolean {
  for (const change of changes) {
    if (typeof change !== 'object' || !('changed outs' in change)) return false;
    for (const [path, why] of Object.entries(change['changed outs'])) {
      const out = stage.outs.find((o) => o.path === path);
      if (!out?.cache || why === 'not in cache') return false;
    }
  }
  return true;
}

async function checkOutStage(ctx: DataContext, stage: Stage): Promise<void> {
  // Only the stage's own lock file: a pipeline restored from the cache stage by stage would
  // otherwise list and parse every pointer and lock file of the repository once per stage.
  const lockFile = join(ctx.repo.root, lockPathFor(stage.dvcfile));
  const entries = lockEntries(ctx.repo.root, lockFile, await readFile(lockFile, 'utf8')).filter(
    (e) => e.stage === stage.addressing && e.kind === 'out' && e.cached,
  );
  const checkout = await checkoutEntries(ctx, entries, { force: true });
  const failed = checkout.failed[0];
  if (failed) {
    throw new CairnError(
      'CAIRN_CHECKOUT_FAILED',
      `cannot check out '${failed.path}' of stage '${stage.addressing}': ${failed.message}`,
      { details: { cause: failed.code, path: failed.path } },
    );
  }
}

async function runStage(
  ctx: DataContext,
  stage: Stage,
  options: ReproOptions,
  run: RunHandle | undefined,
): Promise<{ manifest?: string; durationSeconds: number }> {
  const root = ctx.repo.root;
  const source = workspaceSource(root);
  const missing = stage.deps.filter((d) => !d.external && !existsSync(join(root, d.path)));
  if (missing.length > 0) {
    throw new CairnError(
      'CAIRN_DEP_MISSING',
      `stage '${stage.addressing}' cannot run: missing dependencies ${missing.map((d) => `'${d.path}'`).join(', ')}`,
      { hint: 'create them, or run the stages that produce them (`cairn repro` without -s)' },
    );
  }
  const params = await loadStageParams(stage, source);
  for (const out of stage.outs) {
    if (!out.persist && !out.external)
      await rm(join(root, out.path), { recursive: true, force: true });
  }
  const started = Date.now();
  let step: Step | undefined;
  if (run) {
    step = await beginStep({
      root,
      runDir: run,
      name: stepName(stage),
      command: stage.commands,
      params: jsonSafe(Object.fromEntries(params)),
      config: jsonSafe({
        cmd: stage.cmd,
        deps: stage.deps,
        outs: stage.outs,
        params: stage.params,
      }),
      inputs: stage.deps.filter((d) => !d.external).map((d) => d.path),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }
  try {
    await runCommands(stage.addressing, stage.commands, stage.wdirAbs, {
      ...options.output,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    await step?.commit({
      status: 'failed',
      extra: { error: error instanceof Error ? error.message : String(error) },
    });
    throw error;
  }

  // Outputs into the cache first, then the lock: the lock never names what the cache lacks.
  const hashes = new Map<string, HashInfo>();
  const stored = new Map<string, PathHash>();
  for (const out of stage.outs) {
    if (out.external) continue;
    const abs = join(root, out.path);
    if (!existsSync(abs)) {
      throw new CairnError(
        'CAIRN_OUTPUT_MISSING',
        `output '${out.defPath}' of stage '${stage.addressing}' does not exist after its command ran`,
        { hint: "make the command write it, or remove it from the stage's outs" },
      );
    }
    let hash: PathHash;
    if (out.cache) {
      hash = (await hashAndStore(ctx, abs)).hash;
      await relinkFromCache(ctx, abs, hash);
      if (ctx.repo.usesGit) addGitignoreEntry(abs);
    } else {
      hash = (await hashPath(ctx, abs)) as PathHash;
    }
    hashes.set(out.path, hashInfoOf(hash));
    stored.set(out.path, hash);
  }
  for (const dep of stage.deps) {
    if (dep.external) continue;
    const hash = await hashPath(ctx, join(root, dep.path));
    if (hash) hashes.set(dep.path, hashInfoOf(hash));
  }
  const entry = computeLockEntry(stage, { hashes, params });
  const lockFile = lockPathFor(stage.dvcfile);
  const current = await readLock(source, stage.dvcfile);
  await writeLock(join(root, lockFile), updateLock(current, { [stage.name]: entry }));
  await ctx.flush();
  const durationSeconds = (Date.now() - started) / 1000;
  if (!step) return { durationSeconds };
  await linkOutputs(ctx, step, stage, stored);
  const { manifestPath } = await step.commit({ metrics: await readMetrics(root, stage) });
  return { manifest: toPosix(relative(root, manifestPath)), durationSeconds };
}

/** The stage's outputs inside its step folder, hardlinked from the cache where possible. */
async function linkOutputs(
  ctx: DataContext,
  step: Step,
  stage: Stage,
  stored: ReadonlyMap<string, PathHash>,
): Promise<void> {
  const linker = new Linker(['hardlink', 'copy']);
  for (const out of stage.outs) {
    const hash = stored.get(out.path);
    if (!hash) continue;
    const abs = join(ctx.repo.root, out.path);
    const files =
      hash.kind === 'file'
        ? [{ src: out.cache ? ctx.store.path(hash.md5) : abs, rel: out.path }]
        : hash.files.map((f) => ({
            src: out.cache ? ctx.store.path(f.md5) : f.absPath,
            rel: `${out.path}/${f.relpath}`,
          }));
    for (const f of files) await linker.link(f.src, step.path(f.rel));
  }
}

/** Numbers and strings of the stage's metrics files, for the manifest. */
async function readMetrics(root: string, stage: Stage): Promise<Record<string, unknown>> {
  const metrics: Record<string, unknown> = {};
  for (const out of stage.outs) {
    if (out.kind !== 'metric' || out.external) continue;
    try {
      metrics[out.path] = parseMetrics(await readFile(join(root, out.path), 'utf8'), out.path);
    } catch {
      // a metrics file that does not parse is reported by `metrics show`, not here
    }
  }
  return jsonSafe(metrics);
}

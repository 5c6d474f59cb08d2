/**
 * Run isolation: every run gets its own folder `runs/<experiment>/<run id>/`, created with an
 * exclusive (non-recursive) mkdir of the leaf, so two processes starting in the same second can
 * never share or overwrite one: the loser of the race takes the next `-n` suffix.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ensureDir, fsyncDir } from '@cairn/core-io';
import { CairnError, isCairnError, parseJson, StepManifest } from '@cairn/types';
import { assertName, errnoOf, MANIFEST_FILE } from './files.js';
import { compareRunIds, parseRunId, runIdFor } from './run-id.js';

/** Folder below the project root that holds run folders. */
export const RUNS_DIR = 'runs';
// Far more runs than can start in one second; reaching it means something else is wrong.
const MAX_SAME_SECOND = 100_000;

export interface CreateRunOptions {
  /** Project root; runs go to `<root>/runs/<experiment>/`. */
  root: string;
  experiment: string;
  /** Folder for runs, relative to `root` (default `runs`). */
  runsDir?: string;
  /** The creation time (default now); only its UTC second is used. */
  now?: Date;
}

export interface RunHandle {
  experiment: string;
  /** The folder's name, e.g. `20261125T101502Z` or `20261125T101502Z-1`. */
  runId: string;
  /** Absolute path of the run folder (new and empty). */
  dir: string;
  /** The UTC second in the run id. */
  createdAt: Date;
}

/** Create a new, empty run folder that no other run uses or will use. */
export async function createRun(options: CreateRunOptions): Promise<RunHandle> {
  assertName('experiment', options.experiment);
  const now = options.now ?? new Date();
  const parent = resolve(options.root, options.runsDir ?? RUNS_DIR, options.experiment);
  await ensureDir(parent);
  for (let sequence = 0; sequence < MAX_SAME_SECOND; sequence++) {
    const runId = runIdFor(now, sequence);
    const dir = join(parent, runId);
    try {
      await mkdir(dir);
    } catch (error) {
      if (errnoOf(error) === 'EEXIST') continue;
      throw error;
    }
    await fsyncDir(parent);
    return { experiment: options.experiment, runId, dir, createdAt: parseRunId(runId)!.createdAt };
  }
  throw new CairnError('CAIRN_RUN_EXHAUSTED', `no free run folder for ${runIdFor(now, 0)}`, {
    details: { dir: parent },
  });
}

export type StepStatus = 'succeeded' | 'failed' | 'incomplete' | 'invalid';

export interface StepSummary {
  name: string;
  dir: string;
  /** `incomplete`: no manifest (still running, or killed); `invalid`: the manifest does not parse. */
  status: StepStatus;
  manifestPath: string | null;
  durationSeconds: number | null;
  /** Why the manifest is invalid. */
  error?: string;
}

export interface RunSummary {
  experiment: string;
  runId: string;
  dir: string;
  /** ISO 8601 UTC, from the run id. */
  createdAt: string;
  steps: StepSummary[];
}

export interface ListRunsOptions {
  root: string;
  runsDir?: string;
  /** Only this experiment. */
  experiment?: string;
}

/** Every run folder, oldest first within each experiment (experiments by name). */
export async function listRuns(options: ListRunsOptions): Promise<RunSummary[]> {
  const base = resolve(options.root, options.runsDir ?? RUNS_DIR);
  if (options.experiment !== undefined) assertName('experiment', options.experiment);
  const experiments =
    options.experiment === undefined ? await subfolders(base) : [options.experiment];
  const runs: RunSummary[] = [];
  for (const experiment of experiments.sort()) {
    const ids = (await subfolders(join(base, experiment))).filter((n) => parseRunId(n));
    for (const runId of ids.sort(compareRunIds)) {
      const dir = join(base, experiment, runId);
      const steps = await Promise.all(
        (await subfolders(dir)).sort().map((name) => summarizeStep(name, join(dir, name))),
      );
      const createdAt = parseRunId(runId)!.createdAt.toISOString().replace('.000Z', 'Z');
      runs.push({ experiment, runId, dir, createdAt, steps });
    }
  }
  return runs;
}

async function summarizeStep(name: string, dir: string): Promise<StepSummary> {
  const manifestPath = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') throw error;
    return { name, dir, status: 'incomplete', manifestPath: null, durationSeconds: null };
  }
  try {
    const manifest = parseJson(text, StepManifest, { file: manifestPath });
    return {
      name,
      dir,
      status: manifest.status,
      manifestPath,
      durationSeconds: manifest.duration_seconds,
    };
  } catch (error) {
    if (!isCairnError(error)) throw error;
    return {
      name,
      dir,
      status: 'invalid',
      manifestPath,
      durationSeconds: null,
      error: error.message,
    };
  }
}

// Names of the visible subfolders; hidden ones are temp folders of exports or ingests.
async function subfolders(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT' || errnoOf(error) === 'ENOTDIR') return [];
    throw error;
  }
}

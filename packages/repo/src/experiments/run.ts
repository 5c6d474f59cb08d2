/**
 * `cairn exp run`: `repro` with `-S` overrides in an isolated copy of the workspace (see
 * workspace-copy.ts), recorded as a commit on the baseline under `refs/exps/…`. The user's
 * files are never written: the copy gets its own checkout, shares the repository's cache (its
 * `cache.dir` points there, so outputs are stored once and nothing is copied back), and is
 * removed afterwards, whether the run succeeded or not. A failed run leaves no ref.
 */
import { relative, resolve } from 'node:path';
import { headSha } from '@cairn/core-io';
import { CairnError, isCairnError, type ProgressListener } from '@cairn/types';
import type { ReproStage } from '../pipeline/repro.js';
import type { CommandOutput } from '../pipeline/run-commands.js';
import type { Repo } from '../repo.js';
import { commitCopy, experimentExists, storeRef } from './commit.js';
import { generateName } from './names.js';
import { assertValidName, expRefName, listExpRefs } from './refs.js';
import { createWorkspaceCopy } from './workspace-copy.js';

export interface ExpRunOptions {
  /** Stages, dvc.yaml files or outputs to reproduce (default: every stage). */
  targets?: readonly string[];
  /** `[file:]key=value` params overrides (`-S`). */
  set?: readonly string[];
  /** The experiment's name (default: generated, see names.ts). */
  name?: string;
  /** Replace an experiment of the same name, and run every stage even if unchanged (DVC's -f). */
  force?: boolean;
  /** Where relative targets start (default: the repository root). */
  cwd?: string;
  /** DVC's progress lines. */
  onMessage?: (line: string) => void;
  /** Where commands write; default: this process's stdout/stderr. */
  output?: CommandOutput;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

export interface ExpRunResult {
  name: string;
  /** `refs/exps/<baseline[0:2]>/<baseline[2:]>/<name>`. */
  ref: string;
  /** The experiment commit. */
  rev: string;
  baseline: string;
  /** sha256 of the experiment's dvc.lock files (in the commit message, as DVC does). */
  hash: string;
  stages: ReproStage[];
  paramsChanged: string[];
  /** Files the run created that are not in the experiment commit. */
  untracked: string[];
}

/** The baseline commit, or DVC's refusal on a repository without one. */
export async function requireBaseline(repo: Repo): Promise<string> {
  if (!repo.usesGit) {
    throw new CairnError('CAIRN_EXP_NO_GIT', 'experiments need git (this repository has no_scm)', {
      hint: 'initialise git and `cairn init` in it',
    });
  }
  const head = await headSha(repo.root);
  if (head === undefined) {
    throw new CairnError(
      'CAIRN_EXP_NO_BASELINE',
      'experiments need a baseline commit, and this repository has no commits',
      { hint: 'commit your pipeline first: git add -A && git commit -m "baseline"' },
    );
  }
  return head;
}

export async function runExperiment(
  repo: Repo,
  open: (dir: string) => Repo,
  options: ExpRunOptions,
): Promise<ExpRunResult> {
  const baseline = await requireBaseline(repo);
  const force = options.force ?? false;
  const all = await listExpRefs(repo.root);
  const taken = new Set(all.map((r) => r.name));
  const seed = [baseline, ...(options.targets ?? []), '\0', ...(options.set ?? [])].join('\n');
  let name = options.name;
  if (name !== undefined) {
    await assertValidName(repo.root, name);
    if (!force && all.some((r) => r.baseline === baseline && r.name === name)) {
      throw experimentExists(name);
    }
  } else {
    name = generateName(seed, taken);
  }
  const say = options.onMessage ?? (() => {});
  say(`Reproducing experiment '${name}'`);

  const copy = await createWorkspaceCopy(repo.root, repo.tmpDir, baseline);
  try {
    const copyRepo = open(copy.root);
    if (copyRepo.root !== copy.root) {
      throw new CairnError('CAIRN_EXP_COPY_FAILED', `the experiment copy opened ${copyRepo.root}`);
    }
    await copyRepo.setConfig('cache.dir', repo.cacheDir, 'local');
    const signal = options.signal ? { signal: options.signal } : {};
    const onProgress = options.onProgress ? { onProgress: options.onProgress } : {};
    // Outputs the baseline locked, from the shared cache; what is missing there is rerun.
    await copyRepo.checkout([], { force: true, ...signal, ...onProgress });
    const inRoot = relative(repo.root, resolve(options.cwd ?? repo.root));
    const cwd = inRoot.startsWith('..') ? copy.root : resolve(copy.root, inRoot);
    const repro = await copyRepo.repro({
      targets: options.targets ?? [],
      cwd,
      force,
      set: options.set ?? [],
      // The copy is deleted afterwards: its step manifests would go with it.
      manifests: false,
      ...(options.onMessage ? { onMessage: options.onMessage } : {}),
      ...(options.output ? { output: options.output } : {}),
      ...signal,
      ...onProgress,
    });
    const committed = await commitCopy(copy.dir, copy.root, baseline, copy.untracked);
    let ref = expRefName(baseline, name);
    for (let attempt = 1; ; attempt++) {
      try {
        await storeRef(repo.root, ref, committed.rev, name, force);
        break;
      } catch (error) {
        // A parallel run took the generated name meanwhile: take the next one.
        const raced = isCairnError(error) && error.code === 'CAIRN_EXP_EXISTS';
        if (!raced || options.name !== undefined || attempt >= 8) throw error;
        taken.add(name);
        name = generateName(seed, taken);
        ref = expRefName(baseline, name);
      }
    }
    return {
      name,
      ref,
      rev: committed.rev,
      baseline,
      hash: committed.hash,
      stages: repro.stages,
      paramsChanged: repro.paramsChanged,
      untracked: committed.untracked,
    };
  } finally {
    await copy.remove();
  }
}

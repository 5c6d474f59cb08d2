/**
 * `repo.experiments`: DVC-style experiments (`dvc exp run | show | apply | remove | list`) on
 * top of `repro`, stored as git refs under `refs/exps/` and data in the shared cache.
 */
import { headSha, resolveRev } from '@cairn/core-io';
import { CairnError } from '@cairn/types';
import type { Repo } from '../repo.js';
import { applyExperiment, type ExpApplyOptions, type ExpApplyResult } from './apply.js';
import { type ExpListEntry, listExperiments } from './list.js';
import { type ExpRef, resolveExperiment } from './refs.js';
import { type ExpRemoveOptions, removeExperiments } from './remove.js';
import { type ExpRunOptions, type ExpRunResult, runExperiment } from './run.js';
import { type ExpShowOptions, type ExpState, showExperiments } from './show.js';

export class Experiments {
  constructor(
    private readonly repo: Repo,
    /** Opens the isolated copy an experiment runs in as a repository of its own. */
    private readonly open: (dir: string) => Repo,
  ) {}

  /** Runs the pipeline with `set` overrides in an isolated copy and records the result. */
  run(options: ExpRunOptions = {}): Promise<ExpRunResult> {
    return runExperiment(this.repo, this.open, options);
  }

  /** Workspace, baseline(s) and experiments with their metrics, params, deps and outs. */
  async show(options: ExpShowOptions = {}): Promise<ExpState[]> {
    const head = this.repo.usesGit ? await headSha(this.repo.root) : undefined;
    return showExperiments(this.repo.root, this.repo.cacheDir, head, options);
  }

  /** Brings an experiment's files and data into the workspace. */
  apply(name: string, options: ExpApplyOptions = {}): Promise<ExpApplyResult> {
    return applyExperiment(this.repo, name, options);
  }

  /** Deletes experiments (their refs); returns what was removed. */
  async remove(names: readonly string[], options: ExpRemoveOptions = {}): Promise<ExpRef[]> {
    return removeExperiments(this.repo.root, await headSha(this.repo.root), names, options);
  }

  /**
   * The commit a revision names: a git revision first (branch, tag, sha), else an experiment
   * (name or full ref), as DVC resolves `exp diff`'s revisions.
   */
  async revision(name: string): Promise<string> {
    const { root } = this.repo;
    try {
      return await resolveRev(root, name);
    } catch (error) {
      if (!(error instanceof CairnError) || error.code !== 'CAIRN_GIT_UNKNOWN_REV') throw error;
    }
    return (await resolveExperiment(root, name, await headSha(root))).rev;
  }

  /** Experiment names of HEAD's baseline, or of every baseline (`allCommits`). */
  async list(options: { allCommits?: boolean } = {}): Promise<ExpListEntry[]> {
    return listExperiments(this.repo.root, await headSha(this.repo.root), options);
  }
}

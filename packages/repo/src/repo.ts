/**
 * The repository façade: one object composing config, cache and (later) remotes and pipelines.
 * The CLI is a thin client of it; any Node program can use it the same way.
 */

import { statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { DvcIgnore } from '@cairn/core-io';
import { CairnError, type DvcConfig, type LinkType } from '@cairn/types';
import {
  CONFIG_LEVELS,
  type ConfigLevel,
  configFiles,
  type LoadedConfig,
  loadConfig,
} from './config/config.js';
import { parseConfigKey, readDocument, setConfigValue, unsetConfigValue } from './config/edit.js';
import type { IniValue } from './config/ini.js';
import { type AddOptions, type AddResult, addTargets } from './data/add.js';
import { addToOut } from './data/add-out.js';
import { type CheckoutOptions, type CheckoutResult, checkoutEntries } from './data/checkout.js';
import { type CommitResult, commitEntries } from './data/commit.js';
import { DataContext, type OperationOptions } from './data/context.js';
import { type DataStatus, type DataStatusOptions, dataStatus } from './data/data-status.js';
import { type DataDiff, type DataDiffOptions, diffData } from './data/diff.js';
import { collectGarbage, type GcOptions, type GcResult } from './data/gc.js';
import { type MoveResult, moveTracked } from './data/move.js';
import { collectEntries, collectTracked, type TrackedEntry, toPosix } from './data/outputs.js';
import { openTracked } from './data/read.js';
import { type RemoveResult, removeTargets } from './data/remove.js';
import { computeStatus, type StatusReport } from './data/status.js';
import { selectEntries, targetEntries } from './data/targets.js';
import { unprotectTargets } from './data/unprotect.js';
import { Experiments } from './experiments/experiments.js';
import { type InstallHooksOptions, installHooks } from './hooks.js';
import { type InitOptions, initRepo } from './init.js';
import { DVC_DIR, findRepoRoot } from './paths.js';
import { setFrozen } from './pipeline/freeze.js';
import { type ReproOptions, type ReproResult, reproduce } from './pipeline/repro.js';
import { addStage, type StageAddOptions, type StageAddResult } from './pipeline/stage-add.js';
import { pipelineStatus } from './pipeline/stage-status.js';
import { type AuditOptions, type AuditResult, auditRemotes } from './remote/audit.js';
import { type CloudStatus, cloudStatus } from './remote/cloud-status.js';
import { collectRemoteGarbage } from './remote/gc-cloud.js';
import { type MirrorOptions, mirrorRemotes } from './remote/mirror.js';
import * as remoteConfig from './remote/remote-config.js';
import { fetchOutputs, pushOutputs, type SyncOptions, type SyncResult } from './remote/sync.js';

export interface OpenOptions {
  env?: NodeJS.ProcessEnv;
}

/** Options of the data operations: progress, cancellation, and where relative targets start. */
export interface DataOptions extends OperationOptions {
  /** Resolves relative targets and display paths (default: the repository root). */
  cwd?: string;
}

/** DVC's default for a local cache (dvc-data `DEFAULT_CACHE_TYPES`). */
export const DEFAULT_LINK_TYPES: readonly LinkType[] = ['reflink', 'copy'];

export interface RemoteInfo {
  name: string;
  url: string;
  isDefault: boolean;
}

/** Options of push / fetch / pull / status -c: the remote, -j, and -a / -T / -A. */
export type RemoteSyncOptions = DataOptions & Omit<SyncOptions, 'targets' | 'cwd'>;

/** What `pull` did: the fetch, then the checkout of the same targets. */
export interface PullResult {
  fetch: SyncResult;
  checkout: CheckoutResult;
}

export class Repo {
  readonly root: string;
  readonly dvcDir: string;
  readonly tmpDir: string;
  readonly env: NodeJS.ProcessEnv;
  private loaded: LoadedConfig | undefined;

  private constructor(root: string, env: NodeJS.ProcessEnv) {
    this.root = root;
    this.dvcDir = join(root, DVC_DIR);
    this.tmpDir = join(this.dvcDir, 'tmp');
    this.env = env;
  }

  /** Opens the repository containing `dir` (searching parent folders for `.dvc/`). */
  static open(dir: string = process.cwd(), options: OpenOptions = {}): Repo {
    return new Repo(findRepoRoot(dir), options.env ?? process.env);
  }

  /** Creates a DVC-compatible repository in `dir` and opens it. */
  static async init(dir: string, options: InitOptions & OpenOptions = {}): Promise<Repo> {
    const result = await initRepo(dir, options);
    return new Repo(result.root, options.env ?? process.env);
  }

  /** The merged, validated config (all levels); re-read after `setConfig`. */
  get config(): DvcConfig {
    return this.loadedConfig().config;
  }

  loadedConfig(): LoadedConfig {
    this.loaded ??= loadConfig(this.dvcDir, this.env, this.root);
    return this.loaded;
  }

  configFile(level: ConfigLevel): string {
    return this.loadedConfig().files[level];
  }

  get cacheDir(): string {
    return this.config.cache?.dir ?? join(this.dvcDir, 'cache');
  }

  /** `cache.shared`: `group` makes the cache's new folders group-writable (0o2775). */
  get cacheShared(): 'group' | undefined {
    return this.config.cache?.shared;
  }

  get linkTypes(): LinkType[] {
    return [...(this.config.cache?.type ?? DEFAULT_LINK_TYPES)];
  }

  /** False when the repository was initialised with --no-scm. */
  get usesGit(): boolean {
    return this.config.core?.no_scm !== true;
  }

  remotes(): RemoteInfo[] {
    const remotes = this.config.remote ?? {};
    const defaultName = this.config.core?.remote?.toLowerCase();
    return Object.entries(remotes).map(([name, section]) => ({
      name,
      url: section.url,
      isDefault: name === defaultName,
    }));
  }

  async setConfig(key: string, value: IniValue, level: ConfigLevel = 'repo'): Promise<void> {
    const { section, option } = parseConfigKey(key);
    const remote = /^remote "(.*)"$/.exec(section)?.[1];
    if (remote !== undefined) {
      remoteConfig.checkRemoteEdit(
        configFiles(this.dvcDir, this.env),
        level,
        remote.toLowerCase(),
        option.toLowerCase(),
        value,
      );
    }
    await setConfigValue(this.configFile(level), level, key, value);
    this.loaded = undefined;
  }

  /** A config value as written in the files (the most specific level wins), or undefined. */
  getConfig(key: string, level?: ConfigLevel): { value: IniValue; level: ConfigLevel } | undefined {
    const { section, option } = parseConfigKey(key);
    const levels = level ? [level] : [...CONFIG_LEVELS].reverse();
    for (const l of levels) {
      const value = readDocument(this.configFile(l)).get(section, option);
      if (value !== undefined) return { value, level: l };
    }
    return undefined;
  }

  /** Every `section.option = value` of one level, or of all levels merged (most specific wins). */
  listConfig(level?: ConfigLevel): Array<{ key: string; value: IniValue; level: ConfigLevel }> {
    const merged = new Map<string, { key: string; value: IniValue; level: ConfigLevel }>();
    for (const l of level ? [level] : CONFIG_LEVELS) {
      const doc = readDocument(this.configFile(l));
      for (const section of doc.sections()) {
        const named = /^\s*(remote|machine|db)\s*"(.*)"\s*$/.exec(section);
        const prefix = named ? `${named[1]}.${named[2]}` : section.trim();
        for (const entry of doc.entries(section)) {
          const key = `${prefix}.${entry.key}`;
          merged.set(key, { key, value: entry.value, level: l });
        }
      }
    }
    return [...merged.values()];
  }

  async unsetConfig(key: string, level: ConfigLevel = 'repo'): Promise<boolean> {
    const removed = await unsetConfigValue(this.configFile(level), key);
    this.loaded = undefined;
    return removed;
  }

  /** Every output and dependency recorded in pointer files and `dvc.lock` files. */
  async trackedEntries(): Promise<TrackedEntry[]> {
    return collectEntries(this.root, this.usesGit);
  }

  /** Track files or folders: cache their content, write `<target>.dvc` and `.gitignore`. */
  async add(
    targets: readonly string[],
    options: DataOptions & AddOptions = {},
  ): Promise<AddResult[]> {
    const cwd = options.cwd ?? this.root;
    return DataContext.run(this, { ...options, write: `add ${targets.join(' ')}` }, async (ctx) =>
      options.out === undefined
        ? addTargets(ctx, targets, cwd, options)
        : [await addToOut(ctx, targets, options.out, cwd, options)],
    );
  }

  /** Restore tracked outputs from the cache (all, or those named by `targets`). */
  async checkout(
    targets: readonly string[] = [],
    options: DataOptions & CheckoutOptions = {},
  ): Promise<CheckoutResult> {
    const cwd = options.cwd ?? this.root;
    const entries = await targetEntries(this.root, this.usesGit, targets, cwd);
    return DataContext.run(this, { ...options, write: 'checkout' }, (ctx) =>
      checkoutEntries(ctx, entries, options, cwd),
    );
  }

  /** What differs between the workspace and pointer files / `dvc.lock` (DVC's status shape). */
  async status(targets: readonly string[] = [], options: DataOptions = {}): Promise<StatusReport> {
    const cwd = options.cwd ?? this.root;
    const { entries: tracked, hasStageFiles } = await collectTracked(this.root, this.usesGit);
    // Stages are compared by the pipeline (command, params, cache flags from dvc.yaml); pointer
    // files by their entries.
    const entries = selectEntries(tracked, targets, cwd).filter((e) => e.source === 'pointer');
    return DataContext.run(this, options, async (ctx) => {
      const report = await computeStatus(ctx, entries, cwd);
      if (!hasStageFiles) return report;
      const stages = await pipelineStatus(ctx, targets, toPosix(relative(this.root, cwd)));
      return { ...stages.report, ...report } as StatusReport;
    });
  }

  /**
   * What changed in cached outputs between two git revisions, or a revision and the workspace
   * (`dvc diff`): added, deleted, modified and renamed files and folders.
   */
  async diff(options: DataOptions & DataDiffOptions = {}): Promise<DataDiff> {
    return DataContext.run(this, options, (ctx) => diffData(ctx, options));
  }

  /**
   * `dvc data status`: what changed between the last commit's pointer files, the workspace's
   * pointer files and the data (committed / uncommitted / not in cache), per file with
   * `granular`.
   */
  async dataStatus(options: DataOptions & DataStatusOptions = {}): Promise<DataStatus> {
    return DataContext.run(this, options, (ctx) => dataStatus(ctx, this, options));
  }

  /** Record the current content of tracked outputs in the cache and their pointers / lock. */
  async commit(targets: readonly string[] = [], options: DataOptions = {}): Promise<CommitResult> {
    const cwd = options.cwd ?? this.root;
    const entries = await targetEntries(this.root, this.usesGit, targets, cwd);
    return DataContext.run(this, { ...options, write: 'commit' }, (ctx) =>
      commitEntries(ctx, entries),
    );
  }

  /**
   * Rename data a pointer file tracks (`dvc move`): the data, the pointer's path (and the pointer
   * itself when it is named after the data) and the `.gitignore` entries.
   */
  async move(source: string, destination: string, options: DataOptions = {}): Promise<MoveResult> {
    return DataContext.run(this, { ...options, write: 'move' }, (ctx) =>
      moveTracked(ctx, source, destination, options.cwd ?? this.root),
    );
  }

  /**
   * Make files or folders editable (`dvc unprotect`): a hardlink or symlink into the cache is
   * replaced by a writable copy, a read-only copy made writable. Returns the files changed.
   */
  async unprotect(targets: readonly string[], options: DataOptions = {}): Promise<string[]> {
    return DataContext.run(this, { ...options, write: 'unprotect' }, () =>
      unprotectTargets(targets, options.cwd ?? this.root),
    );
  }

  /** Stop tracking pointer files or stages (`outs` also deletes the workspace data). */
  async remove(
    targets: readonly string[],
    options: DataOptions & { outs?: boolean } = {},
  ): Promise<RemoveResult> {
    return DataContext.run(this, { ...options, write: 'remove' }, (ctx) =>
      removeTargets(ctx, targets, options.cwd ?? this.root, options),
    );
  }

  /**
   * Bring pipeline stages up to date (`dvc repro`): run what changed, upstream first; cache the
   * outputs, then write dvc.lock; one step manifest per stage run. Holds the repository lock.
   */
  async repro(options: ReproOptions & DataOptions = {}): Promise<ReproResult> {
    return DataContext.run(this, { ...options, write: 'repro' }, (ctx) =>
      reproduce(ctx, { ...options, cwd: options.cwd ?? this.root }),
    );
  }

  /**
   * Add a stage to the `dvc.yaml` of `cwd` (`dvc stage add`), validated with the whole pipeline
   * before the file is written; `.gitignore` entries for its cached outputs.
   */
  async addStage(options: StageAddOptions & DataOptions): Promise<StageAddResult> {
    return DataContext.run(this, { ...options, write: 'stage add' }, (ctx) =>
      addStage(ctx, { ...options, cwd: options.cwd ?? this.root }),
    );
  }

  /**
   * Whether `.dvcignore` excludes each path, and the pattern that decides (`file:line:pattern`),
   * as `dvc check-ignore -d` reports it. Paths are resolved against `cwd`.
   */
  checkIgnore(
    targets: readonly string[],
    options: { cwd?: string } = {},
  ): Array<{ path: string; ignored: boolean; source?: string }> {
    const ignore = new DvcIgnore(this.root);
    return targets.map((path) => {
      const abs = resolve(options.cwd ?? this.root, path);
      const rel = toPosix(relative(this.root, abs));
      if (rel.startsWith('..')) return { path, ignored: false };
      const isDir = statSync(abs, { throwIfNoEntry: false })?.isDirectory() === true;
      return { path, ...ignore.explain(rel, isDir) };
    });
  }

  /** Mark stages or `.dvc` files frozen (`repro` skips them), as `dvc freeze`; returns them. */
  async freeze(targets: readonly string[], options: DataOptions = {}): Promise<string[]> {
    return DataContext.run(this, { ...options, write: 'freeze' }, (ctx) =>
      setFrozen(ctx, targets, true, options.cwd ?? this.root),
    );
  }

  /** Undo `freeze` (`dvc unfreeze`). */
  async unfreeze(targets: readonly string[], options: DataOptions = {}): Promise<string[]> {
    return DataContext.run(this, { ...options, write: 'unfreeze' }, (ctx) =>
      setFrozen(ctx, targets, false, options.cwd ?? this.root),
    );
  }

  /**
   * Git hooks that keep the data in step with git (`dvc install`): checkout after a branch
   * switch, status before a commit, push before a push. Returns the hook files written.
   */
  async installHooks(options: InstallHooksOptions = {}): Promise<string[]> {
    if (!this.usesGit) {
      throw new CairnError('CAIRN_NO_GIT', 'git hooks need git, and this repository has none', {
        hint: 'initialise git first',
      });
    }
    return installHooks(this.root, options);
  }

  /** DVC-style experiments: `run`, `show`, `apply`, `remove`, `list` (src/experiments/). */
  get experiments(): Experiments {
    return new Experiments(this, (dir) => Repo.open(dir, { env: this.env }));
  }

  /** Delete cache objects that nothing in the chosen scope references. */
  async gc(options: DataOptions & GcOptions): Promise<GcResult> {
    return DataContext.run(this, { ...options, write: 'gc' }, async (ctx) => {
      const local = () => collectGarbage(ctx, options);
      if (options.cloud) return collectRemoteGarbage(ctx, this, options, local);
      return (await local()).result;
    });
  }

  /** A stream of a tracked file's bytes (or a file inside a tracked folder), from the cache. */
  async open(path: string, options: DataOptions = {}): Promise<Readable> {
    const abs = resolve(options.cwd ?? this.root, path);
    const entries = await this.trackedEntries();
    return DataContext.run(
      this,
      options,
      async (ctx) => (await openTracked(ctx, entries, abs, path)).stream,
    );
  }

  /** A tracked file's bytes, read from the cache and verified against its hash. */
  async read(path: string, options: DataOptions = {}): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.open(path, options)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  // Remotes: config management, transfers and checks (implemented in src/remote/).

  /** Configured remotes of one level, or of all levels merged; urls are redacted. */
  listRemotes(level?: ConfigLevel): remoteConfig.RemoteListing[] {
    return remoteConfig.listRemotes(configFiles(this.dvcDir, this.env), level);
  }

  /** `core.remote` of one level, or of all levels merged. */
  defaultRemote(level?: ConfigLevel): string | undefined {
    return remoteConfig.getDefaultRemote(configFiles(this.dvcDir, this.env), level);
  }

  async addRemote(
    name: string,
    url: string,
    options: remoteConfig.RemoteAddOptions & { level?: ConfigLevel } = {},
  ): Promise<void> {
    await this.editRemotes((files) =>
      remoteConfig.addRemote(files, options.level ?? 'repo', name, url, options),
    );
  }

  /** Sets a remote option, or removes it when `value` is undefined. Secrets need level `local`. */
  async modifyRemote(
    name: string,
    option: string,
    value: IniValue | undefined,
    level: ConfigLevel = 'repo',
  ): Promise<void> {
    await this.editRemotes((files) => remoteConfig.modifyRemote(files, level, name, option, value));
  }

  /** Sets `core.remote`, or unsets it when `name` is undefined. */
  async setDefaultRemote(name: string | undefined, level: ConfigLevel = 'repo'): Promise<void> {
    await this.editRemotes((files) => remoteConfig.setDefaultRemote(files, level, name));
  }

  async removeRemote(name: string, level: ConfigLevel = 'repo'): Promise<void> {
    await this.editRemotes((files) => remoteConfig.removeRemote(files, level, name));
  }

  async renameRemote(name: string, newName: string, level: ConfigLevel = 'repo'): Promise<void> {
    await this.editRemotes((files) => remoteConfig.renameRemote(files, level, name, newName));
  }

  private async editRemotes(
    edit: (files: Record<ConfigLevel, string>) => Promise<void>,
  ): Promise<void> {
    try {
      await edit(configFiles(this.dvcDir, this.env));
    } finally {
      this.loaded = undefined;
    }
  }

  /** Upload the objects of the chosen outputs that their remotes lack. */
  async push(
    targets: readonly string[] = [],
    options: RemoteSyncOptions = {},
  ): Promise<SyncResult> {
    return DataContext.run(this, { ...options, write: 'push' }, (ctx) =>
      pushOutputs(ctx, this, { ...options, targets }),
    );
  }

  /** Download the objects of the chosen outputs that the cache lacks. */
  async fetch(
    targets: readonly string[] = [],
    options: RemoteSyncOptions = {},
  ): Promise<SyncResult> {
    return DataContext.run(this, { ...options, write: 'fetch' }, (ctx) =>
      fetchOutputs(ctx, this, { ...options, targets }),
    );
  }

  /** `fetch`, then `checkout` of the same targets. */
  async pull(
    targets: readonly string[] = [],
    options: RemoteSyncOptions & CheckoutOptions = {},
  ): Promise<PullResult> {
    const fetched = await this.fetch(targets, options);
    const checkout = await this.checkout(targets, options);
    return { fetch: fetched, checkout };
  }

  /** Compare the cache with the remotes (DVC's `status -c`). */
  async cloudStatus(
    targets: readonly string[] = [],
    options: RemoteSyncOptions = {},
  ): Promise<CloudStatus> {
    return DataContext.run(this, options, (ctx) => cloudStatus(ctx, this, { ...options, targets }));
  }

  /** Copy what remote `to` lacks of the chosen revisions' objects from remote `from`. */
  async mirror(options: DataOptions & MirrorOptions): Promise<SyncResult> {
    return DataContext.run(this, options, (ctx) => mirrorRemotes(ctx, this, options));
  }

  /** Which remotes hold each tracked output completely. */
  async audit(options: DataOptions & AuditOptions = {}): Promise<AuditResult> {
    return DataContext.run(this, options, (ctx) => auditRemotes(ctx, this, options));
  }
}

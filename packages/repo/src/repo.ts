/**
 * The repository façade: one object composing config, cache and (later) remotes and pipelines.
 * The CLI is a thin client of it; any Node program can use it the same way.
 */
import { join } from 'node:path';
import type { DvcConfig, LinkType } from '@cairn/types';
import { type ConfigLevel, type LoadedConfig, loadConfig } from './config/config.js';
import { setConfigValue, unsetConfigValue } from './config/edit.js';
import type { IniValue } from './config/ini.js';
import { type InitOptions, initRepo } from './init.js';
import { DVC_DIR, findRepoRoot } from './paths.js';

export interface OpenOptions {
  env?: NodeJS.ProcessEnv;
}

/** DVC's default for a local cache (dvc-data `DEFAULT_CACHE_TYPES`). */
export const DEFAULT_LINK_TYPES: readonly LinkType[] = ['reflink', 'copy'];

export interface RemoteInfo {
  name: string;
  url: string;
  isDefault: boolean;
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
    await setConfigValue(this.configFile(level), level, key, value);
    this.loaded = undefined;
  }

  async unsetConfig(key: string, level: ConfigLevel = 'repo'): Promise<boolean> {
    const removed = await unsetConfigValue(this.configFile(level), key);
    this.loaded = undefined;
    return removed;
  }
}

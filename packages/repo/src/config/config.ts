/**
 * DVC's layered config: system < global < repo (`.dvc/config`) < local (`.dvc/config.local`).
 * Each level is validated against the DVC schema (unknown keys are errors that name file and
 * line), then merged; relative paths are resolved against the folder of the file that holds them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { CairnError, DvcConfig, validateValue } from '@cairn/types';
import { type IniDocument as IniDoc, IniDocument, type IniValue } from './ini.js';

export type ConfigLevel = 'system' | 'global' | 'repo' | 'local';
export const CONFIG_LEVELS: readonly ConfigLevel[] = ['system', 'global', 'repo', 'local'];

export type RawConfig = Record<
  string,
  Record<string, IniValue> | Record<string, Record<string, IniValue>>
>;

export interface LoadedConfig {
  /** Merged and validated, paths resolved to absolute. */
  config: DvcConfig;
  files: Record<ConfigLevel, string>;
  /** The parsed documents of the levels that exist. */
  documents: Partial<Record<ConfigLevel, IniDoc>>;
}

const NAMED = /^\s*(remote|machine|db)\s*"(.*)"\s*$/;
/** Options that hold paths, resolved against the config file's folder like DVC does. */
const PATH_OPTIONS = new Set([
  'credentialpath',
  'keyfile',
  'configpath',
  'gdrive_service_account_json_file_path',
  'gdrive_user_credentials_file',
]);
const URL_WITH_SCHEME = /^\w+:\/\//;

export function configFiles(
  dvcDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Record<ConfigLevel, string> {
  const xdgConfig = env.XDG_CONFIG_HOME ?? join(homedir(), '.config');
  return {
    system: join(env.DVC_SYSTEM_CONFIG_DIR ?? '/etc/xdg/dvc', 'config'),
    global: join(env.DVC_GLOBAL_CONFIG_DIR ?? join(xdgConfig, 'dvc'), 'config'),
    repo: join(dvcDir, 'config'),
    local: join(dvcDir, 'config.local'),
  };
}

/** Reads one level; a missing file is an empty document. */
export function readConfigDocument(file: string, displayName = file): IniDoc | undefined {
  if (!existsSync(file)) return undefined;
  return IniDocument.parse(readFileSync(file, 'utf8'), displayName);
}

/** Turns an INI document into DVC's nested shape, lower-casing keys as DVC does. */
export function toRawConfig(doc: IniDoc): RawConfig {
  const raw: Record<string, Record<string, unknown>> = {};
  for (const section of doc.sections()) {
    const values: Record<string, IniValue> = {};
    for (const entry of doc.entries(section)) values[entry.key.toLowerCase()] = entry.value;
    const named = NAMED.exec(section);
    if (named) {
      const kind = (named[1] as string).toLowerCase();
      const name = (named[2] as string).toLowerCase();
      raw[kind] ??= {};
      const group = raw[kind] as Record<string, Record<string, IniValue>>;
      group[name] = { ...group[name], ...values };
    } else {
      const key = section.trim().toLowerCase();
      raw[key] = { ...(raw[key] as Record<string, IniValue> | undefined), ...values };
    }
  }
  return raw as RawConfig;
}

/** Loads, validates and merges every level of the config of the repository at `dvcDir`. */
export function loadConfig(
  dvcDir: string,
  env: NodeJS.ProcessEnv = process.env,
  /** Errors name files relative to this folder (the repository root) when inside it. */
  displayRoot?: string,
): LoadedConfig {
  const files = configFiles(dvcDir, env);
  const display = (file: string) => {
    if (displayRoot === undefined) return file;
    const rel = relative(displayRoot, file);
    return rel.startsWith('..') || isAbsolute(rel) ? file : rel;
  };
  const documents: Partial<Record<ConfigLevel, IniDoc>> = {};
  let merged: Record<string, unknown> = {};
  for (const level of CONFIG_LEVELS) {
    const file = files[level];
    const doc = readConfigDocument(file, display(file));
    if (!doc) continue;
    documents[level] = doc;
    const raw = validateDocument(doc, display(file));
    merged = mergeConfig(merged, resolvePaths(raw, dirname(file)));
  }
  const config = validateValue(merged, DvcConfig, display(files.repo));
  return { config, files, documents };
}

/**
 * Validates one level on its own, so an error names the file and the line that holds the key
 * (e.g. `.dvc/config:3: core.remotee: unknown field`). Returns its raw nested shape.
 */
export function validateDocument(doc: IniDoc, file: string): RawConfig {
  const raw = toRawConfig(doc);
  // A level may hold only part of a remote (config.local: just its password); the url is
  // required of the merged config, not of each file.
  const checked = structuredClone(raw) as Record<string, unknown>;
  for (const remote of Object.values(
    (checked.remote ?? {}) as Record<string, Record<string, unknown>>,
  )) {
    remote.url ??= 'url-from-another-level';
  }
  validateValue(checked, DvcConfig, file, (path) => ({
    line: doc.lineOf(sectionName(path), keyName(path)),
    column: 1,
  }));
  return raw;
}

function sectionName(path: readonly PropertyKey[]): string {
  const [kind, name] = path.map(String);
  if ((kind === 'remote' || kind === 'machine' || kind === 'db') && name !== undefined) {
    return `${kind} "${name}"`;
  }
  return kind ?? '';
}

function keyName(path: readonly PropertyKey[]): string | undefined {
  const named = path[0] === 'remote' || path[0] === 'machine' || path[0] === 'db';
  const key = path[named ? 2 : 1];
  return key === undefined ? undefined : String(key);
}

function resolvePaths(raw: RawConfig, base: string): RawConfig {
  const out: Record<string, unknown> = structuredClone(raw);
  const cache = out.cache as Record<string, IniValue> | undefined;
  if (typeof cache?.dir === 'string') cache.dir = resolveLocal(cache.dir, base);
  const remotes = out.remote as Record<string, Record<string, IniValue>> | undefined;
  for (const remote of Object.values(remotes ?? {})) {
    for (const [key, value] of Object.entries(remote)) {
      if (typeof value !== 'string') continue;
      if (key === 'url' || PATH_OPTIONS.has(key)) remote[key] = resolveLocal(value, base);
    }
  }
  return out as RawConfig;
}

function resolveLocal(value: string, base: string): string {
  if (URL_WITH_SCHEME.test(value) || value === '') return value;
  const expanded = value.startsWith('~/') ? join(homedir(), value.slice(2)) : value;
  return isAbsolute(expanded) ? expanded : resolve(base, expanded);
}

/** DVC's `merge`: nested dicts merge, everything else is replaced by the higher level. */
export function mergeConfig(
  low: Record<string, unknown>,
  high: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...low };
  for (const [key, value] of Object.entries(high)) {
    const previous = out[key];
    out[key] =
      isPlainObject(previous) && isPlainObject(value) ? mergeConfig(previous, value) : value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Remote options that are credentials: only ever stored in `config.local` (or env vars). */
export const SECRET_OPTIONS: ReadonlySet<string> = new Set([
  'password',
  'secret_access_key',
  'session_token',
  'access_key_id',
  'account_key',
  'connection_string',
  'sas_token',
  'client_secret',
  'custom_auth_header',
  'gdrive_client_secret',
  'token',
]);

export function assertNotSecret(level: ConfigLevel, key: string, option: string): void {
  if (level === 'repo' && SECRET_OPTIONS.has(option.toLowerCase())) {
    throw new CairnError(
      'CAIRN_CONFIG_SECRET',
      `refusing to store '${key}' in .dvc/config, which is committed to git`,
      {
        hint: 'store credentials with --local (.dvc/config.local, git-ignored) or in environment variables',
      },
    );
  }
}

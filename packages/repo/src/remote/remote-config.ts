/**
 * `cairn remote add|modify|default|list|remove|rename`: DVC's remote sections edited level by
 * level, with DVC's rules (names lower-cased, `-f` to overwrite, `core.remote` kept pointing at
 * a remote that exists) and its messages. Secrets are refused in `.dvc/config` and never echoed.
 */
import { checkRemoteSection, redact } from '@cairn/remote-adapters';
import { CairnError } from '@cairn/types';
import {
  assertNotSecret,
  CONFIG_LEVELS,
  type ConfigLevel,
  mergeConfig,
  SECRET_OPTIONS,
  toRawConfig,
} from '../config/config.js';
import { editConfigFile, readDocument } from '../config/edit.js';
import type { IniDocument, IniValue } from '../config/ini.js';

export type ConfigFiles = Readonly<Record<ConfigLevel, string>>;

/** One configured remote, safe to print: the url has its secrets replaced by `***`. */
export interface RemoteListing {
  name: string;
  url: string;
  isDefault: boolean;
}

export interface RemoteAddOptions {
  /** Also make it `core.remote` at the same level. */
  default?: boolean;
  /** Replace a remote of that name at that level. */
  force?: boolean;
}

type Raw = Record<string, unknown>;
const section = (name: string) => `remote "${name}"`;

/** Merged raw config of `levels` (unvalidated: enough to look names up). */
function readRaw(files: ConfigFiles, levels: readonly ConfigLevel[]): Raw {
  let merged: Raw = {};
  for (const level of levels) merged = mergeConfig(merged, toRawConfig(readDocument(files[level])));
  return merged;
}

/** DVC's `config.read(level)`: one level, or every level merged when none is given. */
function readLevel(files: ConfigFiles, level: ConfigLevel | undefined): Raw {
  return readRaw(files, level ? [level] : CONFIG_LEVELS);
}

/** DVC's `load_config_to_level(level)`: the levels below `level`. */
function levelsBelow(level: ConfigLevel): ConfigLevel[] {
  return CONFIG_LEVELS.slice(0, CONFIG_LEVELS.indexOf(level));
}

function remotesOf(raw: Raw): Record<string, Record<string, IniValue>> {
  return (raw.remote ?? {}) as Record<string, Record<string, IniValue>>;
}

function defaultOf(raw: Raw): string | undefined {
  const value = (raw.core as Record<string, IniValue> | undefined)?.remote;
  return typeof value === 'string' ? value.toLowerCase() : undefined;
}

function missing(name: string): CairnError {
  return new CairnError('CAIRN_REMOTE_UNKNOWN', `remote '${name}' doesn't exist.`, {
    hint: "see the configured remotes with 'cairn remote list'",
    details: { remote: name },
  });
}

/** `remote list` (or `remote default` without a name) at one level, or merged. */
export function listRemotes(files: ConfigFiles, level?: ConfigLevel): RemoteListing[] {
  const raw = readLevel(files, level);
  const byDefault = defaultOf(raw);
  return Object.entries(remotesOf(raw)).map(([name, options]) => ({
    name,
    url: redact(String(options.url ?? '')),
    isDefault: name === byDefault,
  }));
}

export function getDefaultRemote(files: ConfigFiles, level?: ConfigLevel): string | undefined {
  return defaultOf(readLevel(files, level));
}

export async function addRemote(
  files: ConfigFiles,
  level: ConfigLevel,
  name: string,
  url: string,
  options: RemoteAddOptions = {},
): Promise<void> {
  const key = name.toLowerCase();
  await editConfigFile(files[level], (doc) => {
    if (key in remotesOf(toRawConfig(doc))) {
      if (!options.force) {
        throw new CairnError(
          'CAIRN_REMOTE_EXISTS',
          `remote '${key}' already exists. Use \`-f|--force\` to overwrite it.`,
          { details: { remote: key } },
        );
      }
      doc.removeSection(section(key));
    }
    doc.set(section(key), 'url', url);
    if (options.default) doc.set('core', 'remote', key);
  });
}

/** Sets one option of a remote (or removes it with `value` undefined). */
export async function modifyRemote(
  files: ConfigFiles,
  level: ConfigLevel,
  name: string,
  option: string,
  value: IniValue | undefined,
): Promise<void> {
  const key = name.toLowerCase();
  const opt = option.toLowerCase();
  if (value !== undefined) assertNotSecret(level, `remote.${key}.${opt}`, opt);
  const known = readRaw(files, [...levelsBelow(level), level]);
  if (!(key in remotesOf(known))) throw missing(key);
  checkEditOf(known, key, opt, value);
  await editConfigFile(files[level], (doc) => {
    if (value === undefined) doc.unset(section(key), opt);
    else doc.set(section(key), opt, value);
  });
}

/**
 * Refuses an edit of one remote option that DVC would refuse (an unknown option, a bad value):
 * the remote's section as this level and the ones below it would have it, checked like DVC
 * checks a config it writes.
 */
export function checkRemoteEdit(
  files: ConfigFiles,
  level: ConfigLevel,
  name: string,
  option: string,
  value: IniValue | undefined,
): void {
  checkEditOf(readRaw(files, [...levelsBelow(level), level]), name, option, value);
}

/** `checkRemoteEdit` on the merged raw config of those levels, already read. */
function checkEditOf(known: Raw, name: string, option: string, value: IniValue | undefined): void {
  // Removing an option never makes a section invalid, and may be how a bad one is fixed.
  if (value === undefined) return;
  checkRemoteSection(name, { ...remotesOf(known)[name], [option]: value });
}

/** Sets `core.remote` at `level` (or unsets it with `name` undefined). */
export async function setDefaultRemote(
  files: ConfigFiles,
  level: ConfigLevel,
  name: string | undefined,
): Promise<void> {
  if (name === undefined) {
    await editConfigFile(files[level], (doc) => doc.unset('core', 'remote'));
    return;
  }
  const key = name.toLowerCase();
  const known = readRaw(files, [...levelsBelow(level), level]);
  if (!(key in remotesOf(known))) {
    throw new CairnError('CAIRN_REMOTE_UNKNOWN', 'default remote must be present in remote list.', {
      hint: `add it first: cairn remote add ${key} <url>`,
      details: { remote: key },
    });
  }
  await editConfigFile(files[level], (doc) => doc.set('core', 'remote', key));
}

/** Levels whose `core.remote` may point at a remote of `level`: it and the ones above it. */
function shadowingLevels(level: ConfigLevel): ConfigLevel[] {
  return CONFIG_LEVELS.slice(CONFIG_LEVELS.indexOf(level));
}

/**
 * Applies a section edit to the more specific levels too: a `config.local` that holds only the
 * password of a renamed or removed remote would otherwise be left as a section without a url,
 * which makes every later command fail.
 */
async function alsoAbove(
  files: ConfigFiles,
  level: ConfigLevel,
  edit: (doc: IniDocument) => boolean,
): Promise<void> {
  for (const l of shadowingLevels(level).slice(1)) {
    if (!edit(readDocument(files[l]))) continue;
    await editConfigFile(files[l], edit);
  }
}

async function retargetDefault(
  files: ConfigFiles,
  level: ConfigLevel,
  from: string,
  to: string | undefined,
): Promise<void> {
  for (const l of shadowingLevels(level)) {
    if (getDefaultRemote(files, l) !== from) continue;
    await editConfigFile(files[l], (doc) => {
      if (to === undefined) doc.unset('core', 'remote');
      else doc.set('core', 'remote', to);
    });
  }
}

export async function removeRemote(
  files: ConfigFiles,
  level: ConfigLevel,
  name: string,
): Promise<void> {
  const key = name.toLowerCase();
  await editConfigFile(files[level], (doc) => {
    if (!doc.removeSection(section(key))) throw missing(key);
  });
  await alsoAbove(files, level, (doc) => doc.removeSection(section(key)));
  await retargetDefault(files, level, key, undefined);
}

export async function renameRemote(
  files: ConfigFiles,
  level: ConfigLevel,
  name: string,
  newName: string,
): Promise<void> {
  const from = name.toLowerCase();
  const to = newName.toLowerCase();
  if (to in remotesOf(readRaw(files, CONFIG_LEVELS))) {
    throw new CairnError(
      'CAIRN_REMOTE_EXISTS',
      `Rename failed. Remote name '${to}' already exists.`,
      { details: { remote: to } },
    );
  }
  await editConfigFile(files[level], (doc) => {
    if (!doc.renameSection(section(from), section(to))) throw missing(from);
  });
  await alsoAbove(files, level, (doc) => doc.renameSection(section(from), section(to)));
  await retargetDefault(files, level, from, to);
}

/** A value as it may be shown: `***` for credentials. */
export function displayValue(option: string, value: IniValue): IniValue {
  return SECRET_OPTIONS.has(option.toLowerCase()) ? '***' : value;
}

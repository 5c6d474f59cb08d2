/**
 * `cairn config` / `cairn remote ...` edits: one key of one level, written atomically, with the
 * rest of the file (comments, order, unknown keys) left as it was.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '@cairn/core-io';
import { CairnError, CairnParseError, usageError } from '@cairn/types';
import { assertNotSecret, type ConfigLevel, validateDocument } from './config.js';
import { IniDocument, type IniValue } from './ini.js';

export interface ConfigKey {
  /** INI section, e.g. `core` or `remote "storage"`. */
  section: string;
  option: string;
}

/** `core.remote` → core/remote; `remote.storage.url` → `remote "storage"`/url. */
export function parseConfigKey(key: string): ConfigKey {
  const parts = key.split('.');
  const [kind] = parts;
  const named = kind === 'remote' || kind === 'machine' || kind === 'db';
  if (parts.length < 2 || (named && parts.length < 3) || parts.some((p) => p === '')) {
    throw usageError(
      `invalid config key '${key}'`,
      named
        ? `expected '${kind}.<name>.<option>', e.g. 'remote.storage.url'`
        : "expected '<section>.<option>', e.g. 'core.remote'",
    );
  }
  if (named) {
    return { section: `${kind} "${parts.slice(1, -1).join('.')}"`, option: parts.at(-1) as string };
  }
  if (parts.length > 2)
    throw usageError(`invalid config key '${key}'`, "expected '<section>.<option>'");
  return { section: kind as string, option: parts[1] as string };
}

export function readDocument(file: string): IniDocument {
  return existsSync(file)
    ? IniDocument.parse(readFileSync(file, 'utf8'), file)
    : IniDocument.empty();
}

/**
 * Applies `edit` to the document of one level, validates the result against DVC's schema (so
 * neither tool is ever handed a config it rejects) and writes it back atomically.
 */
export async function editConfigFile<T>(
  file: string,
  edit: (doc: IniDocument) => T,
  editedKey?: string,
): Promise<T> {
  const doc = readDocument(file);
  const result = edit(doc);
  try {
    validateDocument(doc, file);
  } catch (error) {
    // The value being set is at fault: say so, rather than point at a line not yet written.
    const issue =
      error instanceof CairnParseError && editedKey !== undefined
        ? error.issues.find((i) => i.path.toLowerCase() === editedKey.toLowerCase())
        : undefined;
    if (issue === undefined) throw error;
    throw new CairnError(
      'CAIRN_CONFIG_VALUE',
      `cannot set ${editedKey}: ${issue.message}; ${file} is unchanged`,
      { details: { file, key: editedKey } },
    );
  }
  await writeFileAtomic(file, doc.toString());
  return result;
}

export async function setConfigValue(
  file: string,
  level: ConfigLevel,
  key: string,
  value: IniValue,
): Promise<void> {
  const { section, option } = parseConfigKey(key);
  assertNotSecret(level, key, option);
  await editConfigFile(file, (doc) => doc.set(section, option, value), key);
}

/** Removes a key; returns false when it was not set at that level. */
export async function unsetConfigValue(file: string, key: string): Promise<boolean> {
  const { section, option } = parseConfigKey(key);
  if (!existsSync(file)) return false;
  return editConfigFile(file, (doc) => doc.unset(section, option));
}

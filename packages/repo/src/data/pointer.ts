/**
 * `.dvc` pointer files. New files are written exactly as `dvc add` writes them; an existing file
 * is edited in place like DVC does (ruamel round trip + `apply_diff`): comments, key order and
 * unknown keys survive, changed values are replaced, new keys are appended.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { stringifyDvcYaml, writeFileAtomicSync } from '@cairn/core-io';
import { type DvcEntry, DvcFile, parseYaml } from '@cairn/types';
import { isMap, isSeq, parseDocument, type YAMLMap } from 'yaml';
import { parseCanonicalPointer } from './canonical-pointer.js';

export const POINTER_SUFFIX = '.dvc';

/** The hash part of an entry as DVC 3 writes it (`Output.dumpd`): md5, size, nfiles, isexec, hash. */
export interface EntryHash {
  md5: string;
  size: number;
  nfiles?: number;
  isexec?: boolean;
}

export interface PointerFile {
  /** Absolute path of the `.dvc` file. */
  file: string;
  /** Text as read, so edits can preserve its formatting. */
  text: string;
  data: DvcFile;
}

export function pointerPathFor(dataPath: string): string {
  return `${dataPath}${POINTER_SUFFIX}`;
}

/** Reads and validates a pointer file; errors name the file, line and field. */
export async function readPointer(file: string, displayRoot?: string): Promise<PointerFile> {
  const text = await readFile(file, 'utf8');
  const display = displayRoot ? relative(displayRoot, file) : file;
  return { file, text, data: parsePointer(text, display) };
}

export function parsePointer(text: string, display: string): DvcFile {
  return parseCanonicalPointer(text) ?? parseYaml(text, DvcFile, { file: display });
}

/** The ordered hash fields of a DVC 3 entry (legacy entries keep their own shape). */
export function hashFields(hash: EntryHash): Record<string, unknown> {
  const fields: Record<string, unknown> = { md5: hash.md5, size: hash.size };
  if (hash.nfiles !== undefined) fields.nfiles = hash.nfiles;
  if (hash.isexec) fields.isexec = true;
  fields.hash = 'md5';
  return fields;
}

/** The text of a brand-new pointer file for one output, byte for byte what `dvc add` writes. */
export function newPointerText(outPath: string, hash: EntryHash): string {
  return stringifyDvcYaml({ outs: [{ ...hashFields(hash), path: outPath }] });
}

/**
 * Applies a new hash to output `index` of an existing pointer text: keys that changed are
 * replaced where they are, new ones appended, `nfiles`/`isexec` dropped when they no longer
 * apply. Everything else (comments, other keys, their order) is kept.
 */
export function updatePointerText(text: string, index: number, hash: EntryHash): string {
  return updateCanonicalPointer(text, index, hash) ?? updatePointerDocument(text, index, hash);
}

/**
 * `updatePointerText` of a pointer in add's canonical shape whose output keeps its keys (only
 * their values change): rendered afresh, which for that shape is exactly the document update,
 * without a YAML round trip per pointer (a commit of a thousand). Undefined otherwise: a key
 * added or dropped lands where the document update puts it.
 */
export function updateCanonicalPointer(
  text: string,
  index: number,
  hash: EntryHash,
): string | undefined {
  const outs = parseCanonicalPointer(text)?.outs;
  const out = outs?.[index];
  if (outs === undefined || out === undefined) return undefined;
  if ((out.nfiles !== undefined) !== (hash.nfiles !== undefined)) return undefined;
  if ((out.isexec === true) !== (hash.isexec === true)) return undefined;
  const entries = outs.map((o, i) => {
    const kept: EntryHash = {
      md5: o.md5 as string,
      size: o.size as number,
      ...(o.nfiles !== undefined ? { nfiles: o.nfiles } : {}),
      ...(o.isexec === true ? { isexec: true } : {}),
    };
    return { ...hashFields(i === index ? hash : kept), path: o.path };
  });
  return stringifyDvcYaml({ outs: entries });
}

/** `updatePointerText` through the YAML document, for any pointer. */
export function updatePointerDocument(text: string, index: number, hash: EntryHash): string {
  const doc = parseDocument(text, { version: '1.2' });
  const outs = doc.get('outs');
  if (!isSeq(outs)) throw new Error('pointer file has no outs list');
  const out = outs.items[index];
  if (!isMap(out)) throw new Error(`outs[${index}] is not a mapping`);
  const wanted = hashFields(hash);
  for (const key of ['nfiles', 'isexec'] as const) {
    if (!(key in wanted) && out.has(key)) out.delete(key);
  }
  for (const [key, value] of Object.entries(wanted)) setKeepingPlace(out, key, value);
  return doc.toString({ indentSeq: false, lineWidth: 0, flowCollectionPadding: false });
}

function setKeepingPlace(map: YAMLMap, key: string, value: unknown): void {
  const node = map.get(key, true);
  if (node !== undefined && typeof node === 'object' && node !== null && 'value' in node) {
    (node as { value: unknown }).value = value;
    return;
  }
  map.set(key, value);
}

/** Writes a pointer for `dataPath` (absolute): fresh, or an in-place update of the existing one. */
export async function writePointer(
  dataPath: string,
  hash: EntryHash,
  existing?: { pointer: PointerFile; index: number },
): Promise<string> {
  const pointer = pointerFileFor(dataPath, hash, existing);
  writeFileAtomicSync(pointer.path, pointer.data);
  return pointer.path;
}

/** The pointer `writePointer` would write (its path and text), for writing many at once. */
export function pointerFileFor(
  dataPath: string,
  hash: EntryHash,
  existing?: { pointer: PointerFile; index: number },
): { path: string; data: string } {
  const path = existing?.pointer.file ?? pointerPathFor(dataPath);
  const data = existing
    ? updatePointerText(existing.pointer.text, existing.index, hash)
    : newPointerText(basename(dataPath), hash);
  return { path, data };
}

/** Absolute path of an output entry of a pointer file (relative to the file's folder and wdir). */
export function outputPathOf(pointer: PointerFile, entry: DvcEntry): string {
  return join(dirname(pointer.file), pointer.data.wdir ?? '.', entry.path);
}

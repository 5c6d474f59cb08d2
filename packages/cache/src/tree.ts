/**
 * Directory objects (`<md5>.dir`), byte-compatible with DVC 3: the list of `{md5, relpath}`
 * entries sorted by relpath in Unicode code-point order, serialised as Python's
 * `json.dumps(entries, sort_keys=True)` (", " and ": " separators, ASCII-only with lowercase
 * `\uXXXX` escapes, no trailing newline). The object id is the md5 of exactly those bytes + `.dir`.
 */
import { createHash } from 'node:crypto';
import { isPlainRelative } from '@cairn/core-io';
import { CairnError } from '@cairn/types';

export interface TreeEntry {
  /** Posix path relative to the directory. */
  relpath: string;
  md5: string;
}

export interface Tree {
  /** `<md5 of bytes>.dir` */
  oid: string;
  entries: TreeEntry[];
  /** The exact bytes stored in the cache. */
  bytes: Buffer;
}

export const DIR_SUFFIX = '.dir';

export function isDirOid(oid: string): boolean {
  return oid.endsWith(DIR_SUFFIX);
}

/**
 * Compares by Unicode code point (Python's str order). JavaScript's `<` compares UTF-16 units,
 * which differs only when an astral character (a surrogate pair) meets U+E000–U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      const xSurrogate = x >= 0xd800 && x <= 0xdfff;
      const ySurrogate = y >= 0xd800 && y <= 0xdfff;
      // An astral code point (>= U+10000) is greater than any BMP character.
      if (xSurrogate !== ySurrogate) return xSurrogate ? 1 : -1;
      return x - y;
    }
  }
  return a.length - b.length;
}

const HAS_SURROGATE = /[\ud800-\udfff]/;

/** Sorts entries in place by relpath, in code-point order (fast native sort when no astral names). */
export function sortEntries(entries: TreeEntry[]): TreeEntry[] {
  if (entries.some((e) => HAS_SURROGATE.test(e.relpath))) {
    return entries.sort((a, b) => compareCodePoints(a.relpath, b.relpath));
  }
  return entries.sort((a, b) => (a.relpath < b.relpath ? -1 : a.relpath > b.relpath ? 1 : 0));
}

const NEEDS_ESCAPE = /[^\x20-\x21\x23-\x5b\x5d-\x7e]/;
const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/** A JSON string literal as Python's json.dumps(ensure_ascii=True) writes it. */
export function pythonJsonString(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return `"${value}"`;
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    const code = value.charCodeAt(i);
    const short = SHORT_ESCAPES[ch];
    if (short !== undefined) out += short;
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Serialises sorted entries exactly as DVC does. `hashName` is the entry key (md5). */
export function serializeTree(entries: readonly TreeEntry[]): Buffer {
  const parts = new Array<string>(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as TreeEntry;
    parts[i] = `{"md5": "${e.md5}", "relpath": ${pythonJsonString(e.relpath)}}`;
  }
  return Buffer.from(`[${parts.join(', ')}]`, 'utf8');
}

/** Sorts the entries, serialises them and computes the `.dir` id. */
export function buildTree(entries: TreeEntry[]): Tree {
  const sorted = sortEntries(entries);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]?.relpath === sorted[i - 1]?.relpath) {
      throw new CairnError(
        'CAIRN_TREE_DUPLICATE',
        `duplicate path in directory: ${sorted[i]?.relpath}`,
      );
    }
  }
  const bytes = serializeTree(sorted);
  const oid = `${createHash('md5').update(bytes).digest('hex')}${DIR_SUFFIX}`;
  return { oid, entries: sorted, bytes };
}

/**
 * Why a relpath from a `.dir` object may not be used, or undefined when it is safe: it must stay
 * inside the directory (no absolute path, no `..`, no empty or `.` segment, no NUL).
 */
export function unsafeRelpath(relpath: string): string | undefined {
  if (relpath.length === 0) return 'empty path';
  if (relpath.includes('\0')) return 'NUL byte in path';
  if (relpath.startsWith('/') || /^[A-Za-z]:[\\/]/.test(relpath)) return 'absolute path';
  const segments = relpath.split('/');
  if (segments.includes('..')) return 'path escapes the directory ("..")';
  if (segments.some((s) => s === '' || s === '.')) return 'empty or "." path segment';
  return undefined;
}

/**
 * Parses a stored `.dir` object. Rejects anything DVC would not have written and every entry
 * whose path would leave the directory, naming the object and the entry.
 */
export function parseTree(bytes: Buffer | string, oid: string): TreeEntry[] {
  const fail = (message: string): never => {
    throw new CairnError('CAIRN_TREE_INVALID', `directory object ${oid} is invalid: ${message}`, {
      hint: 'the cache or remote object is damaged; fetch it again or run `cairn gc` after re-adding',
    });
  };
  let data: unknown;
  try {
    data = JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
  } catch (error) {
    fail(`not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!Array.isArray(data)) fail('expected a JSON list of {md5, relpath}');
  const list = data as unknown[];
  const entries: TreeEntry[] = new Array(list.length);
  // Hand-rolled checks: a checkout parses every entry of folders of 100,000 files.
  for (let index = 0; index < list.length; index++) {
    const item = list[index];
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      fail(`entry ${index} is not an object`);
    }
    const record = item as Record<string, unknown>;
    const { relpath, md5 } = record;
    if (typeof relpath !== 'string') fail(`entry ${index} has no relpath`);
    if (typeof md5 !== 'string' || !isHex32(md5)) {
      fail(`entry ${index} (${String(relpath)}) has no valid md5`);
    }
    if (keyCount(record) !== 2) fail(`entry ${index} (${String(relpath)}) has extra keys`);
    const problem = isPlainRelative(relpath as string)
      ? undefined
      : unsafeRelpath(relpath as string);
    if (problem) {
      throw new CairnError(
        'CAIRN_UNSAFE_PATH',
        `directory object ${oid} has an unsafe entry ${JSON.stringify(relpath)}: ${problem}`,
        { hint: 'refusing to write outside the workspace; the object may be malicious or corrupt' },
      );
    }
    entries[index] = { relpath: relpath as string, md5: (md5 as string).toLowerCase() };
  }
  return entries;
}

/** 32 hex digits, either case. */
function isHex32(text: string): boolean {
  if (text.length !== 32) return false;
  for (let i = 0; i < 32; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) continue;
    const lower = c | 0x20; // folds A-F onto a-f
    if (lower < 97 || lower > 102) return false;
  }
  return true;
}

/** Own enumerable keys of a parsed JSON object, counted without listing them. */
function keyCount(record: Record<string, unknown>): number {
  let n = 0;
  for (const key in record) if (Object.hasOwn(record, key)) n++;
  return n;
}

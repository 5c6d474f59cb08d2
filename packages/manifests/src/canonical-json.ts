/**
 * Canonical JSON: the same value always gives the same bytes, whatever order its keys were
 * inserted in, so its hash identifies a configuration. Object keys are sorted by UTF-16 code
 * units and there is no whitespace; numbers and strings are written as `JSON.stringify` writes
 * them (the rules of RFC 8785, JCS). As in JSON, `toJSON()` is honoured and object members whose
 * value is `undefined` (or a function or symbol) are left out. Values JSON cannot represent
 * faithfully (NaN, ±Infinity, bigint, a cycle, `undefined` in an array) are refused instead of
 * silently becoming `null`, so two different configs never share a hash.
 */
import { createHash } from 'node:crypto';
import { CairnError } from '@cairn/types';

/** The canonical JSON text of `value`. Throws `CAIRN_CONFIG_NOT_JSON` for what JSON cannot hold. */
export function canonicalJson(value: unknown): string {
  return write(value, '$', new Set(), 'config');
}

/** Throws `CAIRN_CONFIG_NOT_JSON` naming `what` (e.g. `metrics`) unless `value` is plain JSON. */
export function assertJson(value: unknown, what: string): void {
  write(value, '$', new Set(), what);
}

/** sha256 (hex) of the canonical JSON of `config`: the manifest's `config_hash`. */
export function configHash(config: unknown): string {
  return createHash('sha256').update(canonicalJson(config), 'utf8').digest('hex');
}

function write(value: unknown, path: string, open: Set<object>, what: string): string {
  const plain = toPlain(value);
  if (plain === null) return 'null';
  switch (typeof plain) {
    case 'string':
    case 'boolean':
      return JSON.stringify(plain);
    case 'number':
      if (!Number.isFinite(plain)) throw notJson(what, path, `${plain} has no JSON form`);
      return JSON.stringify(plain);
    case 'object':
      break;
    default:
      throw notJson(what, path, `a ${typeof plain} has no JSON form`);
  }
  if (open.has(plain)) throw notJson(what, path, 'the value refers to itself (a cycle)');
  open.add(plain);
  let text: string;
  if (Array.isArray(plain)) {
    text = `[${plain.map((item, i) => write(item, `${path}[${i}]`, open, what)).join(',')}]`;
  } else {
    const record = plain as Record<string, unknown>;
    const members: string[] = [];
    for (const key of Object.keys(record).sort(compareCodeUnits)) {
      const member = toPlain(record[key]);
      if (member === undefined || typeof member === 'function' || typeof member === 'symbol') {
        continue;
      }
      members.push(`${JSON.stringify(key)}:${write(member, `${path}.${key}`, open, what)}`);
    }
    text = `{${members.join(',')}}`;
  }
  open.delete(plain);
  return text;
}

function toPlain(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && 'toJSON' in value) {
    const toJSON = (value as { toJSON: unknown }).toJSON;
    if (typeof toJSON === 'function') return toJSON.call(value);
  }
  return value;
}

// Array.prototype.sort's default order compares UTF-16 code units, which is what JCS asks for;
// an explicit comparator keeps that obvious (and independent of locale).
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function notJson(what: string, path: string, why: string): CairnError {
  return new CairnError('CAIRN_CONFIG_NOT_JSON', `${what} value at ${path} is not JSON: ${why}`, {
    hint: `use only objects, arrays, strings, finite numbers, booleans and null in ${what}`,
    details: { what, path },
  });
}

/**
 * Params, metrics and vars files, loaded as DVC loads them (dvc/utils/serialize): the loader is
 * chosen by extension, case-insensitively — `.json` JSON, `.toml` TOML, `.py` Python literals,
 * anything else YAML 1.2 — and numbers keep Python's int/float distinction.
 */
import { extname } from 'node:path';
import { PyFloat } from '@cairn/core-io';
import { CairnParseError, type Locator, parseYamlDocument } from '@cairn/types';
import { parse as parseToml, TomlDate, TomlError } from 'smol-toml';
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, type Node, Scalar } from 'yaml';
import { parseJsonPy } from './json-py.js';
import { parsePythonLiterals } from './py-literal.js';
import { type PyDict, type PyValue, pyFloat, pyInt, pyStr } from './py-value.js';

export type DataFormat = 'yaml' | 'json' | 'toml' | 'py';

export function dataFormatOf(file: string): DataFormat {
  switch (extname(file).toLowerCase()) {
    case '.json':
      return 'json';
    case '.toml':
      return 'toml';
    case '.py':
      return 'py';
    default:
      return 'yaml';
  }
}

/** Parse a params/metrics/vars file; syntax errors are `CAIRN_PARSE` with file:line:col. */
export function parseDataFile(text: string, file: string, format = dataFormatOf(file)): PyValue {
  switch (format) {
    case 'json':
      return parseJsonPy(text, file);
    case 'toml':
      return parseTomlPy(text, file);
    case 'py':
      return parsePythonLiterals(text, file);
    default:
      return loadYamlPy(text, file).data;
  }
}

export interface LoadedYaml {
  data: PyValue;
  locate: Locator;
}

/** YAML 1.2 (as ruamel's safe loader reads it) into Python values, with a locator for errors. */
export function loadYamlPy(text: string, file: string): LoadedYaml {
  const { doc, locate } = parseYamlDocument(text, file);
  return { data: new YamlConverter(doc).convert(doc.contents), locate };
}

// ruamel's YAML 1.2 resolver (also used by core-io's writer): floats need a `.` or an exponent.
const FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)|[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?)$/;
const SPECIAL_FLOAT = /^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const DECIMAL_INT = /^[-+]?[0-9][0-9_]*$/;

class YamlConverter {
  private readonly seen = new Map<Node, PyValue>();

  constructor(private readonly doc: Document) {}

  convert(node: unknown): PyValue {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      return target ? this.convert(target) : null;
    }
    if (isScalar(node)) return scalarValue(node);
    if (isSeq(node)) return node.items.map((item) => this.convert(item));
    if (isMap(node)) {
      const cached = this.seen.get(node);
      if (cached !== undefined) return cached;
      const out: PyDict = {};
      this.seen.set(node, out);
      const merges: PyValue[] = [];
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = this.convert(pair.key);
        if (key === '<<' && isScalar(pair.key) && pair.key.type === Scalar.PLAIN) {
          merges.push(this.convert(pair.value));
          continue;
        }
        out[pyStr(key)] = this.convert(pair.value);
      }
      // Merge keys (`<<: *base`) fill in what the mapping does not set itself.
      for (const merged of merges.flat()) {
        if (merged && typeof merged === 'object' && !Array.isArray(merged)) {
          for (const [k, v] of Object.entries(merged as PyDict)) if (!(k in out)) out[k] = v;
        }
      }
      return out;
    }
    return null;
  }
}

function scalarValue(node: Scalar): PyValue {
  const value = node.value;
  if (node.type !== Scalar.PLAIN || typeof node.source !== 'string') {
    return normalizeScalar(value);
  }
  const source = node.source;
  if (SPECIAL_FLOAT.test(source)) {
    if (source.toLowerCase().endsWith('nan')) return Number.NaN;
    return new PyFloat(source.startsWith('-') ? -Infinity : Infinity);
  }
  if (FLOAT.test(source)) return pyFloat(Number(source.replaceAll('_', '')));
  if (DECIMAL_INT.test(source)) return pyInt(source.replaceAll('_', ''));
  return normalizeScalar(value);
}

function normalizeScalar(value: unknown): PyValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'bigint') {
    return value;
  }
  if (typeof value === 'number') return value;
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

function parseTomlPy(text: string, file: string): PyValue {
  try {
    return fromToml(parseToml(text, { integersAsBigInt: true }));
  } catch (error) {
    if (error instanceof TomlError) {
      throw new CairnParseError('CAIRN_PARSE', file, [
        {
          path: '',
          line: error.line,
          column: error.column,
          message: `invalid TOML: ${error.message.split('\n')[0]}`,
        },
      ]);
    }
    throw error;
  }
}

function fromToml(value: unknown): PyValue {
  if (typeof value === 'bigint') {
    const small = Number(value);
    return Number.isSafeInteger(small) ? small : value;
  }
  if (typeof value === 'number') return pyFloat(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof TomlDate) return value.toISOString();
  if (Array.isArray(value)) return value.map(fromToml);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromToml(v)]));
  }
  return null;
}

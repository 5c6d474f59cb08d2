/**
 * The parse helper: YAML (1.2) or JSON text + a Zod schema → typed value, or one `CairnParseError`
 * that names the file, line:column, the field path and what was expected, e.g.
 *
 *   dvc.yaml:7:16: stages.train.frozen: expected boolean, got string "yes"
 */
import {
  type Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
} from 'yaml';
import type { z } from 'zod';
import { CairnError } from './errors.js';

export type StructuredFormat = 'yaml' | 'json';

export interface ParseOptions {
  /** Shown in messages; use a path relative to the repository root where possible. */
  file: string;
  /** Defaults to JSON for `*.json` files, YAML otherwise (like DVC). */
  format?: StructuredFormat;
}

export interface ParseIssue {
  /** Field path, e.g. `stages.train.outs[0]`; empty for the document itself. */
  path: string;
  line: number;
  column: number;
  message: string;
}

/** A syntax error (`CAIRN_PARSE`) or a schema violation (`CAIRN_SCHEMA`) in a file. */
export class CairnParseError extends CairnError {
  override readonly name = 'CairnParseError';
  readonly file: string;
  readonly issues: readonly ParseIssue[];

  constructor(code: 'CAIRN_PARSE' | 'CAIRN_SCHEMA', file: string, issues: ParseIssue[]) {
    const lines = issues.map(
      (i) => `${file}:${i.line}:${i.column}: ${i.path ? `${i.path}: ` : ''}${i.message}`,
    );
    super(code, lines.join('\n'), { details: { file, issues } });
    this.file = file;
    this.issues = issues;
  }
}

export function formatOf(file: string): StructuredFormat {
  return file.toLowerCase().endsWith('.json') ? 'json' : 'yaml';
}

/** Parse YAML 1.2 text and validate it against `schema`. */
export function parseYaml<S extends z.ZodType>(
  text: string,
  schema: S,
  options: Omit<ParseOptions, 'format'>,
): z.output<S> {
  return parseStructured(text, schema, { ...options, format: 'yaml' });
}

/** Parse JSON text and validate it against `schema`. */
export function parseJson<S extends z.ZodType>(
  text: string,
  schema: S,
  options: Omit<ParseOptions, 'format'>,
): z.output<S> {
  return parseStructured(text, schema, { ...options, format: 'json' });
}

/** Parse YAML or JSON text (by `format`, else by the file's extension) and validate it. */
export function parseStructured<S extends z.ZodType>(
  text: string,
  schema: S,
  options: ParseOptions,
): z.output<S> {
  const { data, locate } = loadDocument(text, options);
  return validate(data, schema, options.file, locate);
}

/** Validate an already-loaded value (e.g. from an INI file) and report field paths without positions. */
export function validateValue<S extends z.ZodType>(
  data: unknown,
  schema: S,
  file: string,
  locate: Locator = () => ({
    line: 1,
    column: 1,
  }),
): z.output<S> {
  return validate(data, schema, file, locate);
}

export type Locator = (
  path: readonly PropertyKey[],
  atKey?: boolean,
) => { line: number; column: number };

export interface YamlDocument {
  doc: Document;
  locate: Locator;
  /** Line and column of a character offset in the text. */
  position(offset: number): { line: number; column: number };
}

/**
 * The YAML 1.2 document tree of a text (a leading BOM skipped), for callers that build values
 * themselves (e.g. to keep Python's int/float distinction) but report positions like
 * `parseYaml`. YAML syntax errors are thrown unless `syntaxErrors: false`.
 */
export function parseYamlDocument(
  text: string,
  file: string,
  { syntaxErrors = true }: { syntaxErrors?: boolean } = {},
): YamlDocument {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, {
    lineCounter,
    version: '1.2',
    uniqueKeys: true,
    prettyErrors: false,
  });
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const first = doc.errors[0];
  if (first && syntaxErrors) {
    throw new CairnParseError('CAIRN_PARSE', file, [
      { path: '', ...position(first.pos[0]), message: `invalid YAML: ${first.message}` },
    ]);
  }
  return {
    doc,
    position,
    locate: (path, atKey) => position(nodeOffset(doc.contents, path, atKey)),
  };
}

function loadDocument(text: string, options: ParseOptions): { data: unknown; locate: Locator } {
  const format = options.format ?? formatOf(options.file);
  const { doc, locate, position } = parseYamlDocument(text, options.file, {
    syntaxErrors: format !== 'json',
  });

  if (format === 'json') {
    const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    try {
      const data: unknown = JSON.parse(source);
      return { data, locate };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const offset = jsonErrorOffset(message, source);
      throw new CairnParseError('CAIRN_PARSE', options.file, [
        { path: '', ...position(offset), message: `invalid JSON: ${cleanJsonMessage(message)}` },
      ]);
    }
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    throw new CairnParseError('CAIRN_PARSE', options.file, [
      {
        path: '',
        line: 1,
        column: 1,
        message: `invalid YAML: ${error instanceof Error ? error.message : String(error)}`,
      },
    ]);
  }
  // An empty document is `null`; callers' schemas decide whether that is acceptable.
  return { data: data ?? null, locate };
}

function validate<S extends z.ZodType>(
  data: unknown,
  schema: S,
  file: string,
  locate: Locator,
): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => describeIssue(issue, data, locate));
  throw new CairnParseError('CAIRN_SCHEMA', file, issues);
}

type ZodIssue = z.core.$ZodIssue;

function describeIssue(
  issue: ZodIssue,
  data: unknown,
  locate: Locator,
  prefix: readonly PropertyKey[] = [],
): ParseIssue {
  let path: readonly PropertyKey[] = [...prefix, ...issue.path];
  let atKey = false;
  let message: string;
  const input = valueAt(data, path);
  switch (issue.code) {
    case 'invalid_type':
      message =
        input.found && input.value !== undefined
          ? `expected ${issue.expected}, got ${describeValue(input.value)}`
          : `required field missing (expected ${issue.expected})`;
      break;
    case 'invalid_union': {
      // When one alternative matched the shape and failed deeper down, its issue is the useful one.
      const deeper = issue.errors
        .filter((branch) => branch.length > 0 && branch.every((sub) => sub.path.length > 0))
        .sort((a, b) => a.length - b.length)[0];
      if (deeper?.[0]) return describeIssue(deeper[0], data, locate, path);
      const expected = unionExpectations(issue);
      message = input.found
        ? `expected ${expected}, got ${describeValue(input.value)}`
        : `required field missing (expected ${expected})`;
      break;
    }
    case 'invalid_value':
      message = `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${describeValue(input.value)}`;
      break;
    case 'unrecognized_keys': {
      path = [...path, issue.keys[0] ?? ''];
      atKey = true;
      message =
        issue.keys.length > 1
          ? `unknown fields ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`
          : 'unknown field';
      break;
    }
    default:
      message = input.found ? `${issue.message}, got ${describeValue(input.value)}` : issue.message;
  }
  return { path: formatPath(path), ...locate(path, atKey), message };
}

function unionExpectations(issue: Extract<ZodIssue, { code: 'invalid_union' }>): string {
  const names = new Set<string>();
  for (const branch of issue.errors) {
    for (const sub of branch) {
      if (sub.code === 'invalid_type') names.add(sub.expected);
      else if (sub.code === 'invalid_value') {
        for (const v of sub.values) names.add(JSON.stringify(v));
      } else names.add(sub.message);
    }
  }
  const list = [...names];
  return list.length <= 1 ? (list[0] ?? 'a valid value') : `one of ${list.join(', ')}`;
}

/** `stages.train.outs[0]`, with keys that are not identifiers quoted: `params["params.yaml"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const key = String(segment);
      if (/^[A-Za-z_][\w-]*$/.test(key)) out += out ? `.${key}` : key;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): { found: boolean; value: unknown } {
  let current: unknown = data;
  for (const segment of path) {
    if (current !== null && typeof current === 'object' && Object.hasOwn(current, segment)) {
      current = (current as Record<PropertyKey, unknown>)[segment];
    } else return { found: false, value: undefined };
  }
  return { found: true, value: current };
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 37)}...` : value;
    return `string ${JSON.stringify(shown)}`;
  }
  return `${typeof value} ${String(value)}`;
}

/**
 * Offset of the deepest node along `path` (the key for a map entry, so a message points at the
 * field's name), or of the closest existing ancestor when the path does not exist.
 */
function nodeOffset(root: Node | null, path: readonly PropertyKey[], atKey = false): number {
  let node: unknown = root;
  let offset = (root as Node | null)?.range?.[0] ?? 0;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment),
      );
      if (!pair) break;
      const keyNode = pair.key as Node;
      offset = keyNode.range?.[0] ?? offset;
      node = pair.value;
      // A scalar value is reported at the value, a nested collection (or an unknown key) at its key.
      if (!atKey && isScalar(node) && node.range) offset = node.range[0];
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (!item) break;
      node = item;
      offset = (item as Node).range?.[0] ?? offset;
    } else break;
  }
  return offset;
}

function jsonErrorOffset(message: string, text: string): number {
  const position = /position (\d+)/.exec(message);
  if (position?.[1]) return Number(position[1]);
  if (/end of (JSON )?input/i.test(message)) return text.length;
  return 0;
}

function cleanJsonMessage(message: string): string {
  return message
    .replace(/ in JSON at position \d+.*$/, '')
    .replace(/ \(line \d+ column \d+\)$/, '');
}

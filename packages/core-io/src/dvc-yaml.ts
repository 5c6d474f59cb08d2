/**
 * YAML text exactly as DVC writes it: DVC dumps with ruamel.yaml's round-trip dumper
 * (`default_flow_style = False`, YAML 1.2 resolver, width 80, unicode allowed). A byte-identical
 * dump keeps `git diff` quiet when Cairn and DVC take turns on the same `dvc.lock` or `.dvc` file.
 *
 * The rules below were established by running that dumper (see scripts/gen-dvc-yaml-cases.py and
 * the fixture it writes); they cover plain data: maps, lists, strings, numbers, booleans, null.
 */

import { PyFloat, pythonFloatRepr } from './py-float.js';

const BEST_WIDTH = 80;
const MAX_SIMPLE_KEY_LENGTH = 128;
const INDENT_STEP = 2;

type ScalarValue = string | number | bigint | boolean | PyFloat | null;

/** Serialise plain data (objects, Maps, arrays, scalars) the way DVC's YAML dumper does. */
export function stringifyDvcYaml(value: unknown): string {
  const out = new Output();
  const node = classify(value);
  if (node.kind === 'map' || node.kind === 'seq') {
    if (node.items.length === 0) return node.kind === 'map' ? '{}\n' : '[]\n';
    if (node.kind === 'map') writeMapping(out, node.items, 0, true);
    else writeSequence(out, node.items, 0, true);
    return `${out.text()}\n`;
  }
  // A plain scalar at the root leaves the document open, so the dumper closes it with `...`.
  const style = writeScalar(out, node.value, { indent: 0, split: true, simpleKey: false });
  return `${out.text()}\n${style === 'plain' ? '...\n' : ''}`;
}

type Node =
  | { kind: 'map'; items: Array<[ScalarValue, unknown]> }
  | { kind: 'seq'; items: unknown[] }
  | { kind: 'scalar'; value: ScalarValue };

function classify(value: unknown): Node {
  if (value === null || value === undefined) return { kind: 'scalar', value: null };
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'bigint':
    case 'boolean':
      return { kind: 'scalar', value };
    case 'object':
      break;
    default:
      throw new TypeError(`stringifyDvcYaml: cannot represent a ${typeof value}`);
  }
  if (value instanceof PyFloat) return { kind: 'scalar', value };
  if (Array.isArray(value)) return { kind: 'seq', items: value };
  if (value instanceof Map) {
    const items: Array<[ScalarValue, unknown]> = [];
    for (const [k, v] of value) items.push([keyOf(k), v]);
    return { kind: 'map', items };
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new TypeError(
      `stringifyDvcYaml: cannot represent an instance of ${value.constructor?.name ?? 'unknown'}`,
    );
  }
  // Like JSON.stringify, keys whose value is undefined are left out.
  const items = Object.entries(value).filter(([, v]) => v !== undefined) as Array<
    [string, unknown]
  >;
  return { kind: 'map', items };
}

function keyOf(key: unknown): ScalarValue {
  switch (typeof key) {
    case 'string':
    case 'number':
    case 'bigint':
    case 'boolean':
      return key;
    default:
      throw new TypeError(`stringifyDvcYaml: a map key must be a scalar, got ${typeof key}`);
  }
}

/** Accumulates text and tracks the column in code points, as Python's `len` counts them. */
class Output {
  private readonly parts: string[] = [];
  column = 0;

  write(text: string): void {
    this.parts.push(text);
    this.column += codePointLength(text);
  }

  /** Ends the line (unless nothing was written yet) and indents the next one. */
  startLine(indent: number): void {
    this.parts.push(this.parts.length === 0 ? ' '.repeat(indent) : `\n${' '.repeat(indent)}`);
    this.column = indent;
  }

  /** A break written by a scalar writer: `brk` itself, then the indentation. */
  lineBreak(brk: string, indent: number): void {
    this.parts.push(brk, ' '.repeat(indent));
    this.column = indent;
  }

  text(): string {
    return this.parts.join('');
  }
}

const HIGH_SURROGATES = /[\uD800-\uDBFF]/g;

function codePointLength(text: string): number {
  return text.length - (text.match(HIGH_SURROGATES)?.length ?? 0);
}

function writeMapping(
  out: Output,
  items: ReadonlyArray<[ScalarValue, unknown]>,
  indent: number,
  continueLine: boolean,
): void {
  let first = true;
  for (const [key, value] of items) {
    if (!(first && continueLine)) out.startLine(indent);
    first = false;
    if (isSimpleKey(key)) {
      writeScalar(out, key, { indent: indent + INDENT_STEP, split: false, simpleKey: true });
      out.write(':');
      writeMappingValue(out, value, indent);
    } else {
      // Long or multi-line keys become explicit `? key` / `: value` pairs.
      out.write('?');
      out.write(' ');
      writeScalar(out, key, { indent: indent + INDENT_STEP, split: true, simpleKey: false });
      out.startLine(indent);
      out.write(':');
      writeInline(out, value, indent + INDENT_STEP, false);
    }
  }
}

function writeMappingValue(out: Output, value: unknown, indent: number): void {
  const node = classify(value);
  if (node.kind === 'map' && node.items.length > 0) {
    writeMapping(out, node.items, indent + INDENT_STEP, false);
  } else if (node.kind === 'seq' && node.items.length > 0) {
    // Sequence dashes stay at the column of the parent key.
    writeSequence(out, node.items, indent, false);
  } else {
    writeInline(out, value, indent + INDENT_STEP, false);
  }
}

function writeSequence(
  out: Output,
  items: readonly unknown[],
  indent: number,
  continueLine: boolean,
): void {
  let first = true;
  for (const item of items) {
    if (!(first && continueLine)) out.startLine(indent);
    first = false;
    out.write('-');
    writeInline(out, item, indent + INDENT_STEP, true);
  }
}

/**
 * A node that starts on the current line after an indicator (`-`, `:`, `? ... :`); `indent` is
 * the column its continuation lines and nested entries use.
 */
function writeInline(out: Output, value: unknown, indent: number, afterDash: boolean): void {
  const node = classify(value);
  if (node.kind === 'scalar') {
    // A null is an empty scalar: nothing after `key:`, but the dumper leaves `- ` in a list.
    if (node.value === null) {
      if (afterDash) out.write(' ');
      return;
    }
    out.write(' ');
    writeScalar(out, node.value, { indent, split: true, simpleKey: false });
    return;
  }
  out.write(' ');
  if (node.items.length === 0) out.write(node.kind === 'map' ? '{}' : '[]');
  else if (node.kind === 'map') writeMapping(out, node.items, indent, true);
  else writeSequence(out, node.items, indent, true);
}

function isSimpleKey(key: ScalarValue): boolean {
  const text = scalarText(key);
  return codePointLength(text) < MAX_SIMPLE_KEY_LENGTH && !analyze(text).multiline;
}

type ScalarStyle = 'plain' | 'single' | 'double';

interface ScalarContext {
  /** Column of continuation lines when a long scalar is folded. */
  indent: number;
  /** Whether folding is allowed (never for simple keys). */
  split: boolean;
  simpleKey: boolean;
}

function writeScalar(out: Output, value: ScalarValue, ctx: ScalarContext): ScalarStyle {
  const text = scalarText(value);
  const style = typeof value === 'string' ? chooseStyle(value, ctx.simpleKey) : 'plain';
  if (style === 'plain') writePlain(out, text, ctx);
  else if (style === 'single') writeSingleQuoted(out, text, ctx);
  else writeDoubleQuoted(out, text, ctx);
  return style;
}

function scalarText(value: ScalarValue): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return value;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'number':
      return numberText(value, false);
    default:
      return numberText(value.value, true);
  }
}

/**
 * Integers print as Python ints; other numbers as Python's `repr(float)`, which differs from
 * JavaScript's `String` in where it switches to exponent notation (`1e-05`, `1.5e+300`).
 * The YAML spellings of the special floats are ruamel's (`.nan`, `.inf`).
 */
function numberText(value: number, isFloat: boolean): string {
  if (Number.isNaN(value)) return '.nan';
  if (value === Number.POSITIVE_INFINITY) return '.inf';
  if (value === Number.NEGATIVE_INFINITY) return '-.inf';
  if (!isFloat && Number.isSafeInteger(value)) return String(value === 0 ? 0 : value);
  return pythonFloatRepr(value);
}

// The implicit resolvers of ruamel.yaml for YAML 1.2, each with the first characters it is tried
// for: a plain string that one of them matches would load as something else, so it is quoted.
const RESOLVERS: ReadonlyArray<{ first: string; pattern: RegExp }> = [
  { first: 'tTfF', pattern: /^(?:true|True|TRUE|false|False|FALSE)$/ },
  {
    first: '-+0123456789.',
    pattern:
      /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)|[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  },
  {
    first: '-+0123456789',
    pattern: /^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+)$/,
  },
  { first: '<', pattern: /^<<$/ },
  { first: '~nN', pattern: /^(?:~|null|Null|NULL)$/ },
  {
    first: '0123456789',
    pattern:
      /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9]{2})?))?)$/,
  },
  { first: '=', pattern: /^=$/ },
  { first: '!&*', pattern: /^[!&*]$/ },
];

function loadsAsString(text: string): boolean {
  if (text === '') return false; // the empty plain scalar is null
  const first = text[0] ?? '';
  return !RESOLVERS.some((r) => r.first.includes(first) && r.pattern.test(text));
}

function chooseStyle(text: string, simpleKey: boolean): ScalarStyle {
  const a = analyze(text);
  if (loadsAsString(text) && !(simpleKey && (a.empty || a.multiline)) && a.allowBlockPlain) {
    return 'plain';
  }
  if (text.includes("'") || text.includes('\n')) return 'double';
  if (a.allowSingleQuoted && !(simpleKey && a.multiline)) return 'single';
  return 'double';
}

interface Analysis {
  empty: boolean;
  multiline: boolean;
  allowBlockPlain: boolean;
  allowSingleQuoted: boolean;
}

const LINE_BREAKS = '\n\u0085\u2028\u2029';
const BLANK_OR_BREAK = '\0 \t\r\n\u0085\u2028\u2029';
const LEADING_INDICATORS = '#,[]{}&*!|>\'"%@`';

function isUnicodePrintable(cp: number): boolean {
  return (
    cp === 0x85 ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

function analyze(text: string): Analysis {
  if (text === '') {
    return { empty: true, multiline: false, allowBlockPlain: true, allowSingleQuoted: true };
  }
  const chars = Array.from(text);
  let blockIndicators = text.startsWith('---') || text.startsWith('...');
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  const last = chars.length - 1;
  for (let i = 0; i <= last; i++) {
    const ch = chars[i] as string;
    const precededByBlank = i === 0 || BLANK_OR_BREAK.includes(chars[i - 1] as string);
    const followedByBlank = i === last || BLANK_OR_BREAK.includes(chars[i + 1] as string);
    if (i === 0) {
      if (LEADING_INDICATORS.includes(ch)) blockIndicators = true;
      if ((ch === '?' || ch === ':' || ch === '-') && followedByBlank) blockIndicators = true;
    } else {
      if (ch === ':' && followedByBlank) blockIndicators = true;
      if (ch === '#' && precededByBlank) blockIndicators = true;
    }
    const isBreak = LINE_BREAKS.includes(ch);
    if (isBreak) lineBreaks = true;
    const cp = ch.codePointAt(0) ?? 0;
    if (ch !== '\n' && !(cp >= 0x20 && cp <= 0x7e)) {
      if (!isUnicodePrintable(cp) || cp === 0xfeff) special = true;
    }
    if (ch === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === last) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak) {
      if (i === 0) leadingBreak = true;
      if (i === last) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
  }
  const edgeBlank = leadingSpace || leadingBreak || trailingSpace || trailingBreak;
  return {
    empty: false,
    multiline: lineBreaks,
    allowBlockPlain: !(
      edgeBlank ||
      breakSpace ||
      special ||
      spaceBreak ||
      lineBreaks ||
      blockIndicators
    ),
    allowSingleQuoted: !(breakSpace || special || spaceBreak),
  };
}

/** Plain style: a single space after column 80 becomes a line break (the space is dropped). */
function writePlain(out: Output, text: string, ctx: ScalarContext): void {
  for (const run of text.split(/( +)/)) {
    if (run === '') continue;
    if (run === ' ' && ctx.split && out.column > BEST_WIDTH) out.lineBreak('\n', ctx.indent);
    else out.write(run);
  }
}

function writeSingleQuoted(out: Output, text: string, ctx: ScalarContext): void {
  out.write("'");
  // Runs of spaces, of line breaks, and of everything else.
  const runs = text.match(/ +|[\n\u0085\u2028\u2029]+|[^ \n\u0085\u2028\u2029]+/g) ?? [];
  let offset = 0;
  for (const run of runs) {
    const atEdge = offset === 0 || offset + run.length === text.length;
    if (run[0] === ' ') {
      if (run.length === 1 && ctx.split && !atEdge && out.column > BEST_WIDTH) {
        out.lineBreak('\n', ctx.indent);
      } else {
        out.write(run);
      }
    } else if (LINE_BREAKS.includes(run[0] as string)) {
      // A break inside single quotes folds; an extra break keeps a `\n` one.
      if (run[0] === '\n') out.lineBreak('\n', 0);
      for (const brk of run) out.lineBreak(brk, 0);
      out.lineBreak('', ctx.indent);
    } else {
      out.write(run.replaceAll("'", "''"));
    }
    offset += run.length;
  }
  out.write("'");
}

const ESCAPES: Readonly<Record<string, string>> = {
  '\0': '0',
  '\x07': 'a',
  '\b': 'b',
  '\t': 't',
  '\n': 'n',
  '\v': 'v',
  '\f': 'f',
  '\r': 'r',
  '\x1b': 'e',
  '"': '"',
  '\\': '\\',
  '\u0085': 'N',
  '\u00a0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

function needsEscape(ch: string): boolean {
  if ('"\\\u0085\u2028\u2029\ufeff'.includes(ch)) return true;
  const cp = ch.codePointAt(0) ?? 0;
  return !(
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd)
  );
}

function escapeChar(ch: string): string {
  const named = ESCAPES[ch];
  if (named !== undefined) return `\\${named}`;
  const cp = ch.codePointAt(0) ?? 0;
  const hex = cp.toString(16).toUpperCase();
  if (cp <= 0xff) return `\\x${hex.padStart(2, '0')}`;
  if (cp <= 0xffff) return `\\u${hex.padStart(4, '0')}`;
  return `\\U${hex.padStart(8, '0')}`;
}

/**
 * Double-quoted style: escapes for control and non-printable characters; a long line is broken
 * before a space with a trailing `\`, and the continuation starts with `\` when it begins with a
 * space, so no whitespace is lost when the text is read back.
 */
function writeDoubleQuoted(out: Output, text: string, ctx: ScalarContext): void {
  out.write('"');
  const chars = Array.from(text);
  const n = chars.length;
  let start = 0;
  for (let end = 0; end <= n; end++) {
    const ch = end < n ? (chars[end] as string) : undefined;
    if (ch === undefined || needsEscape(ch)) {
      if (start < end) {
        out.write(chars.slice(start, end).join(''));
        start = end;
      }
      if (ch !== undefined) {
        out.write(escapeChar(ch));
        start = end + 1;
      }
    }
    const breakable = ch === ' ' || start >= end;
    if (
      ctx.split &&
      end > 0 &&
      end < n - 1 &&
      breakable &&
      out.column + (end - start) > BEST_WIDTH
    ) {
      out.write(`${chars.slice(start, end).join('')}\\`);
      if (start < end) start = end;
      out.lineBreak('\n', ctx.indent);
      if (chars[start] === ' ') out.write('\\');
    }
  }
  out.write('"');
}

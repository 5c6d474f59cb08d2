/**
 * Reads a predictions file's text (CSV with a header, a JSON array of records or an object of
 * columns, or JSON Lines) into typed arrays. Pure: the caller reads the file. Every error names
 * file:line:column and the column or field, like the parse helper of @cairn/types.
 *
 * Records are checked by hand rather than with Zod: this is the trust boundary, but a schema
 * object per row would dominate the cost on files of millions of rows.
 */
import { badOption, describeValue, MetricsError } from './errors.js';
import {
  type JsonPath,
  jsonSyntaxErrorOffset,
  jsonValueOffset,
  lineColumn,
} from './json-locate.js';

export interface ParsePredictionsOptions {
  format: 'csv' | 'json' | 'jsonl';
  /** Column (CSV header name) or field holding the true label: an integer, or true/false. */
  labelColumn: string;
  /** Column holding a score (any number, ±inf allowed). */
  scoreColumn?: string;
  /** Column holding a hard prediction: an integer, or true/false. */
  predictionColumn?: string;
  /** Shown in error messages (default `<input>`). */
  file?: string;
}

export interface ParsedPredictions {
  labels: Int32Array;
  scores?: Float64Array;
  predictions?: Int32Array;
}

type Kind = 'integer' | 'number';
interface Column {
  name: string;
  kind: Kind;
  values: GrowableArray;
}

/** Parses predictions text; see {@link ParsePredictionsOptions}. */
export function parsePredictions(
  text: string,
  options: ParsePredictionsOptions,
): ParsedPredictions {
  const { format, labelColumn, scoreColumn, predictionColumn, file = '<input>' } = options;
  if (scoreColumn === undefined && predictionColumn === undefined) {
    throw badOption('parsePredictions needs scoreColumn or predictionColumn (or both)');
  }
  const estimate = countLines(text);
  const label: Column = {
    name: labelColumn,
    kind: 'integer',
    values: new GrowableArray(true, estimate),
  };
  const score: Column | undefined =
    scoreColumn === undefined
      ? undefined
      : { name: scoreColumn, kind: 'number', values: new GrowableArray(false, estimate) };
  const prediction: Column | undefined =
    predictionColumn === undefined
      ? undefined
      : { name: predictionColumn, kind: 'integer', values: new GrowableArray(true, estimate) };
  const columns = [label, score, prediction].filter((c): c is Column => c !== undefined);
  const names = new Set<string>();
  for (const { name } of columns) {
    if (names.has(name)) throw badOption(`column "${name}" is given for two roles`);
    names.add(name);
  }

  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (format === 'csv') readCsv(source, file, columns);
  else if (format === 'json') readJson(source, file, columns);
  else if (format === 'jsonl') readJsonLines(source, file, columns);
  else throw badOption(`format is ${describeValue(format)}: expected "csv", "json" or "jsonl"`);

  if (label.values.length === 0) {
    throw new MetricsError(
      'CAIRN_METRICS_EMPTY',
      `${file}: no predictions (the file has no data rows)`,
    );
  }
  return {
    labels: label.values.int32(),
    ...(score ? { scores: score.values.float64() } : {}),
    ...(prediction ? { predictions: prediction.values.int32() } : {}),
  };
}

/** A typed array that grows by doubling; the line count is the usual exact size. */
class GrowableArray {
  length = 0;
  private data: Float64Array | Int32Array;

  constructor(integer: boolean, capacity: number) {
    const size = Math.max(capacity, 16);
    this.data = integer ? new Int32Array(size) : new Float64Array(size);
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger =
        this.data instanceof Int32Array
          ? new Int32Array(this.length * 2)
          : new Float64Array(this.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  int32(): Int32Array {
    return Int32Array.from(this.data.subarray(0, this.length));
  }

  float64(): Float64Array {
    return Float64Array.from(this.data.subarray(0, this.length));
  }
}

function countLines(text: string): number {
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

function parseError(file: string, line: number, column: number, message: string): MetricsError {
  return new MetricsError('CAIRN_METRICS_PARSE', `${file}:${line}:${column}: ${message}`, {
    details: { file, line, column },
  });
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INFINITE = /^([+-]?)inf(?:inity)?$/i;
const INTEGRAL = /^[+-]?\d+(?:\.0*)?$/;

/** A CSV field as a number of the column's kind, or a message saying what is wrong. */
function fromText(raw: string, kind: Kind): number | string {
  const text = raw.trim();
  if (kind === 'integer') {
    const lower = text.toLowerCase();
    if (lower === 'true') return 1;
    if (lower === 'false') return 0;
    const value = Number(text);
    if (INTEGRAL.test(text) && value === (value | 0)) return value;
    return `expected an integer label, got ${text === '' ? 'an empty field' : JSON.stringify(raw)}`;
  }
  if (DECIMAL.test(text)) return Number(text);
  const infinite = INFINITE.exec(text);
  if (infinite) return infinite[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  return `expected a number, got ${text === '' ? 'an empty field' : JSON.stringify(raw)}`;
}

/** A JSON value as a number of the column's kind, or a message saying what is wrong. */
function fromJson(value: unknown, kind: Kind): number | string {
  if (kind === 'integer') {
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (typeof value === 'number' && value === (value | 0)) return value;
    return `expected an integer label, got ${describeJson(value)}`;
  }
  if (typeof value === 'number') return value;
  return `expected a number, got ${describeJson(value)}`;
}

function describeJson(value: unknown): string {
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return `string ${describeValue(value)}`;
  if (typeof value === 'number') return String(value);
  return Array.isArray(value) ? 'a list' : 'an object';
}

// ---------------------------------------------------------------------------------------------
// CSV (RFC 4180: comma-separated, double quotes, "" inside quotes; LF or CRLF line ends)

function readCsv(text: string, file: string, columns: readonly Column[]): void {
  let header: string[] | undefined;
  let positions: number[] = [];
  forEachCsvRecord(text, file, (fields, starts, line) => {
    if (!header) {
      header = fields.map((f) => f.trim());
      positions = columns.map(({ name }) => {
        const at = header!.indexOf(name);
        if (at === -1) {
          throw parseError(
            file,
            1,
            1,
            `no column "${name}" in the header (columns: ${header!.join(', ')})`,
          );
        }
        if (header!.indexOf(name, at + 1) !== -1) {
          throw parseError(
            file,
            1,
            starts[header!.indexOf(name, at + 1)]!,
            `column "${name}" appears twice in the header`,
          );
        }
        return at;
      });
      return;
    }
    if (fields.length !== header.length) {
      throw parseError(
        file,
        line,
        1,
        `expected ${header.length} fields as in the header, found ${fields.length}`,
      );
    }
    columns.forEach((column, k) => {
      const at = positions[k]!;
      const value = fromText(fields[at]!, column.kind);
      if (typeof value === 'string') {
        throw parseError(file, line, starts[at]!, `column "${column.name}": ${value}`);
      }
      column.values.push(value);
    });
  });
}

/**
 * Calls `onRecord(fields, startColumns, line)` for each record; blank lines are skipped.
 * `line` is where the record starts; a quoted field may span lines.
 */
function forEachCsvRecord(
  text: string,
  file: string,
  onRecord: (fields: string[], starts: number[], line: number) => void,
): void {
  const n = text.length;
  let i = 0;
  let line = 1;
  let lineStart = 0;
  while (i < n) {
    const recordLine = line;
    const fields: string[] = [];
    const starts: number[] = [];
    for (;;) {
      starts.push(i - lineStart + 1);
      if (text.charCodeAt(i) === 0x22) {
        const openLine = line;
        const openColumn = i - lineStart + 1;
        let value = '';
        let from = i + 1;
        for (;;) {
          const close = text.indexOf('"', from);
          if (close === -1)
            throw parseError(file, openLine, openColumn, 'unterminated quoted field');
          for (
            let nl = text.indexOf('\n', from);
            nl !== -1 && nl < close;
            nl = text.indexOf('\n', nl + 1)
          ) {
            line++;
            lineStart = nl + 1;
          }
          value += text.slice(from, close);
          if (text.charCodeAt(close + 1) === 0x22) {
            value += '"';
            from = close + 2;
            continue;
          }
          i = close + 1;
          break;
        }
        const next = text.charCodeAt(i);
        if (i < n && next !== 0x2c && next !== 0x0a && next !== 0x0d) {
          throw parseError(
            file,
            line,
            i - lineStart + 1,
            'unexpected character after a closing quote',
          );
        }
        fields.push(value);
      } else {
        let end = i;
        while (end < n) {
          const c = text.charCodeAt(end);
          if (c === 0x2c || c === 0x0a || c === 0x0d) break;
          end++;
        }
        fields.push(text.slice(i, end));
        i = end;
      }
      if (text.charCodeAt(i) === 0x2c) {
        i++;
        continue;
      }
      break;
    }
    if (text.charCodeAt(i) === 0x0d) i++;
    if (text.charCodeAt(i) === 0x0a) i++;
    line++;
    lineStart = i;
    if (fields.length === 1 && fields[0]!.trim() === '') continue;
    onRecord(fields, starts, recordLine);
  }
}

// ---------------------------------------------------------------------------------------------
// JSON: an array of records, or an object of equal-length column arrays

function parseJsonText(text: string, file: string, lineOffset = 0): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const offset = jsonSyntaxErrorOffset(text);
    const { line, column } = lineColumn(text, Math.max(offset, 0));
    const reason = error instanceof Error ? cleanJsonMessage(error.message) : String(error);
    throw parseError(file, line + lineOffset, column, `invalid JSON: ${reason}`);
  }
}

function cleanJsonMessage(message: string): string {
  return message
    .replace(/ in JSON at position \d+.*$/, '')
    .replace(/, (?:\.\.\.)?".*" is not valid JSON$/s, '')
    .replace(/ \(line \d+ column \d+\)$/, '');
}

function readJson(text: string, file: string, columns: readonly Column[]): void {
  const data = parseJsonText(text, file);
  const fail = (path: JsonPath, message: string): never => {
    const { line, column } = lineColumn(text, jsonValueOffset(text, path));
    throw parseError(file, line, column, message);
  };
  if (Array.isArray(data)) {
    data.forEach((record: unknown, index) => {
      readRecord(record, columns, (field, message) =>
        fail(
          field === undefined ? [index] : [index, field],
          `record ${index}${field === undefined ? '' : `, field "${field}"`}: ${message}`,
        ),
      );
    });
    return;
  }
  if (data !== null && typeof data === 'object') {
    const table = data as Record<string, unknown>;
    let rows: number | undefined;
    for (const column of columns) {
      const values = table[column.name];
      if (!Object.hasOwn(table, column.name))
        fail([], `no field "${column.name}" (fields: ${Object.keys(table).join(', ')})`);
      if (!Array.isArray(values))
        fail([column.name], `field "${column.name}" must be a list of values`);
      const list = values as unknown[];
      if (rows !== undefined && list.length !== rows) {
        fail(
          [column.name],
          `field "${column.name}" has ${list.length} values, the other columns ${rows}`,
        );
      }
      rows = list.length;
      list.forEach((value, index) => {
        const converted = fromJson(value, column.kind);
        if (typeof converted === 'string')
          fail([column.name, index], `${column.name}[${index}]: ${converted}`);
        else column.values.push(converted);
      });
    }
    return;
  }
  fail([], 'expected an array of records or an object of columns');
}

function readRecord(
  record: unknown,
  columns: readonly Column[],
  fail: (field: string | undefined, message: string) => never,
): void {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    fail(undefined, `expected an object, got ${describeJson(record)}`);
  }
  const fields = record as Record<string, unknown>;
  for (const column of columns) {
    if (!Object.hasOwn(fields, column.name)) fail(undefined, `field "${column.name}" is missing`);
    const converted = fromJson(fields[column.name], column.kind);
    if (typeof converted === 'string') fail(column.name, converted);
    else column.values.push(converted);
  }
}

// ---------------------------------------------------------------------------------------------
// JSON Lines: one record per line, blank lines skipped

function readJsonLines(text: string, file: string, columns: readonly Column[]): void {
  let start = 0;
  for (let line = 1; start <= text.length; line++) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    const content = text.slice(start, end).replace(/\r$/, '');
    start = end + 1;
    if (content.trim() === '') continue;
    const record = parseJsonText(content, file, line - 1);
    readRecord(record, columns, (field, message) => {
      const offset = field === undefined ? content.search(/\S/) : jsonValueOffset(content, [field]);
      throw parseError(
        file,
        line,
        offset + 1,
        field === undefined ? message : `field "${field}": ${message}`,
      );
    });
  }
}

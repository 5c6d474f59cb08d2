/**
 * Diffs and tables of `metrics show|diff` and `params diff`, as DVC prints them
 * (dvc/utils/diff.py, dvc/compare.py, python-tabulate `plain` / `github`): flattened dotted
 * keys, lists shown as Python reprs, floats rounded half-even to `precision` digits, `-` for
 * missing values, columns at least two wider than their header, lines right-stripped.
 */
import { flattenDict } from './interpolate.js';
import {
  isPyDict,
  isPyFloat,
  isPyNumber,
  type PyDict,
  type PyValue,
  pyEquals,
  pyRepr,
  pyRoundFloat,
  pySort,
  pyStr,
  pySubtract,
  pyTruthy,
  toJsonValue,
} from './py-value.js';

/** DVC's `format_dict`: every list becomes its Python repr (`[1, 2]`), recursively. */
export function formatDict(value: PyValue): PyValue {
  if (Array.isArray(value)) return pyRepr(value);
  if (!isPyDict(value)) return value;
  const out: PyDict = {};
  for (const [k, v] of Object.entries(value)) out[k] = formatDict(v);
  return out;
}

export interface DiffItem {
  old: PyValue;
  new: PyValue;
  /** `new - old`, only when both are numbers. */
  diff?: PyValue;
}

/** `{file: {key: {old, new, diff}}}`; a file whose data is not a mapping has the key `""`. */
export type DiffResult = Record<string, Record<string, DiffItem>>;

function diffValues(oldValue: PyValue, newValue: PyValue, all: boolean): DiffItem | undefined {
  if (!all && pyEquals(oldValue, newValue)) return undefined;
  const item: DiffItem = { old: oldValue, new: newValue };
  const numeric = (v: PyValue) => isPyNumber(v) || typeof v === 'boolean';
  if (numeric(oldValue) && numeric(newValue)) {
    item.diff = pySubtract(newValue as number, oldValue as number);
  }
  return item;
}

/** DVC's `_flatten`: keys of a mapping; anything else reads as "unable to parse" per key. */
function flat(data: PyValue | undefined): { values: Map<string, PyValue>; fallback: PyValue } {
  if (!pyTruthy(data)) return { values: new Map(), fallback: null };
  if (isPyDict(data)) return { values: new Map(flattenDict(data)), fallback: null };
  return { values: new Map(), fallback: 'unable to parse' };
}

/** One file's diff (DVC's `_diff`): data are the loaded (then `formatDict`ed) contents. */
function diffFile(
  oldData: PyValue | undefined,
  newData: PyValue | undefined,
  all: boolean,
): Record<string, DiffItem> {
  const out: Record<string, DiffItem> = {};
  if (isPyDict(oldData) || isPyDict(newData)) {
    const o = flat(oldData);
    const n = flat(newData);
    for (const key of new Set([...o.values.keys(), ...n.values.keys()])) {
      const item = diffValues(
        o.values.get(key) ?? o.fallback,
        n.values.get(key) ?? n.fallback,
        all,
      );
      if (item) out[key] = item;
    }
    return out;
  }
  const item = diffValues(oldData ?? null, newData ?? null, all);
  if (item) out[''] = item;
  return out;
}

/**
 * Diff of two revisions' data, `{file: contents}` each (files that failed to load are left
 * out by the caller). Files are in Python string order (DVC's own order is a set's).
 */
export function diffData(
  oldFiles: ReadonlyMap<string, PyValue>,
  newFiles: ReadonlyMap<string, PyValue>,
  { all = false }: { all?: boolean } = {},
): DiffResult {
  const result: DiffResult = {};
  for (const path of pySort(new Set([...oldFiles.keys(), ...newFiles.keys()]))) {
    // A file missing on one side counts as `{}`, as in DVC (`.get("data", {})`).
    const fmt = (v: PyValue | undefined) => (v === undefined ? {} : formatDict(v));
    const d = diffFile(fmt(oldFiles.get(path)), fmt(newFiles.get(path)), all);
    if (Object.keys(d).length > 0) result[path] = d;
  }
  return result;
}

/** The `--json` form of a diff: plain JSON values, `null` for a missing side. */
export function diffToJson(
  diff: DiffResult,
): Record<string, Record<string, Record<string, unknown>>> {
  const out: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const [file, items] of Object.entries(diff)) {
    out[file] = {};
    for (const [key, item] of Object.entries(items)) {
      const target: Record<string, unknown> = {
        old: toJsonValue(item.old),
        new: toJsonValue(item.new),
      };
      if (item.diff !== undefined) target.diff = toJsonValue(item.diff);
      (out[file] as Record<string, unknown>)[key] = target;
    }
  }
  return out;
}

/**
 * DVC's `_format_field`: a float is rounded to `precision` digits (half-even on the exact
 * binary value) and printed as Python does; other values with `str()`.
 */
export function formatField(value: PyValue | undefined, precision?: number): string {
  if (value === undefined || value === null) return pyStr(value ?? null);
  const round = (v: PyValue): PyValue => {
    if (precision && isPyFloat(v)) return pyRoundFloat(v, precision);
    if (Array.isArray(v)) return v.map(round);
    if (isPyDict(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, round(x)]));
    return v;
  };
  return pyStr(round(value));
}

export interface Table {
  headers: string[];
  rows: string[][];
}

export interface DiffTableOptions {
  /** `Metric` or `Param`. */
  title: string;
  aRev?: string;
  bRev?: string;
  /** Keep the `Change` column (metrics; not params). */
  showChanges?: boolean;
  noPath?: boolean;
  /** Round floats to this many digits (metrics: 5 by default). */
  precision?: number;
  /** The Change cell of a value without a difference (not numbers): `-` unless given. */
  onEmptyDiff?: string;
}

/** DVC's `diff_table`: Path, Metric/Param, a_rev, b_rev, Change; keys sorted within a file. */
export function diffTable(diff: DiffResult, options: DiffTableOptions): Table {
  const fill = (v: PyValue | undefined) =>
    v === undefined || v === null ? '-' : formatField(v, options.precision);
  const headers = ['Path', options.title, options.aRev ?? 'HEAD', options.bRev ?? 'workspace'];
  if (options.showChanges !== false) headers.push('Change');
  const rows: string[][] = [];
  for (const [file, items] of Object.entries(diff)) {
    for (const key of pySort(Object.keys(items))) {
      const item = items[key] as DiffItem;
      const row = [file, key, fill(item.old), fill(item.new)];
      if (options.showChanges !== false) {
        row.push('diff' in item ? fill(item.diff) : (options.onEmptyDiff ?? '-'));
      }
      rows.push(row);
    }
  }
  if (options.noPath) return { headers: headers.slice(1), rows: rows.map((r) => r.slice(1)) };
  return { headers, rows };
}

/** One row of `metrics show`: a revision's file and its (flattened) metrics. */
export interface MetricsRow {
  rev?: string;
  path: string;
  data: PyValue;
}

/** DVC's `metrics_table`: [Revision], Path, then every flattened key, sorted. */
export function metricsTable(
  rows: readonly MetricsRow[],
  { precision = 5, withRevision = false }: { precision?: number; withRevision?: boolean } = {},
): Table {
  const flatRows = rows.map((row) => {
    const formatted = formatDict(row.data);
    const cells = new Map<string, string>();
    const entries: Array<[string, PyValue]> = isPyDict(formatted)
      ? flattenDict(formatted)
      : [['', formatted]];
    for (const [k, v] of entries) cells.set(k, formatField(v, precision));
    return { row, cells };
  });
  const keys = pySort(new Set(flatRows.flatMap(({ cells }) => [...cells.keys()])));
  const headers = [...(withRevision ? ['Revision'] : []), 'Path', ...keys];
  return {
    headers,
    rows: flatRows.map(({ row, cells }) => [
      ...(withRevision ? [row.rev ?? ''] : []),
      row.path,
      ...keys.map((k) => cells.get(k) ?? '-'),
    ]),
  };
}

const width = (text: string) => [...text].length;

/**
 * python-tabulate with `disable_numparse=True`: `plain` (columns joined by two spaces) or
 * `github` (`--md`, with a trailing newline, as DVC adds). An empty plain table is ''.
 */
export function renderTable(
  table: Table,
  { markdown = false }: { markdown?: boolean } = {},
): string {
  if (table.rows.length === 0 && !markdown) return '';
  const rows = table.rows.map((r) => r.map((c) => c.trim()));
  const widths = table.headers.map((h, i) =>
    Math.max(width(h) + 2, ...rows.map((r) => width(r[i] ?? ''))),
  );
  const pad = (cells: string[]) => cells.map((c, i) => c + ' '.repeat((widths[i] ?? 0) - width(c)));
  if (!markdown) {
    return [table.headers, ...rows].map((r) => pad(r).join('  ').trimEnd()).join('\n');
  }
  const line = (cells: string[]) => `|${cells.map((c) => ` ${c} `).join('|')}|`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return `${[line(pad(table.headers)), rule, ...rows.map((r) => line(pad(r)))].join('\n')}\n`;
}

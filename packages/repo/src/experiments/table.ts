/**
 * The `exp show` table (dvc/repo/experiments/show.py `tabulate`): Experiment, Created, then a
 * column per metric, then per param. A header is the flattened key, or `<file>:<key>` when the
 * key occurs in more than one file or clashes with a fixed header. Floats print with Python's
 * `.5g`, other values with `str()`, a missing value as `-` and a file that failed to load as `!`.
 * Pure: the clock comes in through `now`.
 */
import {
  flattenDict,
  isPyDict,
  isPyFloat,
  type PyValue,
  pyFormatG,
  pyStr,
  type Table,
  toJsonValue,
} from '@cairn/pipeline';
import type { ExpFileData, ExpState } from './show.js';

export interface ExpTableOptions {
  /** Significant digits of floats (default 5). */
  precision?: number;
  /** "Today" for the Created column (default: the current time). */
  now?: Date;
  /** Name baselines by their short sha instead of their branch or tag (`--sha`). */
  sha?: boolean;
}

const FIXED = ['Experiment', 'Created'];
const MONTHS = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');

/** DVC's Created cell: `%I:%M %p` for today, else `%b %d, %Y`; `-` without a time. */
export function formatCreated(timestamp: string | null, now: Date): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(timestamp ?? '');
  if (!m) return '-';
  const [, year = '', month = '', day = '', hour = '', minute = ''] = m;
  const p = (n: number) => String(n).padStart(2, '0');
  const today = `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
  if (`${year}-${month}-${day}` === today) {
    const h = Number(hour);
    return `${p(h % 12 === 0 ? 12 : h % 12)}:${minute} ${h < 12 ? 'AM' : 'PM'}`;
  }
  return `${MONTHS[Number(month) - 1]} ${day}, ${year}`;
}

/** DVC's `_format_field` with `precision`: floats (also inside lists and dicts) as `.Ng`. */
export function formatCell(value: PyValue | undefined, precision = 5): string {
  if (value === undefined) return '-';
  const format = (v: PyValue): PyValue => {
    if (isPyFloat(v)) return pyFormatG(Number(toJsonValue(v)), precision);
    if (Array.isArray(v)) return v.map(format);
    if (isPyDict(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, format(x)]));
    return v;
  };
  return pyStr(format(value));
}

type Kind = 'metrics' | 'params';
interface Column {
  kind: Kind;
  file: string;
  key: string;
}

/** Every row of the table, in order: workspace, then each baseline followed by its experiments. */
function rowsOf(states: readonly ExpState[]): Array<{ state: ExpState; label: string }> {
  const rows: Array<{ state: ExpState; label: string }> = [];
  for (const state of states) {
    rows.push({ state, label: '' });
    const exps = state.experiments ?? [];
    exps.forEach((range, i) => {
      const tip = range.revs[0];
      if (!tip) return;
      const branch = i === exps.length - 1 ? '└── ' : '├── ';
      rows.push({ state: tip, label: `${branch}${tip.rev.slice(0, 7)} [${range.name}]` });
    });
  }
  return rows;
}

function flat(file: ExpFileData | undefined): Map<string, PyValue> | undefined {
  if (!file || !('data' in file)) return undefined;
  const data = file.data;
  return new Map(isPyDict(data) ? flattenDict(data) : [['', data]]);
}

export function experimentsTable(
  states: readonly ExpState[],
  options: ExpTableOptions = {},
): Table {
  const now = options.now ?? new Date();
  const rows = rowsOf(states);
  const columns: Column[] = [];
  const seen = new Set<string>();
  for (const kind of ['metrics', 'params'] as const) {
    for (const { state } of rows) {
      for (const [file, data] of Object.entries(state.data?.[kind] ?? {})) {
        for (const key of flat(data)?.keys() ?? []) {
          const id = `${kind}\0${file}\0${key}`;
          if (!seen.has(id)) {
            seen.add(id);
            columns.push({ kind, file, key });
          }
        }
      }
    }
  }
  const files = new Map<string, Set<string>>();
  for (const c of columns) files.set(c.key, (files.get(c.key) ?? new Set()).add(c.file));
  const header = (c: Column) =>
    (files.get(c.key)?.size ?? 0) > 1 || FIXED.includes(c.key) || c.key === ''
      ? `${c.file}:${c.key}`.replace(/:$/, '')
      : c.key;

  const body = rows.map(({ state, label }) => {
    const name =
      state.rev === 'workspace'
        ? 'workspace'
        : label || (options.sha || !state.name ? state.rev.slice(0, 7) : state.name);
    const cells = columns.map((c) => {
      if (state.error) return '!';
      const file = state.data?.[c.kind][c.file];
      if (file && 'error' in file) return '!';
      return formatCell(flat(file)?.get(c.key), options.precision);
    });
    return [name, formatCreated(state.data?.timestamp ?? null, now), ...cells];
  });
  return { headers: [...FIXED, ...columns.map(header)], rows: body };
}

import { PyFloat } from '@cairn/core-io';
import { describe, expect, it } from 'vitest';
import {
  type DiffResult,
  diffData,
  diffTable,
  diffToJson,
  formatField,
  metricsTable,
  renderTable,
} from './compare.js';
import { parseDataFile } from './load-data.js';
import type { PyValue } from './py-value.js';
import { pyRound } from './py-value.js';

const yaml = (text: string) => parseDataFile(text, 'x.yaml');
const files = (entries: Record<string, PyValue>) => new Map(Object.entries(entries));

describe('metrics and params diffs (vectors of dvc-plots-metrics-exp.md §2.6)', () => {
  it('prints dvc metrics diff HEAD~2 (tests/func/metrics/test_diff.py test_metrics_diff_cli)', () => {
    const diff = diffData(
      files({ 'm.yaml': yaml('foo: 1.23456789\n') }),
      files({ 'm.yaml': yaml('foo: 3.45678910111213\n') }),
    );
    const table = diffTable(diff, { title: 'Metric', aRev: 'HEAD~2', precision: 5 });
    expect(renderTable(table)).toBe(
      'Path    Metric    HEAD~2    workspace    Change\nm.yaml  foo       1.23457   3.45679      2.22222',
    );
  });

  const defaultDiff: DiffResult = {
    'metrics.yaml': {
      'x.b': { old: 5, new: 6 },
      'a.d.e': { old: 3, new: 4, diff: 1 },
      'a.b.c': { old: 1, new: 2, diff: 1 },
    },
  };

  it('sorts keys and fills a missing change with - (tests/unit/test_compare.py test_diff_default)', () => {
    expect(renderTable(diffTable(defaultDiff, { title: 'Metric', precision: 5 }))).toBe(
      [
        'Path          Metric    HEAD    workspace    Change',
        'metrics.yaml  a.b.c     1       2            1',
        'metrics.yaml  a.d.e     3       4            1',
        'metrics.yaml  x.b       5       6            -',
      ].join('\n'),
    );
  });

  it('prints markdown with a trailing blank line (test_metrics_diff_md)', () => {
    expect(renderTable(diffTable(defaultDiff, { title: 'Metric' }), { markdown: true })).toBe(
      [
        '| Path         | Metric   | HEAD   | workspace   | Change   |',
        '|--------------|----------|--------|-------------|----------|',
        '| metrics.yaml | a.b.c    | 1      | 2           | 1        |',
        '| metrics.yaml | a.d.e    | 3      | 4           | 1        |',
        '| metrics.yaml | x.b      | 5      | 6           | -        |',
        '',
      ].join('\n'),
    );
  });

  it('prints metrics show across revisions with a missing key (test_metrics_show_default)', () => {
    const table = metricsTable(
      [
        { rev: 'branch_1', path: 'metrics.json', data: yaml('{"b": {"ad": 1, "bc": 2}, "c": 4}') },
        { rev: 'branch_2', path: 'metrics.json', data: yaml('{"a": 1, "b": {"ad": 3, "bc": 4}}') },
      ],
      { withRevision: true },
    );
    expect(renderTable(table)).toBe(
      [
        'Revision    Path          a    b.ad    b.bc    c',
        'branch_1    metrics.json  -    1       2       4',
        'branch_2    metrics.json  1    3       4       -',
      ].join('\n'),
    );
  });

  it('formats values as Python prints them', () => {
    // test_diff_falsey_values: old 0, new 0.0, diff 0.0
    const falsey = diffData(files({ m: yaml('x: 0\n') }), files({ m: yaml('x: 0.0\n') }), {
      all: true,
    });
    expect(diffTable(falsey, { title: 'Metric', precision: 5 }).rows).toEqual([
      ['m', 'x', '0', '0.0', '0.0'],
    ]);
    // test_diff_list: lists and dicts print as reprs
    expect(formatField([2, 3])).toBe('[2, 3]');
    expect(formatField(yaml('{foo: 3, bar: 3}'))).toBe("{'foo': 3, 'bar': 3}");
    // test_diff_table_rounding and test_metrics_show_precision
    expect([1.1234, 2.2345, 3.3456].map((v) => formatField(v, 3))).toEqual([
      '1.123',
      '2.235',
      '3.346',
    ]);
    expect(formatField(1.098765366365355, 4)).toBe('1.0988');
    expect(formatField(new PyFloat(2), 5)).toBe('2.0');
    expect(formatField(1e-7, 5)).toBe('0.0');
    expect(formatField(true)).toBe('True');
    expect(pyRound(0.015625, 5)).toBe(0.01562);
    expect(pyRound(2.675, 2)).toBe(2.67);
  });

  it('gives DVC JSON: lists as strings, null for a missing side, diff only for numbers', () => {
    const diff = diffData(
      files({ 'params.yaml': yaml('foo: [bar, baz]\nn: 1\ns: a\ngone: 1\n') }),
      files({ 'params.yaml': yaml('foo: [bar, baz, qux]\nn: 1.5\ns: b\nnew: {x: 1}\n') }),
    );
    expect(diffToJson(diff)).toEqual({
      'params.yaml': {
        foo: { old: "['bar', 'baz']", new: "['bar', 'baz', 'qux']" },
        n: { old: 1, new: 1.5, diff: 0.5 },
        s: { old: 'a', new: 'b' },
        gone: { old: 1, new: null },
        'new.x': { old: null, new: 1 },
      },
    });
    expect(renderTable(diffTable(diff, { title: 'Param', showChanges: false }))).toBe(
      [
        'Path         Param    HEAD            workspace',
        "params.yaml  foo      ['bar', 'baz']  ['bar', 'baz', 'qux']",
        'params.yaml  gone     1               -',
        'params.yaml  n        1               1.5',
        'params.yaml  new.x    -               1',
        'params.yaml  s        a               b',
      ].join('\n'),
    );
  });

  it('prints nothing for an empty plain table, and only the header with --md', () => {
    expect(renderTable(diffTable({}, { title: 'Metric' }))).toBe('');
    expect(renderTable(diffTable({}, { title: 'Metric', noPath: true }), { markdown: true })).toBe(
      '| Metric   | HEAD   | workspace   | Change   |\n|----------|--------|-------------|----------|\n',
    );
  });
});

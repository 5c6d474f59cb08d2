import { PyFloat } from '@cairn/core-io';
import { describe, expect, it } from 'vitest';
import type { ExpRevData, ExpState } from './show.js';
import { experimentsTable, formatCell, formatCreated } from './table.js';

const BASE = 'a'.repeat(40);
const EXP1 = `b${'1'.repeat(39)}`;
const EXP2 = `c${'2'.repeat(39)}`;

function data(
  timestamp: string | null,
  metrics: ExpRevData['metrics'],
  params: ExpRevData['params'],
): ExpRevData {
  return { rev: '', timestamp, metrics, params, deps: {}, outs: {}, meta: {} };
}

const state = (rev: string, name: string | null, d: ExpRevData | null): ExpState => ({
  rev,
  name,
  data: d,
  error: null,
  experiments: null,
});

const NOW = new Date(2026, 0, 2, 15, 0, 0);

describe('experimentsTable', () => {
  it('lays out DVC rows and columns: workspace, baseline, experiments; metrics then params', () => {
    const base = state(
      BASE,
      'main',
      data(
        '2025-12-24T09:30:00',
        { 'metrics.json': { data: { score: 0.5, loss: new PyFloat(1) } } },
        { 'params.yaml': { data: { train: { lr: 0.1, layers: [1, 2] } } } },
      ),
    );
    base.experiments = [
      {
        name: 'brisk-otter',
        executor: null,
        revs: [
          state(
            EXP1,
            'brisk-otter',
            data(
              '2026-01-02T14:05:00',
              { 'metrics.json': { data: { score: 2 / 3, loss: new PyFloat(1234567) } } },
              { 'params.yaml': { data: { train: { lr: 0.2, layers: [1, 2] } } } },
            ),
          ),
        ],
      },
      {
        name: 'calm-fern',
        executor: null,
        revs: [
          state(
            EXP2,
            'calm-fern',
            data(
              '2026-01-02T00:10:00',
              { 'metrics.json': { error: { msg: 'bad', type: 'CAIRN_PARSE' } } },
              { 'params.yaml': { data: { train: { lr: 0.3 } } } },
            ),
          ),
        ],
      },
    ];
    const workspace = state(
      'workspace',
      null,
      data(null, { 'metrics.json': { data: { score: 0.5 } } }, {}),
    );
    const table = experimentsTable([workspace, base], { now: NOW });
    expect(table.headers).toEqual([
      'Experiment',
      'Created',
      'score',
      'loss',
      'train.lr',
      'train.layers',
    ]);
    expect(table.rows).toEqual([
      ['workspace', '-', '0.5', '-', '-', '-'],
      ['main', 'Dec 24, 2025', '0.5', '1', '0.1', '[1, 2]'],
      ['├── b111111 [brisk-otter]', '02:05 PM', '0.66667', '1.2346e+06', '0.2', '[1, 2]'],
      ['└── c222222 [calm-fern]', '12:10 AM', '!', '!', '0.3', '-'],
    ]);
    expect(experimentsTable([workspace, base], { now: NOW, sha: true }).rows[1]?.[0]).toBe(
      'aaaaaaa',
    );
  });

  it('qualifies a key found in several files with its file', () => {
    const s = state(
      BASE,
      null,
      data(
        null,
        { 'a.json': { data: { acc: 1 } }, 'b.json': { data: { acc: 2, f1: 3 } } },
        { 'params.yaml': { data: { Created: 'x' } } },
      ),
    );
    expect(experimentsTable([s], { now: NOW }).headers).toEqual([
      'Experiment',
      'Created',
      'a.json:acc',
      'b.json:acc',
      'f1',
      'params.yaml:Created',
    ]);
  });
});

describe('cells', () => {
  it('format floats with .5g (also inside lists), other values with str()', () => {
    expect(formatCell(0.123456789)).toBe('0.12346');
    expect(formatCell(new PyFloat(3))).toBe('3');
    expect(formatCell(3)).toBe('3');
    expect(formatCell(true)).toBe('True');
    expect(formatCell('adam')).toBe('adam');
    expect(formatCell([0.5, 1])).toBe("['0.5', 1]");
    expect(formatCell(undefined)).toBe('-');
  });

  it('print Created as DVC does: a time today, else a date', () => {
    expect(formatCreated('2026-01-02T00:05:09', NOW)).toBe('12:05 AM');
    expect(formatCreated('2026-01-02T12:59:00', NOW)).toBe('12:59 PM');
    expect(formatCreated('2026-01-01T23:59:00', NOW)).toBe('Jan 01, 2026');
    expect(formatCreated(null, NOW)).toBe('-');
  });
});

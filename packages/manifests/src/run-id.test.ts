import { describe, expect, it } from 'vitest';
import { compareRunIds, formatRunTimestamp, parseRunId, runIdFor } from './run-id.js';

describe('run ids', () => {
  const date = new Date('2026-11-25T10:15:02.789Z');

  it('formats the UTC second in ISO 8601 basic format, safe as a folder name', () => {
    expect(formatRunTimestamp(date)).toBe('20261125T101502Z');
    expect(runIdFor(date, 0)).toBe('20261125T101502Z');
    expect(runIdFor(date, 3)).toBe('20261125T101502Z-3');
  });

  it('parses what it formats and nothing else', () => {
    expect(parseRunId('20261125T101502Z-12')).toEqual({
      createdAt: new Date('2026-11-25T10:15:02Z'),
      sequence: 12,
    });
    for (const bad of ['20261125T101502', '20261325T101502Z', '20261125T101502Z-0', 'x', '.tmp']) {
      expect(parseRunId(bad)).toBeUndefined();
    }
  });

  it('orders by time, then by sequence number', () => {
    const ids = [
      '20261125T101502Z-10',
      '20261125T101503Z',
      '20261125T101502Z-2',
      '20261125T101502Z',
    ];
    expect(ids.sort(compareRunIds)).toEqual([
      '20261125T101502Z',
      '20261125T101502Z-2',
      '20261125T101502Z-10',
      '20261125T101503Z',
    ]);
  });
});

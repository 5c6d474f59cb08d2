import { describe, expect, it } from 'vitest';
import { BENCHES, dispatch } from './cli.js';

describe('bench dispatcher', () => {
  it('lists the benches when no name is given', async () => {
    const lines: string[] = [];
    expect(await dispatch([], (line) => lines.push(line))).toBe(0);
    expect(lines[0]).toBe('usage: pnpm bench <name> [options]');
    expect(lines.some((line) => line.startsWith('  metrics  '))).toBe(true);
    expect(Object.keys(BENCHES)).toContain('metrics');
  });

  it('refuses an unknown bench with exit code 2', async () => {
    const lines: string[] = [];
    expect(await dispatch(['nope'], (line) => lines.push(line))).toBe(2);
    expect(lines[0]).toBe('unknown bench "nope"');
  });

  it('runs the metrics bench on a small n and ends with the two ratios', async () => {
    const lines: string[] = [];
    await dispatch(['metrics', '--n', '20000', '--runs', '1'], (line) => lines.push(line));
    expect(lines.at(-2)).toMatch(/^ratio threshold-sweep\/sort: \d+\.\d\d \(target <= 2\.0\)$/);
    expect(lines.at(-1)).toMatch(/^ratio roc-auc\/sort: \d+\.\d\d \(target <= 2\.0\)$/);
  });
});

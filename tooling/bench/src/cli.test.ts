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

  it("prints a bench's options for --help, and refuses an unknown one with exit code 2", async () => {
    const help: string[] = [];
    expect(await dispatch(['data', '--help'], (line) => help.push(line))).toBe(0);
    expect(help[0]).toBe('usage: pnpm bench data [options]');
    expect(
      help.some((line) => /^ {2}--status-files N +unchanged files for status/.test(line)),
    ).toBe(true);
    const refused: string[] = [];
    expect(await dispatch(['walk', '--filez', '10'], (line) => refused.push(line))).toBe(2);
    expect(refused[0]).toBe('bench walk: unknown argument --filez');
    expect(refused[1]).toBe('usage: pnpm bench walk [options]');
    const runs: string[] = [];
    expect(await dispatch(['hash', '--runs', 'two'], (line) => runs.push(line))).toBe(2);
    expect(runs[0]).toBe('bench hash: --runs needs a positive integer, got two');
  });
});

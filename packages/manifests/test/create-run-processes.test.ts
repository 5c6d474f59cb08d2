import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers.js';
import { runChild } from './processes.js';

const PROCESSES = 8;

async function racingRuns(root: string, at?: string): Promise<string[]> {
  const runs = await Promise.all(
    Array.from({ length: PROCESSES }, () =>
      runChild('create-run.mjs', at === undefined ? [root] : [root, at]),
    ),
  );
  for (const run of runs) expect(run, run.stderr).toMatchObject({ code: 0 });
  return runs.map((r) => r.stdout.trim());
}

describe('createRun across processes', () => {
  it('gives processes starting in the same second distinct folders', async () => {
    const root = await tempDir();
    const dirs = await racingRuns(root, '2026-11-25T10:15:02.000Z');
    expect(new Set(dirs).size).toBe(PROCESSES);
    expect(dirs.map((d) => basename(d)).sort()).toEqual(
      [
        '20261125T101502Z',
        ...Array.from({ length: PROCESSES - 1 }, (_, i) => `20261125T101502Z-${i + 1}`),
      ].sort(),
    );
    expect((await readdir(join(root, 'runs/race'))).length).toBe(PROCESSES);
  });

  it('gives distinct folders on the real clock too', async () => {
    const root = await tempDir();
    const dirs = await racingRuns(root);
    expect(new Set(dirs).size).toBe(PROCESSES);
    expect((await readdir(join(root, 'runs/race'))).length).toBe(PROCESSES);
  });
});

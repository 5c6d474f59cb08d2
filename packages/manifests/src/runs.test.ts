import { readdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/helpers.js';
import { createRun, listRuns } from './runs.js';
import { beginStep } from './step.js';

const NOW = new Date('2026-11-25T10:15:02.500Z');

describe('createRun', () => {
  it('creates runs/<experiment>/<UTC timestamp>/', async () => {
    const root = await tempDir();
    const run = await createRun({ root, experiment: 'mnist', now: NOW });
    expect(relative(root, run.dir)).toBe('runs/mnist/20261125T101502Z');
    expect(run).toMatchObject({
      experiment: 'mnist',
      runId: '20261125T101502Z',
      createdAt: new Date('2026-11-25T10:15:02Z'),
    });
    expect(await readdir(run.dir)).toEqual([]);
  });

  it('gives concurrent runs of the same second distinct folders', async () => {
    const root = await tempDir();
    const runs = await Promise.all(
      Array.from({ length: 20 }, () => createRun({ root, experiment: 'e', now: NOW })),
    );
    const ids = runs.map((r) => r.runId).sort();
    expect(new Set(ids).size).toBe(20);
    expect(ids).toContain('20261125T101502Z');
    expect(ids).toContain('20261125T101502Z-19');
    expect((await readdir(join(root, 'runs/e'))).length).toBe(20);
  });

  it('never reuses a folder, even an empty one', async () => {
    const root = await tempDir();
    const first = await createRun({ root, experiment: 'e', now: NOW });
    const second = await createRun({ root, experiment: 'e', now: NOW });
    expect(second.runId).toBe('20261125T101502Z-1');
    expect(second.dir).not.toBe(first.dir);
  });

  it('refuses experiment names that are not one safe folder name', async () => {
    const root = await tempDir();
    for (const experiment of ['', '..', 'a/b', '.hidden', 'x y']) {
      await expect(createRun({ root, experiment })).rejects.toMatchObject({
        code: 'CAIRN_INVALID_NAME',
      });
    }
  });
});

describe('listRuns', () => {
  it('lists runs in time order with the status of each step', async () => {
    const root = await tempDir();
    const later = await createRun({ root, experiment: 'b', now: new Date('2026-11-25T11:00:00Z') });
    const earlier = await createRun({ root, experiment: 'b', now: NOW });
    await (await beginStep({ root, runDir: earlier, name: 'train' })).commit();
    await beginStep({ root, runDir: earlier, name: 'eval' });
    const broken = await beginStep({ root, runDir: later, name: 'x' });
    await writeFile(join(broken.dir, 'manifest.json'), '{');
    await createRun({ root, experiment: 'a', now: NOW });

    const runs = await listRuns({ root });
    expect(runs.map((r) => `${r.experiment}/${r.runId}`)).toEqual([
      'a/20261125T101502Z',
      'b/20261125T101502Z',
      'b/20261125T110000Z',
    ]);
    expect(runs[1]?.createdAt).toBe('2026-11-25T10:15:02Z');
    expect(runs[1]?.steps.map((s) => [s.name, s.status])).toEqual([
      ['eval', 'incomplete'],
      ['train', 'succeeded'],
    ]);
    expect(runs[2]?.steps[0]).toMatchObject({
      status: 'invalid',
      error: expect.stringContaining('invalid JSON'),
    });
    expect((await listRuns({ root, experiment: 'a' })).length).toBe(1);
    expect(await listRuns({ root: join(root, 'nowhere') })).toEqual([]);
  });
});

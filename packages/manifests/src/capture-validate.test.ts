import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tempDir, writeCapture } from '../test/helpers.js';
import { validateCapture } from './capture-validate.js';

describe('validateCapture', () => {
  it('accepts a consistent capture and counts its lines', async () => {
    const dir = await writeCapture(await tempDir(), { extra: { 'video/ep0.mp4': 'mp4' } });
    expect(await validateCapture(dir)).toEqual({
      ok: true,
      run_id: 'cap-001',
      experiment: 'grasp',
      declared: { n_steps: 5, n_episodes: 2 },
      counted: { steps: 5, episodes: 2 },
      files: ['episodes.jsonl.gz', 'run.json', 'steps.jsonl.gz', 'video/ep0.mp4'],
      errors: [],
      errors_omitted: 0,
    });
  });

  it('reports a line that is not JSON with file, line and column', async () => {
    const dir = await writeCapture(await tempDir(), {
      stepLines: (lines) => lines.map((l, i) => (i === 2 ? '{"episode": 0, "step": 2,' : l)),
    });
    const report = await validateCapture(dir);
    expect(report.ok).toBe(false);
    expect(report.errors).toEqual([
      {
        file: 'steps.jsonl.gz',
        line: 3,
        column: 26,
        message: expect.stringMatching(/^invalid JSON/),
      },
    ]);
  });

  it('reports corrupt gzip data with file and line', async () => {
    const dir = await writeCapture(await tempDir(), { episodes: [400, 400] });
    const lines = Array.from({ length: 800 }, (_, i) =>
      JSON.stringify({ episode: i < 400 ? 0 : 1, step: i % 400, pad: 'x'.repeat(i % 50) }),
    );
    const gz = gzipSync(`${lines.join('\n')}\n`);
    gz[gz.length - 8] = (gz[gz.length - 8] as number) ^ 0xff; // the CRC of the data
    await writeFile(join(dir, 'steps.jsonl.gz'), gz);
    const report = await validateCapture(dir);
    expect(report.errors).toEqual([
      {
        file: 'steps.jsonl.gz',
        line: expect.any(Number),
        message: 'gzip data is corrupt: incorrect data check',
      },
    ]);
    expect(report.errors[0]?.line).toBeGreaterThan(1);
  });

  it('reports a missing required field with its line and field', async () => {
    const dir = await writeCapture(await tempDir(), {
      stepLines: (lines) => lines.map((l, i) => (i === 3 ? '{"episode": 1, "obs": []}' : l)),
      episodeLines: (lines) => [lines[0] as string, '{"n_steps": 2}'],
    });
    const report = await validateCapture(dir);
    expect(report.errors).toContainEqual({
      file: 'steps.jsonl.gz',
      line: 4,
      column: 1,
      field: 'step',
      message: 'required field missing (expected number)',
    });
    expect(report.errors).toContainEqual({
      file: 'episodes.jsonl.gz',
      line: 2,
      column: 1,
      field: 'episode',
      message: 'required field missing (expected number)',
    });
  });

  it('reports count mismatches against run.json and per episode', async () => {
    const dir = await writeCapture(await tempDir(), { run: { n_steps: 6, n_episodes: 3 } });
    const report = await validateCapture(dir);
    expect(report.errors).toEqual([
      {
        file: 'run.json',
        line: 5,
        column: 3,
        field: 'n_steps',
        message: 'n_steps is 6 but steps.jsonl.gz has 5 lines',
      },
      {
        file: 'run.json',
        line: 6,
        column: 3,
        field: 'n_episodes',
        message: 'n_episodes is 3 but episodes.jsonl.gz has 2 lines',
      },
    ]);

    const uneven = await writeCapture(await tempDir(), {
      episodeLines: () => ['{"episode":0,"n_steps":4}', '{"episode":1,"n_steps":2}'],
    });
    expect((await validateCapture(uneven)).errors).toEqual([
      {
        file: 'episodes.jsonl.gz',
        line: 1,
        field: 'n_steps',
        message: 'episode 0 declares n_steps 4 but steps.jsonl.gz has 3 lines for it',
      },
    ]);
  });

  it('checks episode ids and step order', async () => {
    const dir = await writeCapture(await tempDir(), {
      episodeLines: (lines) => [...lines, '{"episode":1,"n_steps":0}'],
      stepLines: (lines) => [
        ...lines.slice(0, 1),
        '{"episode":0,"step":2}',
        '{"episode":9,"step":0}',
        ...lines.slice(2),
      ],
      run: { n_steps: 6, n_episodes: 3 },
    });
    const messages = (await validateCapture(dir)).errors.map(
      (e) => `${e.file}:${e.line}: ${e.message}`,
    );
    expect(messages).toEqual([
      'episodes.jsonl.gz:3: episode 1 is already defined at line 2',
      'steps.jsonl.gz:2: step 2 of episode 0 is out of order (expected 1)',
      'steps.jsonl.gz:3: episode 9 is not in episodes.jsonl.gz',
    ]);
  });

  it('reports missing files, a bad run.json and the reserved manifest name', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'run.json'), '{"run_id": "../x", "experiment": "e"}');
    await writeFile(join(dir, 'manifest.json'), '{}');
    const report = await validateCapture(dir);
    expect(report.run_id).toBeNull();
    expect(
      report.errors.map((e) => `${e.file}:${e.line ?? ''}: ${e.field ?? ''}: ${e.message}`),
    ).toEqual([
      'manifest.json:: : reserved for the ingest manifest',
      'steps.jsonl.gz:: : required file is missing',
      'episodes.jsonl.gz:: : required file is missing',
      expect.stringMatching(/^run\.json:1: run_id: expected a name/),
      'run.json:1: n_steps: required field missing (expected number)',
      'run.json:1: n_episodes: required field missing (expected number)',
    ]);
  });

  it('lists at most maxErrors errors and counts the rest', async () => {
    const dir = await writeCapture(await tempDir(), {
      stepLines: (lines) => lines.map(() => 'nope'),
    });
    const report = await validateCapture(dir, { maxErrors: 2 });
    expect(report.errors.length).toBe(2);
    expect(report.errors_omitted).toBe(3);
  });
});

import { spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeCapture } from '../test/helpers.js';
import { CaptureInvalidError, ingestCapture } from './capture-ingest.js';
import { verifyManifest } from './verify.js';

async function sameBytes(a: string, b: string, files: string[]) {
  for (const f of files) expect(await readFile(join(b, f))).toEqual(await readFile(join(a, f)));
}

describe('ingestCapture', () => {
  it('copies a valid capture byte for byte, with a manifest that verifies', async () => {
    const root = await tempDir();
    const source = await writeCapture(join(root, 'incoming/c1'), {
      extra: { 'logs/agent.log': 'hello\n' },
    });
    const result = await ingestCapture({ source, root });
    expect(result.status).toBe('ingested');
    expect(result.dir).toBe(join(root, 'data/captures/grasp/cap-001'));
    const files = ['episodes.jsonl.gz', 'logs/agent.log', 'run.json', 'steps.jsonl.gz'];
    await sameBytes(source, result.dir, files);
    expect((await readdir(result.dir)).sort()).toEqual([
      'episodes.jsonl.gz',
      'logs',
      'manifest.json',
      'run.json',
      'steps.jsonl.gz',
    ]);
    expect(Object.keys(result.manifest.outputs)).toEqual(files.sort());
    expect(result.manifest).toMatchObject({
      run_id: 'cap-001',
      experiment: 'grasp',
      step_name: 'ingest',
      metrics: { n_steps: 5, n_episodes: 2, files: 4 },
      extra: { source, validation: { ok: true, counted: { steps: 5, episodes: 2 } } },
    });
    expect(await verifyManifest(result.dir)).toMatchObject({ ok: true, problems: [] });
    // Only the run's folder: no temp folder left beside it.
    expect(await readdir(join(root, 'data/captures/grasp'))).toEqual(['cap-001']);
  });

  it('is a no-op the second time, and refuses a different capture with the same id', async () => {
    const root = await tempDir();
    const source = await writeCapture(join(root, 'in/a'));
    const first = await ingestCapture({ source, root, out: 'caps' });
    const before = await readFile(first.manifestPath, 'utf8');
    const again = await ingestCapture({ source, root, out: 'caps' });
    expect(again.status).toBe('unchanged');
    expect(await readFile(first.manifestPath, 'utf8')).toBe(before);

    const other = await writeCapture(join(root, 'in/b'), { episodes: [1, 1, 1] });
    await expect(ingestCapture({ source: other, root, out: 'caps' })).rejects.toMatchObject({
      code: 'CAIRN_CAPTURE_CONFLICT',
      message: expect.stringContaining('cap-001'),
    });
    expect(await readFile(first.manifestPath, 'utf8')).toBe(before);
  });

  it('lets concurrent ingests of one capture agree: one copies, the other is a no-op', async () => {
    const root = await tempDir();
    const source = await writeCapture(join(root, 'in/a'));
    const results = await Promise.all([
      ingestCapture({ source, root }),
      ingestCapture({ source, root }),
      ingestCapture({ source, root }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['ingested', 'unchanged', 'unchanged']);
    expect(await readdir(join(root, 'data/captures/grasp'))).toEqual(['cap-001']);
  });

  it('refuses an invalid capture with its report and writes nothing', async () => {
    const root = await tempDir();
    const source = await writeCapture(join(root, 'in/a'), { run: { n_steps: 4 } });
    const error = await ingestCapture({ source, root }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CaptureInvalidError);
    expect(error).toMatchObject({
      code: 'CAIRN_CAPTURE_INVALID',
      message: expect.stringContaining(
        'run.json:5:3: n_steps: n_steps is 4 but steps.jsonl.gz has 5 lines',
      ),
      report: { ok: false },
    });
    await expect(readdir(join(root, 'data'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('removes what a killed ingest left behind', async () => {
    const root = await tempDir();
    const { pid } = spawnSync(process.execPath, ['-e', '0']);
    const stale = join(root, `data/captures/grasp/.cap-001.${pid}.abcdef012345.cairn-tmp`);
    await mkdir(stale, { recursive: true });
    await writeFile(join(stale, 'run.json'), 'partial');
    const source = await writeCapture(join(root, 'in/a'));
    await ingestCapture({ source, root });
    expect(await readdir(join(root, 'data/captures/grasp'))).toEqual(['cap-001']);
  });
});

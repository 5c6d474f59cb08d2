import { appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeFiles } from '../test/helpers.js';
import { beginStep } from './step.js';
import { readManifest, verifyManifest } from './verify.js';

async function committedStep() {
  const root = await tempDir();
  await writeFiles(root, { 'data/in.csv': '1,2,3\n' });
  const step = await beginStep({ root, name: 'train', inputs: ['data/in.csv'] });
  await step.writeOutput('model.bin', Buffer.from('0123456789'));
  await step.writeOutput('sub/log.txt', 'log');
  await step.commit({ metrics: { acc: 1 } });
  return { root, step };
}

describe('verifyManifest', () => {
  it('passes for an untouched step, given the manifest or its folder', async () => {
    const { step } = await committedStep();
    const result = await verifyManifest(step.dir);
    expect(result).toMatchObject({
      ok: true,
      problems: [],
      checked: { inputs: 1, outputs: 2 },
      manifestPath: join(step.dir, 'manifest.json'),
    });
    expect((await verifyManifest(join(step.dir, 'manifest.json'))).ok).toBe(true);
  });

  it('names an output whose byte changed (same size)', async () => {
    const { step } = await committedStep();
    const file = step.path('model.bin');
    const bytes = await readFile(file);
    bytes[3] = (bytes[3] as number) ^ 1;
    await writeFile(file, bytes);
    const result = await verifyManifest(step.dir);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      expect.objectContaining({ kind: 'changed', role: 'output', path: 'model.bin' }),
    ]);
    expect(result.problems[0]?.message).toMatch(/^output model\.bin changed: sha256 [0-9a-f]{12}…/);
  });

  it('reports missing, resized and extra files, and changed inputs', async () => {
    const { root, step } = await committedStep();
    await rm(step.path('sub/log.txt'));
    await appendFile(step.path('model.bin'), 'more');
    await writeFile(step.path('stray.tmp'), 'x');
    await writeFile(join(root, 'data/in.csv'), '9,9,9\n');
    const result = await verifyManifest(step.dir);
    expect(result.problems.map((p) => p.message).sort()).toEqual([
      'extra file stray.tmp: not named in the manifest',
      expect.stringMatching(/^input data\/in\.csv changed: sha256 /),
      'output model.bin changed: 14 bytes, expected 10',
      'output sub/log.txt is missing',
    ]);
    const outputsOnly = await verifyManifest(step.dir, { inputs: false, extras: false });
    expect(outputsOnly.problems.map((p) => p.path)).toEqual(['model.bin', 'sub/log.txt']);
  });

  it('fails with a typed error for a missing or malformed manifest', async () => {
    const root = await tempDir();
    await expect(verifyManifest(root)).rejects.toMatchObject({ code: 'CAIRN_MANIFEST_MISSING' });
    await writeFiles(root, { 'manifest.json': '{"schema_version": 1}\n' });
    await expect(readManifest(root)).rejects.toMatchObject({ code: 'CAIRN_SCHEMA' });
  });
});

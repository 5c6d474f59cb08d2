import { createHash } from 'node:crypto';
import { readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { StepManifest } from '@cairn/types';
import { describe, expect, it } from 'vitest';
import { git, tempDir, writeFiles } from '../test/helpers.js';
import { configHash } from './canonical-json.js';
import { createRun } from './runs.js';
import { beginStep } from './step.js';
import { verifyManifest } from './verify.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const md5 = (text: string) => createHash('md5').update(text).digest('hex');

describe('beginStep / commit', () => {
  it('records inputs, outputs, config hash and environment; the manifest verifies', async () => {
    const root = await tempDir();
    await writeFiles(root, { 'data/train.csv': 'a,b\n1,2\n', 'data/more/x.txt': 'x' });
    const config = { lr: 0.01, model: { layers: [64, 32] } };
    const step = await beginStep({
      root,
      experiment: 'mnist',
      name: 'train',
      config,
      params: { epochs: 3 },
      inputs: ['data/train.csv', join(root, 'data/more')],
      command: ['train.js', '--fast'],
    });
    expect(relative(root, step.dir)).toMatch(/^runs\/mnist\/\d{8}T\d{6}Z\/train$/);

    await step.writeOutput('model.bin', 'weights');
    await step.writeOutput('eval/report.json', Readable.from(['{"ok":', 'true}']));
    await writeFile(step.path('notes.txt'), 'written by the script itself');
    expect(await step.addOutput('notes.txt')).toEqual(['notes.txt']);
    const { manifest, manifestPath } = await step.commit({ metrics: { acc: 0.9 } });

    expect(manifestPath).toBe(join(step.dir, 'manifest.json'));
    expect(StepManifest.parse(JSON.parse(await readFile(manifestPath, 'utf8')))).toEqual(manifest);
    expect(manifest).toMatchObject({
      schema_version: 1,
      run_id: step.runId,
      experiment: 'mnist',
      step_name: 'train',
      status: 'succeeded',
      git_sha: null,
      git_dirty: null,
      config_hash: configHash(config),
      inputs_root: '../../../..',
      params: { epochs: 3 },
      metrics: { acc: 0.9 },
      command: ['train.js', '--fast'],
      hostname: hostname(),
    });
    expect(manifest.inputs).toEqual({
      'data/more/x.txt': { sha256: sha256('x'), md5: md5('x'), size: 1 },
      'data/train.csv': { sha256: sha256('a,b\n1,2\n'), md5: md5('a,b\n1,2\n'), size: 8 },
    });
    expect(Object.keys(manifest.outputs)).toEqual(['eval/report.json', 'model.bin', 'notes.txt']);
    expect(manifest.outputs['eval/report.json']).toEqual({
      sha256: sha256('{"ok":true}'),
      md5: md5('{"ok":true}'),
      size: 11,
    });
    expect(manifest.runtime.node).toBe(process.version);
    expect(manifest.runtime.cairn).toMatch(/^\d+\.\d+\.\d+/);
    expect(manifest.duration_seconds).toBeGreaterThanOrEqual(0);
    expect(Date.parse(manifest.finished_at)).toBeGreaterThanOrEqual(
      Date.parse(manifest.started_at),
    );
    expect((await verifyManifest(manifestPath)).ok).toBe(true);
  });

  it('records git HEAD and whether tracked files changed', async () => {
    const root = await tempDir();
    git(root, 'init', '-q', '-b', 'main');
    await writeFiles(root, { 'train.py': 'print(1)\n' });
    git(root, 'add', '.');
    git(root, 'commit', '-q', '-m', 'first');
    const head = git(root, 'rev-parse', 'HEAD');
    const clean = await beginStep({ root, name: 'a' });
    expect((await clean.commit()).manifest).toMatchObject({ git_sha: head, git_dirty: false });
    await writeFile(join(root, 'train.py'), 'print(2)\n');
    const dirty = await beginStep({ root, runDir: clean.runDir, name: 'b' });
    expect((await dirty.commit()).manifest).toMatchObject({ git_sha: head, git_dirty: true });
  });

  it('records installed versions of the project dependencies', async () => {
    const root = await tempDir();
    await writeFiles(root, {
      'package.json': JSON.stringify({ dependencies: { left: '^1', gone: '^2' } }),
      'node_modules/left/package.json': JSON.stringify({ version: '1.4.2' }),
    });
    const step = await beginStep({ root, name: 's', packages: { torch: '2.5.0' } });
    const { manifest } = await step.commit();
    expect(manifest.runtime.packages).toEqual({ left: '1.4.2', torch: '2.5.0' });
  });

  it('uses a given run, and a step runs once per run', async () => {
    const root = await tempDir();
    const run = await createRun({ root, experiment: 'exp' });
    const step = await beginStep({ root, runDir: run, name: 'prep' });
    expect(step.dir).toBe(join(run.dir, 'prep'));
    await expect(beginStep({ root, runDir: run.dir, name: 'prep' })).rejects.toMatchObject({
      code: 'CAIRN_STEP_EXISTS',
    });
    await expect(beginStep({ root, runDir: join(root, 'nope'), name: 'x' })).rejects.toMatchObject({
      code: 'CAIRN_RUN_MISSING',
    });
    const other = await beginStep({ root, runDir: run.dir, name: 'train' });
    expect(other.experiment).toBe('exp');
    expect(other.runId).toBe(run.runId);
  });

  it('refuses output paths that leave the step folder, and the manifest name', async () => {
    const root = await tempDir();
    const step = await beginStep({ root, name: 's' });
    for (const bad of ['../x', '/etc/x', 'a/../../x', 'a\\b']) {
      await expect(step.writeOutput(bad, 'x')).rejects.toMatchObject({ code: 'CAIRN_PATH_ESCAPE' });
    }
    await expect(step.addOutput(join(root, 'elsewhere'))).rejects.toMatchObject({
      code: 'CAIRN_PATH_ESCAPE',
    });
    await expect(step.writeOutput('manifest.json', '{}')).rejects.toMatchObject({
      code: 'CAIRN_RESERVED_NAME',
    });
  });

  it('refuses inputs outside the root or missing, before creating a run', async () => {
    const root = await tempDir();
    const outside = await tempDir();
    await expect(
      beginStep({ root, name: 's', inputs: [join(outside, 'x')] }),
    ).rejects.toMatchObject({ code: 'CAIRN_PATH_ESCAPE' });
    await expect(beginStep({ root, name: 's', inputs: ['nope.csv'] })).rejects.toMatchObject({
      code: 'CAIRN_INPUT_MISSING',
      message: 'input nope.csv does not exist',
    });
    await expect(beginStep({ root, name: 'bad/name' })).rejects.toMatchObject({
      code: 'CAIRN_INVALID_NAME',
    });
    await expect(readFile(join(root, 'runs'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('fails commit when a declared output is gone, or an output is not a regular file', async () => {
    const root = await tempDir();
    const step = await beginStep({ root, name: 's' });
    await step.writeOutput('a.txt', 'a');
    await rm(step.path('a.txt'));
    await expect(step.commit()).rejects.toMatchObject({
      code: 'CAIRN_OUTPUT_MISSING',
      message: 'output a.txt is missing',
    });
    await expect(step.addOutput('b.txt')).rejects.toMatchObject({ code: 'CAIRN_OUTPUT_MISSING' });

    const linked = await beginStep({ root, runDir: step.runDir, name: 't' });
    await symlink(join(root, 'runs'), linked.path('link'));
    await expect(linked.commit()).rejects.toMatchObject({ code: 'CAIRN_OUTPUT_NOT_FILE' });
  });

  it('refuses metrics JSON cannot hold, and a second commit', async () => {
    const root = await tempDir();
    const step = await beginStep({ root, name: 's' });
    await expect(step.commit({ metrics: { loss: Number.NaN } })).rejects.toMatchObject({
      code: 'CAIRN_CONFIG_NOT_JSON',
      message: 'metrics value at $.loss is not JSON: NaN has no JSON form',
    });
    await step.commit({ metrics: { loss: 0.5 }, status: 'failed', extra: { note: 'oom' } });
    await expect(step.commit()).rejects.toMatchObject({ code: 'CAIRN_STEP_COMMITTED' });
    await expect(step.writeOutput('late.txt', 'x')).rejects.toMatchObject({
      code: 'CAIRN_STEP_COMMITTED',
    });
  });

  it('refuses to commit while a write is in flight', async () => {
    const root = await tempDir();
    const step = await beginStep({ root, name: 's' });
    const slow = step.writeOutput(
      'big.bin',
      (async function* () {
        yield Buffer.alloc(10);
        await new Promise((r) => setTimeout(r, 50));
        yield Buffer.alloc(10);
      })(),
    );
    await expect(step.commit()).rejects.toMatchObject({ code: 'CAIRN_STEP_BUSY' });
    await slow;
    const { manifest } = await step.commit();
    expect(manifest.outputs['big.bin']?.size).toBe(20);
  });
});

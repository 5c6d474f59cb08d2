import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beginStep, createRun } from '@cairn/manifests';
import { describe, expect, it } from 'vitest';
import { cairn, tempDir } from './helpers.js';

/** A project with one run of two committed steps; returns the step folders. */
async function project() {
  const root = tempDir();
  await writeFile(join(root, 'data.csv'), 'x,y\n1,2\n');
  const run = await createRun({ root, experiment: 'mnist', now: new Date('2026-11-25T10:15:02Z') });
  const prep = await beginStep({ root, runDir: run, name: 'prep', inputs: ['data.csv'] });
  await prep.writeOutput('clean.csv', 'x,y\n1,2\n');
  await prep.commit();
  const train = await beginStep({ root, runDir: run, name: 'train', params: { epochs: 3 } });
  await train.writeOutput('model.bin', Buffer.alloc(256, 1));
  await train.commit({ metrics: { acc: 0.75 } });
  return { root, prep: prep.dir, train: train.dir };
}

const TRAIN = 'runs/mnist/20261125T101502Z/train';

async function capture(dir: string, nSteps = 3) {
  const steps = [0, 1, 2].map((step) => JSON.stringify({ episode: 0, step }));
  await writeFile(
    join(dir, 'run.json'),
    `${JSON.stringify({ run_id: 'r1', experiment: 'grasp', n_steps: nSteps, n_episodes: 1 }, null, 2)}\n`,
  );
  await writeFile(join(dir, 'steps.jsonl.gz'), gzipSync(`${steps.join('\n')}\n`));
  await writeFile(join(dir, 'episodes.jsonl.gz'), gzipSync('{"episode":0,"n_steps":3}\n'));
}

describe('cairn runs list', () => {
  it('lists runs with step statuses, as a table or JSON', async () => {
    const { root } = await project();
    await createRun({ root, experiment: 'other', now: new Date('2026-11-26T00:00:00Z') });
    const table = await cairn(['runs', 'list'], { cwd: root });
    expect(table.exitCode).toBe(0);
    expect(table.stdout.split('\n')).toEqual([
      'EXPERIMENT  RUN               CREATED               STEPS',
      'mnist       20261125T101502Z  2026-11-25T10:15:02Z  prep (succeeded), train (succeeded)',
      'other       20261126T000000Z  2026-11-26T00:00:00Z  -',
    ]);
    const json = await cairn(['runs', 'list', '--experiment', 'mnist', '--json'], { cwd: root });
    expect(json.exitCode).toBe(0);
    const { runs } = JSON.parse(json.stdout);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ experiment: 'mnist', runId: '20261125T101502Z' });
    expect(runs[0].steps.map((s: { status: string }) => s.status)).toEqual([
      'succeeded',
      'succeeded',
    ]);
  });

  it('says so when there are no runs; a bad experiment name is a usage error', async () => {
    const dir = tempDir();
    expect(await cairn(['runs', 'list'], { cwd: dir })).toMatchObject({
      exitCode: 0,
      stdout: 'No runs.',
    });
    const bad = await cairn(['runs', 'list', '-e', '../x'], { cwd: dir });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("invalid --experiment '../x'");
    expect((await cairn(['runs', 'nope'], { cwd: dir })).exitCode).toBe(2);
  });
});

describe('cairn manifest show', () => {
  it('prints the manifest as text or JSON', async () => {
    const { root } = await project();
    const text = await cairn(['manifest', 'show', TRAIN], { cwd: root });
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/^Step train of run mnist\/20261125T101502Z: succeeded in /);
    expect(text.stdout).toContain('Params: epochs=3');
    expect(text.stdout).toContain('Metrics: acc=0.75');
    expect(text.stdout).toMatch(/^ {2}model\.bin +256 B {2}[0-9a-f]{64}$/m);
    const json = await cairn(['manifest', 'show', `${TRAIN}/manifest.json`, '--json'], {
      cwd: root,
    });
    expect(json.exitCode).toBe(0);
    expect(JSON.parse(json.stdout).manifest).toMatchObject({
      step_name: 'train',
      params: { epochs: 3 },
      outputs: { 'model.bin': { size: 256 } },
    });
  });

  it('fails with exit 1 for a missing manifest and 2 without an argument', async () => {
    const dir = tempDir();
    const missing = await cairn(['manifest', 'show', 'nope', '--json'], { cwd: dir });
    expect(missing.exitCode).toBe(1);
    expect(JSON.parse(missing.stdout).error.code).toBe('CAIRN_MANIFEST_MISSING');
    expect((await cairn(['manifest', 'show'], { cwd: dir })).exitCode).toBe(2);
  });
});

describe('cairn manifest verify', () => {
  it('exits 0 when everything matches', async () => {
    const { root } = await project();
    const ok = await cairn(['manifest', 'verify', TRAIN], { cwd: root });
    expect(ok).toMatchObject({
      exitCode: 0,
      stdout: `OK: 1 output and 0 inputs match ${TRAIN}/manifest.json`,
    });
    const prep = await cairn(['manifest', 'verify', 'runs/mnist/20261125T101502Z/prep', '--json'], {
      cwd: root,
    });
    expect(JSON.parse(prep.stdout)).toMatchObject({ ok: true, checked: { inputs: 1, outputs: 1 } });
  });

  it('exits 1 naming a tampered output, a changed input and an extra file', async () => {
    const { root, train } = await project();
    const bytes = await readFile(join(train, 'model.bin'));
    bytes[0] = 9;
    await writeFile(join(train, 'model.bin'), bytes);
    await writeFile(join(train, 'notes.txt'), 'added later');
    const text = await cairn(['manifest', 'verify', TRAIN], { cwd: root });
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toMatch(/^changed output model\.bin changed: sha256 /m);
    expect(text.stdout).toContain('extra   extra file notes.txt: not named in the manifest');
    expect(text.stdout).toContain(`FAILED: 2 problems in ${TRAIN}/manifest.json`);

    await writeFile(join(root, 'data.csv'), 'changed');
    const prep = 'runs/mnist/20261125T101502Z/prep';
    const json = await cairn(['manifest', 'verify', prep, '--json'], { cwd: root });
    expect(json.exitCode).toBe(1);
    expect(JSON.parse(json.stdout).problems).toEqual([
      expect.objectContaining({ kind: 'changed', role: 'input', path: 'data.csv' }),
    ]);
    expect(
      (await cairn(['manifest', 'verify', prep, '--skip-inputs'], { cwd: root })).exitCode,
    ).toBe(0);
    expect((await cairn(['manifest', 'verify', prep, '--bogus'], { cwd: root })).exitCode).toBe(2);
  });
});

describe('cairn bundle export | verify', () => {
  it('exports a bundle that verifies, and fails naming a tampered or escaping file', async () => {
    const { root } = await project();
    const prep = 'runs/mnist/20261125T101502Z/prep';
    const exported = await cairn(['bundle', 'export', prep, TRAIN, '-o', 'dist/b1', '--json'], {
      cwd: root,
    });
    expect(exported.exitCode).toBe(0);
    const { index } = JSON.parse(exported.stdout);
    expect(index.artifacts.map((a: { path: string }) => a.path)).toEqual([
      'artifacts/prep/clean.csv',
      'artifacts/train/model.bin',
    ]);
    expect(await cairn(['bundle', 'verify', 'dist/b1'], { cwd: root })).toMatchObject({
      exitCode: 0,
      stdout: 'OK: 2 artifacts and 2 manifests match dist/b1/bundle.json',
    });

    await writeFile(join(root, 'dist/b1/artifacts/prep/clean.csv'), 'x,y\n1,3\n');
    const tampered = await cairn(['bundle', 'verify', 'dist/b1'], { cwd: root });
    expect(tampered.exitCode).toBe(1);
    expect(tampered.stdout).toMatch(/artifact artifacts\/prep\/clean\.csv changed: sha256 /);

    const indexPath = join(root, 'dist/b1/bundle.json');
    const edited = JSON.parse(await readFile(indexPath, 'utf8'));
    edited.artifacts[1].path = '../artifacts/train/model.bin';
    await writeFile(indexPath, JSON.stringify(edited));
    const escaping = await cairn(['bundle', 'verify', 'dist/b1', '--json'], { cwd: root });
    expect(escaping.exitCode).toBe(1);
    expect(JSON.parse(escaping.stdout).problems).toContainEqual(
      expect.objectContaining({
        kind: 'unsafe',
        path: '../artifacts/train/model.bin',
        message: expect.stringContaining('escapes its root'),
      }),
    );
  });

  it('refuses an existing folder (1) and a missing --out (2)', async () => {
    const { root } = await project();
    expect((await cairn(['bundle', 'export', TRAIN, '-o', 'b'], { cwd: root })).exitCode).toBe(0);
    const again = await cairn(['bundle', 'export', TRAIN, '-o', 'b'], { cwd: root });
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('already exists');
    const noOut = await cairn(['bundle', 'export', TRAIN], { cwd: root });
    expect(noOut.exitCode).toBe(2);
    expect(noOut.stderr).toContain('missing --out <dir>');
    expect((await cairn(['bundle', 'verify'], { cwd: root })).exitCode).toBe(2);
    const notBundle = await cairn(['bundle', 'verify', 'runs', '--json'], { cwd: root });
    expect(notBundle.exitCode).toBe(1);
    expect(JSON.parse(notBundle.stdout).error.code).toBe('CAIRN_NOT_A_BUNDLE');
  });
});

describe('cairn ingest', () => {
  it('ingests a capture byte for byte; again is a no-op', async () => {
    const root = tempDir();
    const source = tempDir();
    await capture(source);
    const first = await cairn(['ingest', source], { cwd: root });
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toBe(
      `Ingested ${source} into data/captures/grasp/r1 (3 steps, 1 episode, 3 files)`,
    );
    for (const f of ['run.json', 'steps.jsonl.gz', 'episodes.jsonl.gz']) {
      expect(await readFile(join(root, 'data/captures/grasp/r1', f))).toEqual(
        await readFile(join(source, f)),
      );
    }
    const again = await cairn(['ingest', source, '--json'], { cwd: root });
    expect(again.exitCode).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      status: 'unchanged',
      dir: join(root, 'data/captures/grasp/r1'),
      report: { ok: true },
    });
    expect(
      (await cairn(['manifest', 'verify', 'data/captures/grasp/r1'], { cwd: root })).exitCode,
    ).toBe(0);
  });

  it('reports an invalid capture with file and line, exit 1; --out picks the folder', async () => {
    const root = tempDir();
    const source = tempDir();
    await capture(source, 4);
    const text = await cairn(['ingest', source, '--out', 'caps'], { cwd: root });
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toContain(
      'run.json:4:3: n_steps: n_steps is 4 but steps.jsonl.gz has 3 lines',
    );
    expect(text.stdout).toContain('INVALID: 1 problem in');
    const json = await cairn(['ingest', source, '--out', 'caps', '--json'], { cwd: root });
    expect(JSON.parse(json.stdout)).toMatchObject({
      status: 'invalid',
      report: { ok: false, errors: [{ file: 'run.json', line: 4, field: 'n_steps' }] },
    });

    await capture(source);
    expect((await cairn(['ingest', source, '--out', 'caps'], { cwd: root })).exitCode).toBe(0);
    await writeFile(join(source, 'notes.txt'), 'a different capture now');
    const conflict = await cairn(['ingest', source, '--out', 'caps', '--json'], { cwd: root });
    expect(conflict.exitCode).toBe(1);
    expect(JSON.parse(conflict.stdout).error.code).toBe('CAIRN_CAPTURE_CONFLICT');
    expect((await cairn(['ingest'], { cwd: root })).exitCode).toBe(2);
  });
});

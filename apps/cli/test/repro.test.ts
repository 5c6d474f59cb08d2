import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BIN, cairn, GIT_ENV, gitRepo } from './helpers.js';
import { pipelineRepo } from './pipeline-fixture.js';

function ran(dir: string): string[] {
  const log = join(dir, 'counter.log');
  const lines = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
  rmSync(log, { force: true });
  return lines.filter((l) => l !== '');
}

const md5 = (bytes: Buffer | string) => createHash('md5').update(bytes).digest('hex');

/** Every output dvc.lock names is in the cache (a directory: its .dir and listed files). */
async function lockOutputsCached(dir: string): Promise<void> {
  if (!existsSync(join(dir, 'dvc.lock'))) return;
  const lock = parse(await readFile(join(dir, 'dvc.lock'), 'utf8')) as {
    stages: Record<string, { outs?: Array<{ path: string; md5: string }> }>;
  };
  const object = (oid: string) =>
    join(dir, '.dvc', 'cache', 'files', 'md5', oid.slice(0, 2), oid.slice(2));
  for (const [name, stage] of Object.entries(lock.stages)) {
    for (const out of stage.outs ?? []) {
      if (out.path === 'metrics.json') continue; // cache: false
      expect(existsSync(object(out.md5)), `${name}: ${out.path} ${out.md5}`).toBe(true);
      if (out.md5.endsWith('.dir')) {
        const files = JSON.parse(readFileSync(object(out.md5), 'utf8')) as Array<{ md5: string }>;
        for (const f of files) expect(existsSync(object(f.md5))).toBe(true);
      }
    }
  }
}

describe('cairn repro', () => {
  it('runs what changed, skips what did not, restores deleted outputs from the cache', async () => {
    const dir = await pipelineRepo();
    const first = await cairn(['repro'], { cwd: dir });
    expect(first.exitCode).toBe(0);
    expect(ran(dir)).toEqual(['prepare', 'train', 'evaluate']);
    expect(first.stdout).toContain("Running stage 'prepare':\n> sh src/prepare.sh 2\n");
    expect(first.stdout).toContain("Generating lock file 'dvc.lock'");
    expect(readFileSync(join(dir, 'metrics.json'), 'utf8')).toBe('{"score": 10}\n');
    await lockOutputsCached(dir);

    // dvc.lock exactly as DVC writes it (key order, sorted deps, params block, dir entries).
    const raw = readFileSync(join(dir, 'data', 'raw.txt'));
    const prepared = readFileSync(join(dir, 'prepared.txt'));
    const script = readFileSync(join(dir, 'src', 'prepare.sh'));
    const lockText = readFileSync(join(dir, 'dvc.lock'), 'utf8');
    expect(
      lockText.startsWith(`schema: '2.0'
stages:
  prepare:
    cmd: sh src/prepare.sh 2
    deps:
    - path: data/raw.txt
      hash: md5
      md5: ${md5(raw)}
      size: ${raw.length}
    - path: src/prepare.sh
      hash: md5
      md5: ${md5(script)}
      size: ${script.length}
    params:
      params.yaml:
        prepare.scale: 2
    outs:
    - path: prepared.txt
      hash: md5
      md5: ${md5(prepared)}
      size: ${prepared.length}
  train:
`),
    ).toBe(true);
    expect(lockText).toMatch(
      /params:\n {6}params\.yaml:\n {8}train\.epochs: 3\n {8}train\.lr: 0\.5\n/,
    );
    expect(lockText).toMatch(
      /- path: model\n {6}hash: md5\n {6}md5: [0-9a-f]{32}\.dir\n {6}size: \d+\n {6}nfiles: 2\n/,
    );
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toBe(
      'counter.log\n/prepared.txt\n/model\n',
    );
    // One step manifest per stage run.
    const runs = JSON.parse((await cairn(['runs', 'list', '--json'], { cwd: dir })).stdout);
    expect(JSON.stringify(runs)).toContain('"evaluate"');

    const second = await cairn(['repro'], { cwd: dir });
    expect(second.exitCode).toBe(0);
    expect(ran(dir)).toEqual([]);
    expect(second.stdout).toContain("Stage 'train' didn't change, skipping");
    expect((await cairn(['status', '-q'], { cwd: dir })).exitCode).toBe(0);

    // A param only train reads: train and its downstream evaluate rerun, prepare does not.
    writeFileSync(join(dir, 'params.yaml'), 'prepare:\n  scale: 2\ntrain:\n  lr: 1\n  epochs: 3\n');
    const stale = await cairn(['status'], { cwd: dir });
    expect(stale.stdout).toBe(
      'train:\n\tchanged deps:\n\t\tparams.yaml:\n\t\t\tmodified:           train.lr\n\tchanged command',
    );
    expect((await cairn(['status', '-q'], { cwd: dir })).exitCode).toBe(1);
    expect((await cairn(['repro'], { cwd: dir })).exitCode).toBe(0);
    expect(ran(dir)).toEqual(['train', 'evaluate']);
    expect(readFileSync(join(dir, 'metrics.json'), 'utf8')).toBe('{"score": 20}\n');

    // A params file no stage tracks the changed key of: nothing reruns.
    writeFileSync(
      join(dir, 'params.yaml'),
      'prepare:\n  scale: 2\ntrain:\n  lr: 1\n  epochs: 3\nother: 1\n',
    );
    await cairn(['repro'], { cwd: dir });
    expect(ran(dir)).toEqual([]);

    // A deleted output comes back from the cache; its command does not run.
    const weights = readFileSync(join(dir, 'model', 'weights.txt'));
    rmSync(join(dir, 'model'), { recursive: true });
    const restored = await cairn(['repro', '--json'], { cwd: dir });
    expect(restored.exitCode).toBe(0);
    expect(ran(dir)).toEqual([]);
    expect(readFileSync(join(dir, 'model', 'weights.txt'))).toEqual(weights);
    const actions = JSON.parse(restored.stdout).stages.map(
      (s: { stage: string; action: string }) => `${s.stage}:${s.action}`,
    );
    expect(actions).toEqual(['prepare:skipped', 'train:checked out', 'evaluate:skipped']);

    // -f runs everything again; -s limits it to the target.
    await cairn(['repro', '-f', '-s', 'evaluate'], { cwd: dir });
    expect(ran(dir)).toEqual(['evaluate']);
    await cairn(['repro', '-f'], { cwd: dir });
    expect(ran(dir)).toEqual(['prepare', 'train', 'evaluate']);
  }, 120_000);

  it('keeps dvc.lock and stops at a failing command', async () => {
    const dir = await pipelineRepo();
    expect((await cairn(['repro'], { cwd: dir })).exitCode).toBe(0);
    ran(dir);
    const lockBefore = readFileSync(join(dir, 'dvc.lock'), 'utf8');
    writeFileSync(join(dir, 'src', 'train.sh'), 'echo train >> counter.log\nexit 3\n');
    const failed = await cairn(['repro'], { cwd: dir });
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toContain(
      "failed to reproduce 'train': command 'sh src/train.sh 0.5' exited with 3",
    );
    expect(ran(dir)).toEqual(['train']); // evaluate never ran
    expect(readFileSync(join(dir, 'dvc.lock'), 'utf8')).toBe(lockBefore);
    expect((await cairn(['status', '-q'], { cwd: dir })).exitCode).toBe(1);
  }, 60_000);

  it('a missing output is an error and the lock is not updated', async () => {
    const dir = await pipelineRepo();
    writeFileSync(join(dir, 'src', 'prepare.sh'), 'echo prepare >> counter.log\n');
    const result = await cairn(['repro', 'prepare'], { cwd: dir });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("output 'prepared.txt' of stage 'prepare' does not exist");
    expect(existsSync(join(dir, 'dvc.lock'))).toBe(false);
  }, 60_000);

  it('after a SIGKILL mid-stage the lock names only cached outputs and the stage reruns', async () => {
    const dir = await pipelineRepo();
    expect((await cairn(['repro'], { cwd: dir })).exitCode).toBe(0);
    ran(dir);
    writeFileSync(join(dir, 'data', 'raw.txt'), '5\n6\n');
    for (let trial = 0; trial < 3; trial++) {
      const child = spawn(process.execPath, [BIN, 'repro'], {
        cwd: dir,
        env: { ...process.env, ...GIT_ENV, SLEEP: '5' },
        stdio: 'ignore',
        detached: true,
      });
      // Wait until prepare's command has written its line (the shell creates the file before it
      // writes to it), then kill the whole process group.
      const started = () => {
        const log = join(dir, 'counter.log');
        return existsSync(log) && readFileSync(log, 'utf8').endsWith('\n');
      };
      for (let i = 0; i < 200 && !started(); i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(ran(dir)).toEqual(['prepare']);
      process.kill(-(child.pid as number), 'SIGKILL');
      await new Promise((r) => child.once('exit', r));
      await lockOutputsCached(dir);
      expect((await cairn(['status', '-q'], { cwd: dir })).exitCode).toBe(1);
    }
    const after = await cairn(['repro'], { cwd: dir });
    expect(after.exitCode).toBe(0);
    expect(ran(dir)).toEqual(['prepare', 'train', 'evaluate']);
    expect(readFileSync(join(dir, 'prepared.txt'), 'utf8')).toBe('10\n12\n');
    await lockOutputsCached(dir);
    expect(statSync(join(dir, 'dvc.lock')).size).toBeGreaterThan(0);
  }, 120_000);

  it('-S changes a param in its file before running', async () => {
    const dir = await pipelineRepo();
    const result = await cairn(['repro', '-S', 'train.lr=2', '--json'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).paramsChanged).toEqual(['params.yaml']);
    expect(readFileSync(join(dir, 'params.yaml'), 'utf8')).toBe(
      'prepare:\n  scale: 2\ntrain:\n  lr: 2\n  epochs: 3\n',
    );
    expect(readFileSync(join(dir, 'metrics.json'), 'utf8')).toBe('{"score": 40}\n');
  }, 60_000);

  it('status reports stages of a dvc.yaml in a subfolder before their first run', async () => {
    // No dvc.lock anywhere and no dvc.yaml at the root: only the subfolder's file names stages.
    const dir = await gitRepo();
    expect((await cairn(['init'], { cwd: dir })).exitCode).toBe(0);
    expect((await cairn(['status', '-q'], { cwd: dir })).exitCode).toBe(0);
    await mkdir(join(dir, 'sub'));
    writeFileSync(
      join(dir, 'sub', 'dvc.yaml'),
      'stages:\n  hello:\n    cmd: echo hi > out.txt\n    outs:\n      - out.txt\n',
    );
    expect((await cairn(['status', '-q'], { cwd: dir })).exitCode).toBe(1);
    const status = JSON.parse((await cairn(['status', '--json'], { cwd: dir })).stdout);
    expect(Object.keys(status)).toEqual(['sub/dvc.yaml:hello']);
    expect((await cairn(['repro'], { cwd: dir })).exitCode).toBe(0);
    expect(readFileSync(join(dir, 'sub', 'out.txt'), 'utf8')).toBe('hi\n');
    expect((await cairn(['status', '-q'], { cwd: dir })).exitCode).toBe(0);
  }, 60_000);
});

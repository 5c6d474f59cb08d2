import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cairn, gitRepo, run } from './helpers.js';
import { pipelineRepo } from './pipeline-fixture.js';

/** The fixture pipeline, reproduced once, everything committed: metrics.json is `score: 10`. */
async function baselineRepo(): Promise<string> {
  const dir = await pipelineRepo();
  expect((await cairn(['repro', '-q'], { cwd: dir })).exitCode).toBe(0);
  await run('git', ['add', '-A'], dir);
  await run('git', ['commit', '-qm', 'baseline'], dir);
  return dir;
}

/** Every file outside .git and .dvc/tmp: its bytes' sha256 and its mtime. */
function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const abs = join(dir, entry.name);
      const rel = relative(root, abs);
      if (rel === '.git' || rel === join('.dvc', 'tmp')) continue;
      if (entry.isDirectory()) walk(abs);
      else {
        const hash = createHash('sha256').update(readFileSync(abs)).digest('hex');
        out.set(rel, `${hash} ${statSync(abs).mtimeMs}`);
      }
    }
  };
  walk(root);
  return out;
}

const git = (dir: string, ...args: string[]) => run('git', args, dir);

/** Every output a dvc.lock text names is in the repository's cache (folders: listed files too). */
function lockOutputsCached(dir: string, lockText: string): void {
  const lock = parse(lockText) as {
    stages: Record<string, { outs?: Array<{ path: string; md5: string }> }>;
  };
  const object = (oid: string) =>
    join(dir, '.dvc', 'cache', 'files', 'md5', oid.slice(0, 2), oid.slice(2));
  for (const stage of Object.values(lock.stages)) {
    for (const out of stage.outs ?? []) {
      if (out.path === 'metrics.json') continue; // cache: false, in the commit itself
      expect(existsSync(object(out.md5)), `${out.path} ${out.md5}`).toBe(true);
      if (out.md5.endsWith('.dir')) {
        const files = JSON.parse(readFileSync(object(out.md5), 'utf8')) as Array<{ md5: string }>;
        for (const f of files) expect(existsSync(object(f.md5))).toBe(true);
      }
    }
  }
}

interface ShownState {
  rev: string;
  name: string | null;
  data: {
    params: Record<string, { data: { train: { lr: number } } }>;
    metrics: Record<string, { data: { score: number } }>;
  };
  experiments: Array<{ name: string; revs: ShownState[] }> | null;
}

describe('cairn exp', () => {
  it('runs experiments in isolation, shows, lists, applies and removes them', async () => {
    const dir = await baselineRepo();
    const head = await git(dir, 'rev-parse', 'HEAD');
    const before = snapshot(dir);
    const porcelain = await git(dir, 'status', '--porcelain');

    // score = sum(prepared) * lr = 20 * lr: the params dictate the metric exactly.
    const one = await cairn(['exp', 'run', '-S', 'train.lr=1', '-n', 'lr-one', '--json'], {
      cwd: dir,
    });
    expect(one.exitCode, one.stderr).toBe(0);
    expect(JSON.parse(one.stdout)).toMatchObject({
      name: 'lr-one',
      baseline: head,
      ref: `refs/exps/${head.slice(0, 2)}/${head.slice(2)}/lr-one`,
    });
    const two = await cairn(['exp', 'run', '-S', 'params.yaml:train.lr=2', '--json'], {
      cwd: dir,
    });
    expect(two.exitCode, two.stderr).toBe(0);
    const auto = JSON.parse(two.stdout).name as string;
    expect(auto).toMatch(/^[a-z]+-[a-z]+$/);
    // The experiment ran only what the param changed; prepare was checked out from the cache.
    expect(JSON.parse(two.stdout).stages.map((s: { action: string }) => s.action)).toEqual([
      'skipped',
      'ran',
      'ran',
    ]);

    // The workspace is untouched: same bytes, same mtimes, same git status, no worktree left.
    // Only the shared cache grew, by the experiments' outputs.
    const after = snapshot(dir);
    for (const [path, stamp] of before) expect(after.get(path), path).toBe(stamp);
    const added = [...after.keys()].filter((p) => !before.has(p));
    expect(added.length).toBeGreaterThan(0);
    for (const path of added) expect(path.startsWith(join('.dvc', 'cache') + sep)).toBe(true);
    expect(await git(dir, 'status', '--porcelain')).toBe(porcelain);
    expect((await git(dir, 'worktree', 'list')).split('\n')).toHaveLength(1);
    expect(readdirSync(join(dir, '.dvc', 'tmp', 'exps', 'run'))).toEqual([]);

    // Show reads the experiments' commits: metrics differ exactly as the params say.
    const shown = await cairn(['exp', 'show', '--json'], { cwd: dir });
    expect(shown.exitCode, shown.stderr).toBe(0);
    const states = JSON.parse(shown.stdout) as ShownState[];
    expect(states.map((s) => s.rev)).toEqual(['workspace', head]);
    const [workspace, baseline] = states as [ShownState, ShownState];
    expect(workspace.data.metrics['metrics.json']?.data).toEqual({ score: 10 });
    expect(baseline.name).toBe('main');
    expect(baseline.data.metrics['metrics.json']?.data).toEqual({ score: 10 });
    const byName = new Map(
      (baseline.experiments ?? []).map((e) => [e.name, e.revs[0] as ShownState]),
    );
    expect([...byName.keys()].sort()).toEqual([auto, 'lr-one'].sort());
    expect(byName.get('lr-one')?.data.metrics['metrics.json']?.data).toEqual({ score: 20 });
    expect(byName.get('lr-one')?.data.params['params.yaml']?.data.train.lr).toBe(1);
    expect(byName.get(auto)?.data.metrics['metrics.json']?.data).toEqual({ score: 40 });
    expect(byName.get(auto)?.data.params['params.yaml']?.data.train.lr).toBe(2);

    const table = await cairn(['exp', 'show', '--md'], { cwd: dir });
    expect(table.stdout).toContain('| Experiment');
    expect(table.stdout).toMatch(/\| main +\|/);
    expect(table.stdout).toMatch(/\| [├└]── [0-9a-f]{7} \[lr-one\] +\| [^|]+\| 20 +\| 2 +\| 1 +\|/);

    // exp diff: a git revision against an experiment name, metrics then params.
    const diff = await cairn(['exp', 'diff', 'main', 'lr-one', '--json'], { cwd: dir });
    expect(diff.exitCode, diff.stderr).toBe(0);
    expect(JSON.parse(diff.stdout)).toEqual({
      metrics: { 'metrics.json': { score: { old: 10, new: 20, diff: 10 } } },
      params: { 'params.yaml': { 'train.lr': { old: 0.5, new: 1, diff: 0.5 } } },
    });
    const diffText = await cairn(['exp', 'diff', 'main', 'lr-one'], { cwd: dir });
    expect(diffText.stdout).toMatch(
      /^Path +Metric +main +lr-one +Change\nmetrics\.json +score +10 +20 +10\n\nPath +Param +main +lr-one +Change\nparams\.yaml +train\.lr +0\.5 +1 +0\.5$/,
    );
    expect((await cairn(['exp', 'diff', 'no-such-exp'], { cwd: dir })).stderr).toContain(
      "experiment 'no-such-exp' does not exist",
    );

    // Each experiment is a commit on the baseline holding dvc.lock, params and metrics; its
    // cached outputs are in the shared cache.
    const ref = `refs/exps/${head.slice(0, 2)}/${head.slice(2)}/lr-one`;
    expect(await git(dir, 'rev-parse', `${ref}^`)).toBe(head);
    expect(await git(dir, 'diff', '--name-only', head, ref)).toBe(
      'dvc.lock\nmetrics.json\nparams.yaml',
    );
    lockOutputsCached(dir, await git(dir, 'show', `${ref}:dvc.lock`));

    // Refs persist: a new process lists them, and they are plain git refs.
    const list = await cairn(['exp', 'list', '--json'], { cwd: dir });
    const listed = JSON.parse(list.stdout) as Array<{ experiments: Array<{ name: string }> }>;
    expect(listed[0]?.experiments.map((e) => e.name).sort()).toEqual([auto, 'lr-one'].sort());
    const refs = (await git(dir, 'for-each-ref', '--format=%(refname)', 'refs/exps')).split('\n');
    expect(refs.sort()).toEqual(
      [auto, 'lr-one'].map((n) => `refs/exps/${head.slice(0, 2)}/${head.slice(2)}/${n}`).sort(),
    );

    // A name is taken once per baseline, unless -f replaces it.
    const again = await cairn(['exp', 'run', '-S', 'train.lr=3', '-n', 'lr-one', '--json'], {
      cwd: dir,
    });
    expect(again.exitCode).toBe(1);
    expect(JSON.parse(again.stdout).error.code).toBe('CAIRN_EXP_EXISTS');

    // Apply brings the experiment's metric and data into the workspace; the pipeline is clean.
    const applied = await cairn(['exp', 'apply', 'lr-one'], { cwd: dir });
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect(readFileSync(join(dir, 'metrics.json'), 'utf8')).toBe('{"score": 20}\n');
    expect(readFileSync(join(dir, 'model', 'weights.txt'), 'utf8')).toBe('20\n');
    expect((await cairn(['status', '-q'], { cwd: dir })).exitCode).toBe(0);
    // Applying another one now would overwrite those uncommitted changes.
    const blocked = await cairn(['exp', 'apply', auto, '--json'], { cwd: dir });
    expect(blocked.exitCode).toBe(1);
    expect(JSON.parse(blocked.stdout).error.code).toBe('CAIRN_EXP_APPLY_CONFLICT');
    expect(readFileSync(join(dir, 'metrics.json'), 'utf8')).toBe('{"score": 20}\n');
    expect((await cairn(['exp', 'apply', '--force', auto], { cwd: dir })).exitCode).toBe(0);
    expect(readFileSync(join(dir, 'metrics.json'), 'utf8')).toBe('{"score": 40}\n');
    expect((await cairn(['status', '-q'], { cwd: dir })).exitCode).toBe(0);

    // Remove deletes the ref.
    expect((await cairn(['exp', 'remove', 'lr-one'], { cwd: dir })).exitCode).toBe(0);
    expect(await git(dir, 'for-each-ref', '--format=%(refname)', 'refs/exps')).toBe(
      `refs/exps/${head.slice(0, 2)}/${head.slice(2)}/${auto}`,
    );
    const gone = await cairn(['exp', 'remove', 'lr-one', '--json'], { cwd: dir });
    expect(JSON.parse(gone.stdout).error.code).toBe('CAIRN_EXP_NOT_FOUND');
  }, 180_000);

  it("includes the workspace's uncommitted changes; a failed run leaves nothing behind", async () => {
    const dir = await baselineRepo();
    // An uncommitted code change is part of the experiment (DVC runs what is in the workspace).
    const evaluate = join(dir, 'src', 'evaluate.sh');
    writeFileSync(
      evaluate,
      'printf \'{"score": %s, "doubled": true}\\n\' "$(cat model/weights.txt)" > metrics.json\n',
    );
    writeFileSync(join(dir, 'notes.txt'), 'untracked, not ignored\n');
    const ok = await cairn(['exp', 'run', '-n', 'changed'], { cwd: dir });
    expect(ok.exitCode, ok.stderr).toBe(0);
    const head = await git(dir, 'rev-parse', 'HEAD');
    const ref = `refs/exps/${head.slice(0, 2)}/${head.slice(2)}/changed`;
    expect(await git(dir, 'show', `${ref}:metrics.json`)).toBe('{"score": 10, "doubled": true}');
    expect(await git(dir, 'show', `${ref}:notes.txt`)).toBe('untracked, not ignored');
    expect(readFileSync(join(dir, 'metrics.json'), 'utf8')).toBe('{"score": 10}\n');

    // -f replaces an experiment of the same name.
    const replaced = await cairn(['exp', 'run', '-f', '-n', 'changed', '-S', 'train.lr=3'], {
      cwd: dir,
    });
    expect(replaced.exitCode, replaced.stderr).toBe(0);
    expect(await git(dir, 'show', `${ref}:metrics.json`)).toBe('{"score": 60, "doubled": true}');

    // A failing command: exit 1, no ref, no worktree, no copy left under .dvc/tmp.
    writeFileSync(evaluate, 'exit 3\n');
    const failed = await cairn(['exp', 'run', '-S', 'train.lr=7', '-n', 'broken'], { cwd: dir });
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toContain("failed to reproduce 'evaluate'");
    expect(await git(dir, 'for-each-ref', '--format=%(refname)', 'refs/exps')).toBe(ref);
    expect((await git(dir, 'worktree', 'list')).split('\n')).toHaveLength(1);
    expect(readdirSync(join(dir, '.dvc', 'tmp', 'exps', 'run'))).toEqual([]);
    expect(readFileSync(join(dir, 'params.yaml'), 'utf8')).toContain('lr: 0.5');
  }, 120_000);

  it('refuses to run without a baseline commit', async () => {
    const dir = await gitRepo();
    expect((await cairn(['init'], { cwd: dir })).exitCode).toBe(0);
    const result = await cairn(['exp', 'run', '--json'], { cwd: dir });
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.stdout).error.code).toBe('CAIRN_EXP_NO_BASELINE');
    expect((await cairn(['exp', 'list', '--json'], { cwd: dir })).stdout).toBe('[]');
  });
});

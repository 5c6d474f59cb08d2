import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Repo } from '../src/index.js';
import { git, tempDir, writeTree } from './helpers.js';

const DVC_YAML = `stages:
  train:
    cmd: sh train.sh
    deps:
      - train.sh
    params:
      - lr
    outs:
      - model.txt
    metrics:
      - metrics.json:
          cache: false
`;
const TRAIN = `lr=$(sed -n 's/^lr: //p' params.yaml)
echo "weights $lr" > model.txt
printf '{"acc": %s}\\n' "$lr" > metrics.json
`;

const sink = () => new Writable({ write: (_chunk, _enc, done) => done() });
const SILENT = { stdout: sink(), stderr: sink() };

describe('repo.experiments', () => {
  it('works for a repository in a subfolder of its git repo (init --subdir)', async () => {
    const top = tempDir();
    git(top, 'init', '-q', '-b', 'main');
    writeTree(top, { 'README.md': 'top\n' });
    const root = join(top, 'proj');
    writeTree(root, { 'dvc.yaml': DVC_YAML, 'train.sh': TRAIN, 'params.yaml': 'lr: 0.1\n' });
    const repo = await Repo.init(root, { subdir: true });
    await repo.repro({ manifests: false, output: SILENT });
    git(top, 'add', '-A');
    git(top, 'commit', '-qm', 'baseline');
    const head = git(top, 'rev-parse', 'HEAD').trim();

    const result = await repo.experiments.run({
      set: ['lr=0.25'],
      output: SILENT,
    });
    expect(result.ref).toBe(`refs/exps/${head.slice(0, 2)}/${head.slice(2)}/${result.name}`);
    expect(git(top, 'show', `${result.rev}:proj/metrics.json`)).toBe('{"acc": 0.25}\n');
    expect(readFileSync(join(root, 'metrics.json'), 'utf8')).toBe('{"acc": 0.1}\n');

    const [, baseline] = await repo.experiments.show();
    const exp = baseline?.experiments?.[0]?.revs[0];
    expect(exp?.data?.metrics['metrics.json']).toEqual({ data: { acc: 0.25 } });
    expect(exp?.data?.outs['model.txt']?.use_cache).toBe(true);

    await repo.experiments.apply(result.name);
    expect(readFileSync(join(root, 'model.txt'), 'utf8')).toBe('weights 0.25\n');
    expect(await repo.status()).toEqual({});
    expect(await repo.experiments.remove([], { all: true })).toHaveLength(1);
    expect(git(top, 'for-each-ref', 'refs/exps')).toBe('');
    expect(existsSync(join(root, '.dvc', 'tmp', 'exps', 'run'))).toBe(true);
  }, 60_000);
});

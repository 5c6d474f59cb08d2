#!/usr/bin/env node
// The main job on embedded defaults, end to end with the real `cairn` binary in a fresh temp git
// repository: init, doctor, then versioning a small generated dataset (add, commit to git, delete,
// status, checkout, status -q as a CI guard, push to a local-folder remote, wipe, pull), metrics
// from a predictions file (eval), the same evaluation as a one-stage pipeline (repro, skip when
// unchanged, -S a param, metrics diff), and two experiments compared by exp show. Each step
// prints the command and its output; any failure stops the run with a non-zero exit code. Set
// CAIRN_QUICKSTART_KEEP=1 to keep the folder afterwards.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cairnBin = join(root, 'apps', 'cli', 'bin', 'cairn.js');
const work = mkdtempSync(join(tmpdir(), 'cairn-quickstart-'));
const env = {
  ...process.env,
  CAIRN_BIN: cairnBin,
  GIT_AUTHOR_NAME: process.env.GIT_AUTHOR_NAME ?? 'Cairn Quickstart',
  GIT_AUTHOR_EMAIL: process.env.GIT_AUTHOR_EMAIL ?? 'quickstart@cairn.invalid',
  GIT_COMMITTER_NAME: process.env.GIT_COMMITTER_NAME ?? 'Cairn Quickstart',
  GIT_COMMITTER_EMAIL: process.env.GIT_COMMITTER_EMAIL ?? 'quickstart@cairn.invalid',
};

function run(file, args) {
  const shown = file === process.execPath ? ['cairn', ...args.slice(1)] : [file, ...args];
  console.log(`\n$ ${shown.join(' ')}`);
  const out = execFileSync(file, args, {
    cwd: work,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (out) process.stdout.write(out);
  return out;
}
const cairn = (...args) => run(process.execPath, [cairnBin, ...args]);

try {
  console.log(`Cairn quickstart in ${work}`);
  run('git', ['init', '-q', '-b', 'main']);
  cairn('init');
  cairn('doctor');
  run('git', ['commit', '-q', '-m', 'Initialize Cairn']);
  // Example data, generated deterministically: a labelled dataset and a model's predictions.
  mkdirSync(join(work, 'data', 'images'), { recursive: true });
  let seed = 42;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const rows = ['label,score'];
  for (let i = 0; i < 200; i++) {
    const label = next() < 0.4 ? 1 : 0;
    rows.push(`${label},${Math.min(1, Math.max(0, 0.35 * label + 0.65 * next())).toFixed(4)}`);
    if (i < 20)
      writeFileSync(join(work, 'data', 'images', `img${i}.txt`), `image ${i} label ${label}\n`);
  }
  writeFileSync(join(work, 'data', 'predictions.csv'), `${rows.join('\n')}\n`);
  cairn('add', 'data');
  run('git', ['add', 'data.dvc', '.gitignore']);
  run('git', ['commit', '-q', '-m', 'Track data with Cairn']);
  rmSync(join(work, 'data'), { recursive: true });
  cairn('status');
  cairn('checkout');
  cairn('status', '-q');
  // A remote in a local folder: push, lose the cache and the data, pull them back.
  const remote = mkdtempSync(join(tmpdir(), 'cairn-quickstart-remote-'));
  try {
    cairn('remote', 'add', '-d', 'storage', remote);
    cairn('push');
    cairn('status', '-c');
    rmSync(join(work, '.dvc', 'cache'), { recursive: true });
    rmSync(join(work, 'data'), { recursive: true });
    cairn('pull');
    cairn('status', '-q');
  } finally {
    rmSync(remote, { recursive: true, force: true });
  }
  cairn('eval', 'data/predictions.csv', '--out', 'metrics.json');
  // The evaluation as a pipeline stage, with its threshold as a tracked param.
  rmSync(join(work, 'metrics.json'));
  writeFileSync(join(work, 'params.yaml'), 'eval:\n  threshold: 0.5\n');
  writeFileSync(
    join(work, 'dvc.yaml'),
    [
      'stages:',
      '  evaluate:',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: DVC's ${...} interpolation, not JS
      '    cmd: node "$CAIRN_BIN" eval data/predictions.csv --threshold ${eval.threshold} --out metrics.json',
      '    deps:',
      '      - data/predictions.csv',
      '    params:',
      '      - eval.threshold',
      '    metrics:',
      '      - metrics.json:',
      '          cache: false',
      '',
    ].join('\n'),
  );
  cairn('repro');
  run('git', ['add', 'dvc.yaml', 'dvc.lock', 'params.yaml', 'metrics.json']);
  run('git', ['commit', '-q', '-m', 'Evaluate as a pipeline stage']);
  cairn('repro');
  cairn('repro', '-S', 'eval.threshold=0.6');
  cairn('metrics', 'diff');
  cairn('status', '-q');
  // Experiments: each runs in an isolated copy and is kept as a git ref; the workspace stays.
  cairn('exp', 'run', '-S', 'eval.threshold=0.3', '-n', 'lenient');
  cairn('exp', 'run', '-S', 'eval.threshold=0.8', '-n', 'strict');
  cairn('exp', 'show');
  cairn('status', '-q');
  run('git', ['log', '--oneline', '--stat']);
  console.log('\nQuickstart finished: OK');
} finally {
  if (process.env.CAIRN_QUICKSTART_KEEP) console.log(`(kept ${work})`);
  else rmSync(work, { recursive: true, force: true });
}

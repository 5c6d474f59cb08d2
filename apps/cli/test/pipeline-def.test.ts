// biome-ignore-all lint/suspicious/noTemplateCurlyInString: dvc.yaml templates use ${...}
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cairn, gitRepo, run } from './helpers.js';

function write(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

async function commit(dir: string, message = 'commit'): Promise<void> {
  await run('git', ['add', '-A'], dir);
  await run('git', ['commit', '-q', '-m', message], dir);
}

const DVC_YAML = `stages:
  prepare:
    cmd: python prepare.py
    deps:
    - data.csv
    params:
    - prepare.split
    outs:
    - prepared
  train:
    foreach: [a, b]
    do:
      cmd: python train.py \${item}
      deps:
      - prepared
      params:
      - train.lr
      outs:
      - model-\${item}.pkl
  evaluate:
    cmd: python evaluate.py
    deps:
    - model-a.pkl
    - model-b.pkl
    metrics:
    - metrics.json:
        cache: false
`;

async function project(): Promise<string> {
  const dir = await gitRepo();
  mkdirSync(join(dir, '.dvc'));
  write(dir, {
    'dvc.yaml': DVC_YAML,
    'params.yaml': 'prepare:\n  split: 0.2\ntrain:\n  lr: 0.01\n  epochs: 10\n',
    'metrics.json': '{"acc": 0.75, "loss": 0.5, "per_class": {"a": 0.5}}',
    'data.csv': 'x\n1\n',
  });
  await commit(dir, 'initial');
  return dir;
}

describe('cairn dag', () => {
  it('lists stages in run order, and prints mermaid and dot like dvc dag', async () => {
    const dir = await project();
    const text = await cairn(['dag'], { cwd: dir });
    expect(text).toEqual({
      exitCode: 0,
      stderr: '',
      stdout: 'prepare\ntrain@a   <- prepare\ntrain@b   <- prepare\nevaluate  <- train@a, train@b',
    });
    const mermaid = await cairn(['dag', '--mermaid', 'train@b'], { cwd: dir });
    expect(mermaid.stdout).toBe(
      'flowchart TD\n\tnode1["prepare"]\n\tnode2["train@b"]\n\tnode1-->node2',
    );
    const dot = await cairn(['dag', '--dot', 'prepare', '--downstream'], { cwd: dir });
    expect(dot.stdout).toBe(
      [
        'strict digraph  {',
        '"prepare";',
        '"train@a";',
        '"train@b";',
        '"evaluate";',
        '"prepare" -> "train@a";',
        '"prepare" -> "train@b";',
        '"train@a" -> "evaluate";',
        '"train@b" -> "evaluate";',
        '}',
      ].join('\n'),
    );
  });

  it('prints the graph as JSON, and fails clearly on an unknown target or a cycle', async () => {
    const dir = await project();
    const json = await cairn(['dag', '--json', 'train'], { cwd: dir });
    expect(JSON.parse(json.stdout)).toEqual({
      nodes: [
        { addressing: 'prepare', kind: 'stage' },
        { addressing: 'train@a', kind: 'stage' },
        { addressing: 'train@b', kind: 'stage' },
      ],
      edges: [
        { from: 'prepare', to: 'train@a', paths: ['prepared'] },
        { from: 'prepare', to: 'train@b', paths: ['prepared'] },
      ],
    });
    const missing = await cairn(['dag', 'nope'], { cwd: dir });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toBe(
      "error: 'nope' does not exist\nhint: stages: prepare, train@a, train@b, evaluate",
    );
    write(dir, {
      'dvc.yaml':
        'stages:\n  a:\n    cmd: x\n    deps: [b]\n    outs: [a]\n  b:\n    cmd: x\n    deps: [a]\n    outs: [b]\n',
    });
    const cycle = await cairn(['dag', '--json'], { cwd: dir });
    expect(cycle.exitCode).toBe(1);
    expect(JSON.parse(cycle.stdout).error).toMatchObject({
      code: 'CAIRN_PIPELINE_CYCLE',
      details: { stages: ['b', 'a'], files: ['b', 'a'] },
    });
    const usage = await cairn(['dag', '--dot', '--mermaid'], { cwd: dir });
    expect(usage.exitCode).toBe(2);
  });

  it('points at the file, line and stage of a template error', async () => {
    const dir = await project();
    write(dir, { 'dvc.yaml': DVC_YAML.replace('train.py ${item}', 'train.py ${item} ${nope}') });
    const result = await cairn(['dag'], { cwd: dir });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      "error: dvc.yaml:13:12: stages.train.do.cmd (stage 'train@a'): Could not find 'nope'",
    );
  });
});

describe('cairn params diff', () => {
  it('compares HEAD with the workspace as dvc params diff prints it', async () => {
    const dir = await project();
    write(dir, { 'params.yaml': 'prepare:\n  split: 0.25\ntrain:\n  lr: 0.01\n  epochs: 20\n' });
    const table = await cairn(['params', 'diff'], { cwd: dir });
    expect(table).toEqual({
      exitCode: 0,
      stderr: '',
      stdout: [
        'Path         Param          HEAD    workspace',
        'params.yaml  prepare.split  0.2     0.25',
        'params.yaml  train.epochs   10      20',
      ].join('\n'),
    });
    const md = await cairn(['params', 'diff', '--all', '--md', '--deps'], { cwd: dir });
    expect(md.stdout).toBe(
      [
        '| Path        | Param         | HEAD   | workspace   |',
        '|-------------|---------------|--------|-------------|',
        '| params.yaml | prepare.split | 0.2    | 0.25        |',
        '| params.yaml | train.lr      | 0.01   | 0.01        |',
      ].join('\n'),
    );
    const json = await cairn(['params', 'diff', 'HEAD', 'workspace', '--json'], { cwd: dir });
    expect(JSON.parse(json.stdout)).toEqual({
      'params.yaml': {
        'prepare.split': { old: 0.2, new: 0.25, diff: 0.04999999999999999 },
        'train.epochs': { old: 10, new: 20, diff: 10 },
      },
    });
  });

  it('compares two commits, from a subfolder, and rejects an unknown revision', async () => {
    const dir = await project();
    write(dir, { 'params.yaml': 'prepare:\n  split: 0.3\ntrain:\n  lr: 1.0e-05\n  epochs: 10\n' });
    await commit(dir, 'second');
    mkdirSync(join(dir, 'sub'));
    const result = await cairn(['params', 'diff', 'HEAD~1', 'HEAD'], { cwd: join(dir, 'sub') });
    expect(result.stdout).toBe(
      [
        'Path            Param          HEAD~1    HEAD',
        '../params.yaml  prepare.split  0.2       0.3',
        '../params.yaml  train.lr       0.01      1e-05',
      ].join('\n'),
    );
    const bad = await cairn(['params', 'diff', 'nope'], { cwd: dir });
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toBe("error: unknown git revision 'nope'");
  });
});

describe('cairn metrics', () => {
  it('shows workspace metrics rounded to the precision', async () => {
    const dir = await project();
    write(dir, { 'metrics.json': '{"acc": 0.123456789, "loss": 0.5, "tags": ["x"]}' });
    expect((await cairn(['metrics', 'show'], { cwd: dir })).stdout).toBe(
      'Path          acc      loss\nmetrics.json  0.12346  0.5',
    );
    expect(
      (await cairn(['metrics', 'show', '--precision', '2', '--md'], { cwd: dir })).stdout,
    ).toBe(
      '| Path         | acc   | loss   |\n|--------------|-------|--------|\n| metrics.json | 0.12  | 0.5    |',
    );
    const json = await cairn(['metrics', 'show', '--json'], { cwd: dir });
    expect(JSON.parse(json.stdout)).toEqual({
      '': { data: { 'metrics.json': { data: { acc: 0.123456789, loss: 0.5 } } } },
    });
    const bad = await cairn(['metrics', 'show', '--precision', 'x'], { cwd: dir });
    expect(bad.exitCode).toBe(2);
  });

  it('diffs metrics with the Change column, and warns about unreadable files', async () => {
    const dir = await project();
    write(dir, { 'metrics.json': '{"acc": 0.8, "loss": 0.5, "per_class": {"a": 0.625, "b": 1}}' });
    const result = await cairn(['metrics', 'diff'], { cwd: dir });
    expect(result).toEqual({
      exitCode: 0,
      stderr: '',
      stdout: [
        'Path          Metric       HEAD    workspace    Change',
        'metrics.json  acc          0.75    0.8          0.05',
        'metrics.json  per_class.a  0.5     0.625        0.125',
        'metrics.json  per_class.b  -       1            -',
      ].join('\n'),
    });
    const json = await cairn(['metrics', 'diff', '--json', '--all'], { cwd: dir });
    expect(JSON.parse(json.stdout)['metrics.json'].loss).toEqual({ old: 0.5, new: 0.5, diff: 0 });
    write(dir, { 'metrics.json': '{"acc": ' });
    const broken = await cairn(['metrics', 'diff', '--no-path'], { cwd: dir });
    expect(broken.exitCode).toBe(0);
    expect(broken.stderr).toMatch(
      /^warning: failed to load some metrics for following revisions: 'workspace'\.\n {2}workspace: metrics\.json: metrics\.json:1:\d+: invalid JSON/,
    );
    expect(broken.stdout).toBe(
      [
        'Metric       HEAD    workspace    Change',
        'acc          0.75    -            -',
        'loss         0.5     -            -',
        'per_class.a  0.5     -            -',
      ].join('\n'),
    );
  });
});

describe('cairn check-git-binaries', () => {
  it('exits 1 listing tracked artifacts and big files, 0 when clean', async () => {
    const dir = await project();
    const clean = await cairn(['check-git-binaries'], { cwd: dir });
    expect(clean).toEqual({
      exitCode: 0,
      stderr: '',
      stdout: 'No data or artifact files are tracked by git.',
    });
    write(dir, { 'models/net.onnx': 'onnx', 'data/big.csv': 'x'.repeat(3000) });
    await commit(dir);
    const found = await cairn(['check-git-binaries', '--max-size', '2KB'], { cwd: dir });
    expect(found.exitCode).toBe(1);
    expect(found.stdout).toBe(
      [
        'data/big.csv       2.9 KiB  size',
        'models/net.onnx        4 B  extension',
        '',
        '2 files tracked by git look like data or artifacts.',
        'hint: move them to DVC: git rm --cached <file> && cairn add <file>',
      ].join('\n'),
    );
    const json = await cairn(['check-git-binaries', '--json', '--ext', '.csv,.txt'], { cwd: dir });
    expect(json.exitCode).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({
      files: [
        { path: 'data.csv', size: 4, reasons: ['extension'] },
        { path: 'data/big.csv', size: 3000, reasons: ['extension'] },
      ],
      maxSize: 1048576,
      extensions: ['.csv', '.txt'],
    });
    const bad = await cairn(['check-git-binaries', '--max-size', 'huge'], { cwd: dir });
    expect(bad.exitCode).toBe(2);
  });
});

describe('cairn stage add', () => {
  it('takes everything after the first non-option as the command, writes and runs the stage', async () => {
    const dir = await gitRepo();
    await cairn(['init'], { cwd: dir });
    write(dir, { 'raw.txt': 'abc\n', 'params.yaml': 'prep:\n  upper: true\n' });
    const added = await cairn(
      [
        'stage',
        'add',
        '-n',
        'prep',
        '-d',
        'raw.txt',
        '-p',
        'prep.upper',
        '-o',
        'up.txt',
        '--run',
        'tr',
        'a-z',
        'A-Z',
        '<',
        'raw.txt',
        '>',
        'up.txt',
        '#',
        '-o',
        'not-an-output',
      ],
      { cwd: dir },
    );
    expect(added.exitCode).toBe(0);
    expect(added.stdout).toContain("Added stage 'prep' in 'dvc.yaml'");
    const yaml = (await run('cat', ['dvc.yaml'], dir)).trim();
    expect(yaml).toBe(
      [
        'stages:',
        '  prep:',
        "    cmd: 'tr a-z A-Z < raw.txt > up.txt # -o not-an-output'",
        '    deps:',
        '    - raw.txt',
        '    params:',
        '    - prep.upper',
        '    outs:',
        '    - up.txt',
      ].join('\n'),
    );
    expect((await run('cat', ['up.txt'], dir)).trim()).toBe('ABC');
    expect((await run('cat', ['.gitignore'], dir)).trim()).toBe('/up.txt');

    expect((await cairn(['stage', 'list'], { cwd: dir })).stdout).toBe('prep  Outputs up.txt');
    expect((await cairn(['freeze', 'prep'], { cwd: dir })).exitCode).toBe(0);
    expect((await cairn(['repro'], { cwd: dir })).stdout).toContain(
      "Stage 'prep' is frozen, skipping",
    );
    expect((await cairn(['unfreeze', 'prep'], { cwd: dir })).exitCode).toBe(0);

    const again = await cairn(['stage', 'add', '-n', 'prep', '--', 'true'], { cwd: dir });
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain("Stage 'prep' already exists in 'dvc.yaml'.");
    const bad = await cairn(['stage', 'add', '-n', 'x', '-o', 'up.txt', 'true'], { cwd: dir });
    expect(bad.exitCode).toBe(1);
    expect((await run('cat', ['dvc.yaml'], dir)).trim()).toBe(yaml);
  });
});

describe('cairn repro -k / --ignore-errors', () => {
  it('keeps going past a failed stage and exits 1; --ignore-errors exits 0', async () => {
    const dir = await gitRepo();
    await cairn(['init'], { cwd: dir });
    write(dir, {
      'dvc.yaml':
        'stages:\n  broken:\n    cmd: exit 3\n    outs:\n    - a.txt\n  apart:\n    cmd: echo c > c.txt\n    outs:\n    - c.txt\n',
    });
    const kept = await cairn(['repro', '-k', '--no-manifests', '--json'], { cwd: dir });
    expect(kept.exitCode).toBe(1);
    expect(kept.stderr).toContain("failed to reproduce 'broken'");
    expect((await run('cat', ['c.txt'], dir)).trim()).toBe('c');
    const ignored = await cairn(['repro', '--ignore-errors', '--no-manifests', '--json'], {
      cwd: dir,
    });
    expect(ignored.exitCode).toBe(0);
    expect(JSON.parse(ignored.stdout).stages).toEqual([
      expect.objectContaining({ stage: 'broken', action: 'failed' }),
      expect.objectContaining({ stage: 'apart', action: 'skipped' }),
    ]);
    const both = await cairn(['repro', '-k', '--ignore-errors'], { cwd: dir });
    expect(both.exitCode).toBe(2);
  });
});

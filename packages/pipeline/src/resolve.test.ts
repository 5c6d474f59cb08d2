// biome-ignore-all lint/suspicious/noTemplateCurlyInString: dvc.yaml templates use ${...}
import { PyFloat } from '@cairn/core-io';
import { describe, expect, it } from 'vitest';
import { tempRepo } from '../test/helpers.js';
import { loadPipeline } from './pipeline.js';
import type { Stage } from './stage.js';

async function stagesOf(files: Record<string, string>): Promise<Stage[]> {
  const root = tempRepo(files);
  return (await loadPipeline({ root, dvcfiles: ['dvc.yaml'] })).stages;
}

function byName(stages: Stage[]): Record<string, Stage> {
  return Object.fromEntries(stages.map((s) => [s.name, s]));
}

describe('dvc.yaml stages', () => {
  it('reads every field with its defaults', async () => {
    const [stage] = await stagesOf({
      'dvc.yaml': `stages:
  train:
    cmd: [python prep.py, python train.py]
    wdir: src
    deps: [train.py, ../data/prepared]
    params:
    - lr
    - nested.depth
    - ../configs/model.yaml: [layers]
    - ../other.toml:
    outs:
    - ../models/model.pkl
    - ../cache-off:
        cache: false
        persist: true
        push: false
        remote: backup
        desc: a folder
    metrics:
    - ../metrics.json:
        cache: false
    plots:
    - ../plots/roc.csv:
        x: fpr
        y: tpr
        cache: false
    frozen: true
    always_changed: true
    desc: trains
`,
    });
    expect(stage).toMatchObject({
      kind: 'stage',
      name: 'train',
      addressing: 'train',
      dvcfile: 'dvc.yaml',
      cmd: ['python prep.py', 'python train.py'],
      commands: ['python prep.py', 'python train.py'],
      wdir: 'src',
      deps: [
        { defPath: 'train.py', path: 'src/train.py', external: false },
        { defPath: '../data/prepared', path: 'data/prepared', external: false },
      ],
      params: [
        { file: 'params.yaml', path: 'src/params.yaml', keys: ['lr', 'nested.depth'] },
        { file: '../configs/model.yaml', path: 'configs/model.yaml', keys: ['layers'] },
        { file: '../other.toml', path: 'other.toml', keys: [] },
      ],
      frozen: true,
      alwaysChanged: true,
      desc: 'trains',
    });
    expect(stage?.wdirAbs.endsWith('/src')).toBe(true);
    expect(stage?.outs).toEqual([
      {
        defPath: '../models/model.pkl',
        path: 'models/model.pkl',
        external: false,
        kind: 'out',
        cache: true,
        persist: false,
        push: true,
      },
      {
        defPath: '../cache-off',
        path: 'cache-off',
        external: false,
        kind: 'out',
        cache: false,
        persist: true,
        push: false,
        remote: 'backup',
        desc: 'a folder',
      },
      {
        defPath: '../metrics.json',
        path: 'metrics.json',
        external: false,
        kind: 'metric',
        cache: false,
        persist: false,
        push: true,
      },
      {
        defPath: '../plots/roc.csv',
        path: 'plots/roc.csv',
        external: false,
        kind: 'plot',
        cache: false,
        persist: false,
        push: true,
        plot: { x: 'fpr', y: 'tpr' },
      },
    ]);
  });

  it('tracks a whole params file once it is listed without keys', async () => {
    const [stage] = await stagesOf({
      'dvc.yaml':
        'stages:\n  s:\n    cmd: echo\n    params:\n    - a\n    - params.yaml:\n    - b\n',
    });
    expect(stage?.params).toEqual([{ file: 'params.yaml', path: 'params.yaml', keys: [] }]);
  });
});

describe('templating', () => {
  it('interpolates params.yaml and vars, keeping types for whole values', async () => {
    const stages = await stagesOf({
      'params.yaml': 'train:\n  lr: 1.0\n  epochs: 10\n  frozen: true\nmodels: [a, b]\n',
      'extra.yaml': 'seed: 42\nunused: 1\n',
      'dvc.yaml': `vars:
- extra.yaml:seed
- opts: {dropout: 0.5, name: my model, verbose: true, quiet: false, sizes: [1, 2]}
stages:
  train:
    cmd: python train.py --lr \${train.lr} --seed \${seed} \${opts} \\\${HOME} \${models[1]}
    meta: \${train.frozen}
    desc: \${train.epochs}
`,
    });
    const train = byName(stages).train;
    expect(train?.cmd).toBe(
      "python train.py --lr 1.0 --seed 42 --dropout 0.5 --name 'my model' --verbose --sizes 1 2 ${HOME} b",
    );
    expect(train?.meta).toBe(true);
    expect(train?.desc).toBeUndefined(); // desc became the int 10: not a string
  });

  it('expands foreach over a list, a dict and a list of dicts', async () => {
    const stages = await stagesOf({
      'params.yaml': 'models:\n  us: {thresh: 10}\n  gb: {thresh: 15}\n',
      'dvc.yaml': `stages:
  build:
    foreach: [model1, 2021, 1.0]
    do:
      cmd: echo \${item}
      outs: ['out-\${item}']
  per:
    foreach: \${models}
    do:
      cmd: echo \${key} \${item.thresh}
  rows:
    foreach: [{a: 1}, {a: 2}]
    do:
      cmd: echo \${item.a}
`,
    });
    expect(stages.map((s) => [s.name, s.cmd])).toEqual([
      ['build@model1', 'echo model1'],
      ['build@2021', 'echo 2021'],
      ['build@1.0', 'echo 1.0'],
      ['per@us', 'echo us 10'],
      ['per@gb', 'echo gb 15'],
      ['rows@0', 'echo 1'],
      ['rows@1', 'echo 2'],
    ]);
    expect(stages[1]).toMatchObject({
      group: 'build',
      groupKey: '2021',
      outs: [{ path: 'out-2021' }],
    });
  });

  it('expands matrix like DVC (tests/func/parsing/test_matrix.py)', async () => {
    const stages = await stagesOf({
      'params.yaml':
        'os: [win, linux]\npyv: [3.7, 3.8]\ndict: [{arg1: 1}, {arg2: 2}]\nlist: [[out1, out11], [out2, out22]]\n',
      'dvc.yaml': `stages:
  build:
    matrix:
      os: \${os}
      pyv: \${pyv}
      dict: \${dict}
      list: \${list}
    cmd: echo \${item.os} \${item.pyv} \${item.dict} -- \${item.list.0} \${item.list.1}
  keyed:
    matrix: {a: [x], b: [1, 2]}
    cmd: echo \${key}
`,
    });
    const names = stages.map((s) => s.name);
    expect(names.slice(0, 3)).toEqual([
      'build@win-3.7-dict0-list0',
      'build@win-3.7-dict0-list1',
      'build@win-3.7-dict1-list0',
    ]);
    expect(names).toHaveLength(18);
    expect(byName(stages)['build@linux-3.8-dict1-list1']?.cmd).toBe(
      'echo linux 3.8 --arg2 2 -- out2 out22',
    );
    expect(byName(stages)['keyed@x-2']?.cmd).toBe('echo x-2');
  });

  it('names the file, line, field and stage of a missing key', async () => {
    await expect(
      stagesOf({
        'dvc.yaml':
          'stages:\n  build:\n    foreach: [a]\n    do:\n      cmd: echo ${item} ${missing.key}\n',
      }),
    ).rejects.toThrow(
      "dvc.yaml:5:12: stages.build.do.cmd (stage 'build@a'): Could not find 'missing.key'",
    );
  });

  it('rejects a list in a partial string and a dict outside cmd', async () => {
    const files = (field: string) => ({
      'params.yaml': 'l: [1, 2]\nd: {a: 1}\n',
      'dvc.yaml': `stages:\n  s:\n    cmd: echo\n    ${field}\n`,
    });
    await expect(stagesOf(files('deps: ["x-${l}"]'))).rejects.toThrow(
      "stages.s.deps: Cannot interpolate data of type 'list'",
    );
    await expect(stagesOf(files('desc: ${d}'))).rejects.toThrow(
      "Cannot interpolate data of type 'dict'",
    );
  });

  it('refuses to redefine a variable', async () => {
    await expect(
      stagesOf({
        'params.yaml': 'lr: 1\n',
        'dvc.yaml': 'vars:\n- {lr: 2}\nstages:\n  s:\n    cmd: echo ${lr}\n',
      }),
    ).rejects.toThrow(
      "dvc.yaml:2:3: vars[0]: cannot redefine 'lr' from 'vars[0]' as it already exists in 'params.yaml'",
    );
  });

  it('reports bad expressions, missing vars files and interpolated vars', async () => {
    await expect(
      stagesOf({ 'dvc.yaml': 'stages:\n  s:\n    cmd: echo ${a..b}\n' }),
    ).rejects.toThrow("stages.s.cmd: invalid expression '${a..b}'");
    await expect(stagesOf({ 'dvc.yaml': 'vars: [nope.yaml]\nstages: {}\n' })).rejects.toThrow(
      "vars[0]: 'nope.yaml' does not exist",
    );
    await expect(
      stagesOf({ 'v.yaml': 'a: 1\n', 'dvc.yaml': 'vars: [v.yaml:b]\nstages: {}\n' }),
    ).rejects.toThrow("could not find 'b' in 'v.yaml'");
    await expect(stagesOf({ 'dvc.yaml': 'vars: [{a: "${b}"}]\nstages: {}\n' })).rejects.toThrow(
      'vars: interpolating is not allowed',
    );
  });

  it('loads stage-level vars relative to the stage wdir, and keeps item reserved', async () => {
    const stages = await stagesOf({
      'sub/local.yaml': 'x: 7\n',
      'dvc.yaml': 'stages:\n  s:\n    wdir: sub\n    vars: [local.yaml]\n    cmd: echo ${x}\n',
    });
    expect(stages[0]?.cmd).toBe('echo 7');
    await expect(
      stagesOf({
        'dvc.yaml':
          'stages:\n  f:\n    foreach: [a]\n    do:\n      vars: [{item: 1}]\n      cmd: echo\n',
      }),
    ).rejects.toThrow("attempted to modify reserved key 'item'");
  });

  it('validates the file against the schema with positions', async () => {
    await expect(
      stagesOf({ 'dvc.yaml': 'stages:\n  s:\n    cmd: echo\n    frozen: yes\n' }),
    ).rejects.toThrow('dvc.yaml:4:13: stages.s.frozen: expected boolean, got string "yes"');
  });

  it('keeps the float-ness of interpolated values', async () => {
    const root = tempRepo({
      'params.yaml': 'lr: 1.0\n',
      'dvc.yaml': 'stages:\n  s:\n    cmd: echo\n    meta: ${lr}\n',
    });
    const { stages } = await loadPipeline({ root });
    expect(stages[0]?.meta).toEqual(new PyFloat(1));
  });
});

describe('YAML mistakes', () => {
  it('hints at quoting a template inside a flow list', async () => {
    await expect(
      stagesOf({
        'dvc.yaml':
          'stages:\n  s:\n    foreach: [a]\n    do:\n      cmd: x\n      outs: [o-${item}]\n',
      }),
    ).rejects.toMatchObject({
      code: 'CAIRN_PARSE',
      message: expect.stringMatching(/^dvc\.yaml:6:\d+: invalid YAML/),
      hint: expect.stringContaining('quote values that contain ${...} inside [ ] or { }'),
    });
  });
});

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: dvc.yaml templates use ${...}
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffTable, diffToJson, metricsTable, renderTable } from '../src/compare.js';
import { metricsDiff, showMetrics } from '../src/metrics.js';
import { paramsDiff, showParams } from '../src/params.js';
import { toJsonValue } from '../src/py-value.js';
import { commitAll, gitRepo, tempRepo, writeFiles } from './helpers.js';

const DVC_YAML = `params: [config.json]
metrics: [summary.json]
stages:
  train:
    cmd: python train.py
    params: [train.lr, seed]
    metrics:
    - scores.json:
        cache: false
    - cached.json
  evaluate:
    cmd: python eval.py
    params: [{eval.yaml: }]
    metrics:
    - eval:
        cache: false
`;

describe('metrics show', () => {
  it('reads stage and top-level metrics, folders expanded, lists dropped', async () => {
    const root = tempRepo({
      'dvc.yaml': DVC_YAML,
      'scores.json': '{"acc": 0.91, "loss": 0.25, "hist": [1, 2], "n": 10}',
      'summary.json': '{"f1": {"macro": 0.5}}',
      'eval/a.yaml': 'auc: 0.75\n',
      'eval/b.csv': 'step,auc\n0,0.5\n1,0.625\n',
    });
    const data = await showMetrics({ root });
    expect([...data.fileErrors.keys()]).toEqual(['cached.json']);
    expect(data.fileErrors.get('cached.json')?.message).toBe("'cached.json' does not exist");
    const rows = [...data.files].map(([path, value]) => ({ path, data: value }));
    expect(renderTable(metricsTable(rows))).toBe(
      [
        'Path          acc    auc    f1.macro    loss    n    step',
        'scores.json   0.91   -      -           0.25    10   -',
        'eval/a.yaml   -      0.75   -           -       -    -',
        'eval/b.csv    -      0.625  -           -       -    1',
        'summary.json  -      -      0.5         -       -    -',
      ].join('\n'),
    );
  });
});

describe('metrics diff', () => {
  it('compares HEAD with the workspace, reading cached metrics through dvc.lock', async () => {
    const root = gitRepo({
      'dvc.yaml': DVC_YAML,
      'scores.json': '{"acc": 0.9, "loss": 0.3}',
      'dvc.lock': `schema: '2.0'
stages:
  train:
    cmd: python train.py
    outs:
    - path: cached.json
      hash: md5
      md5: 0123456789abcdef0123456789abcdef
      size: 12
`,
      '.gitignore': '/cached.json\n/.dvc/cache\n',
    });
    mkdirSync(join(root, '.dvc/cache/files/md5/01'), { recursive: true });
    writeFileSync(
      join(root, '.dvc/cache/files/md5/01/23456789abcdef0123456789abcdef'),
      '{"auc": 0.5}',
    );
    writeFiles(root, {
      'scores.json': '{"acc": 0.95, "loss": 0.3}',
      'cached.json': '{"auc": 0.625}',
    });
    const { diff, errors } = await metricsDiff({ root });
    expect(diffToJson(diff)).toEqual({
      'cached.json': { auc: { old: 0.5, new: 0.625, diff: 0.125 } },
      'scores.json': { acc: { old: 0.9, new: 0.95, diff: expect.closeTo(0.05, 12) } },
    });
    expect(errors.map((e) => [e.rev, [...e.fileErrors.keys()]])).toEqual([
      ['HEAD', ['eval', 'summary.json']],
      ['workspace', ['eval', 'summary.json']],
    ]);
    expect(renderTable(diffTable(diff, { title: 'Metric', precision: 5 }))).toBe(
      [
        'Path         Metric    HEAD    workspace    Change',
        'cached.json  auc       0.5     0.625        0.125',
        'scores.json  acc       0.9     0.95         0.05',
      ].join('\n'),
    );
    const all = await metricsDiff({ root, all: true, targets: ['scores.json'] });
    expect(Object.keys(all.diff['scores.json'] ?? {})).toEqual(['acc', 'loss']);
  });

  it('is empty in a repository without commits, and reports an unreadable revision', async () => {
    const root = gitRepo();
    writeFiles(root, { 'dvc.yaml': DVC_YAML, 'scores.json': '{"acc": 1}' });
    expect(await metricsDiff({ root })).toEqual({ diff: {}, errors: [] });
    writeFiles(root, { 'dvc.yaml': 'stages: [oops]\n' });
    commitAll(root, 'broken');
    writeFiles(root, { 'dvc.yaml': DVC_YAML });
    const { diff, errors } = await metricsDiff({ root, targets: ['scores.json'] });
    expect(diffToJson(diff)).toEqual({ 'scores.json': { acc: { old: null, new: 1 } } });
    expect(errors[0]?.rev).toBe('HEAD');
    expect(errors[0]?.error?.message).toBe('dvc.yaml:1:1: stages: expected record, got a list');
    await expect(metricsDiff({ root, aRev: 'nope' })).rejects.toThrow(
      "unknown git revision 'nope'",
    );
  });
});

describe('params diff', () => {
  it('diffs tracked keys, whole files, top-level params and vars files', async () => {
    const root = gitRepo({
      'dvc.yaml': `${DVC_YAML}  report:\n    vars: [report.yaml]\n    cmd: echo \${title}\n`,
      'params.yaml': 'train:\n  lr: 0.1\n  epochs: 5\nseed: 1\nother: x\n',
      'eval.yaml': 'threshold: 0.5\n',
      'config.json': '{"batch": 32, "layers": [1, 2]}',
      'report.yaml': 'title: first\nunused: 1\n',
    });
    writeFiles(root, {
      'params.yaml': 'train:\n  lr: 1.0\n  epochs: 5\nseed: 1\nother: y\n',
      'eval.yaml': 'threshold: 0.5\nmetric: f1\n',
      'config.json': '{"batch": 32, "layers": [1, 2, 3]}',
      'report.yaml': 'title: second\nunused: 2\n',
    });
    const { diff } = await paramsDiff({ root });
    expect(renderTable(diffTable(diff, { title: 'Param', showChanges: false }))).toBe(
      [
        'Path         Param     HEAD    workspace',
        'config.json  layers    [1, 2]  [1, 2, 3]',
        'eval.yaml    metric    -       f1',
        'params.yaml  other     x       y',
        'params.yaml  train.lr  0.1     1.0',
        'report.yaml  title     first   second',
      ].join('\n'),
    );
    const deps = await paramsDiff({ root, deps: true, all: true });
    expect(Object.keys(deps.diff['params.yaml'] ?? {})).toEqual(['train.lr', 'seed']);
    expect(Object.keys(deps.diff)).toEqual(['eval.yaml', 'params.yaml', 'report.yaml']);
    const show = await showParams({ root });
    expect(toJsonValue(show.files.get('report.yaml'))).toEqual({ title: 'second' });
  });
});

describe('a DVC project in a subfolder of the git work tree', () => {
  it('reads params at a revision relative to the project folder', async () => {
    const top = gitRepo({
      'project/dvc.yaml': 'stages:\n  s:\n    cmd: x\n    params: [lr]\n',
      'project/params.yaml': 'lr: 0.1\n',
    });
    const root = join(top, 'project');
    writeFiles(root, { 'params.yaml': 'lr: 0.2\n' });
    const { diff } = await paramsDiff({ root });
    expect(diffToJson(diff)).toEqual({ 'params.yaml': { lr: { old: 0.1, new: 0.2, diff: 0.1 } } });
  });
});

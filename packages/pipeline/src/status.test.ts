import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LockStage } from '@cairn/types';
import { describe, expect, it } from 'vitest';
import { tempRepo } from '../test/helpers.js';
import { type FileSource, workspaceSource } from './file-source.js';
import { computeLockEntry, type HashInfo, type HashName, parseLock } from './lock.js';
import { readTrackedParams } from './params.js';
import { loadPipeline } from './pipeline.js';
import type { PyDict } from './py-value.js';
import type { Stage } from './stage.js';
import { formatStatus, hashNamesFor, type StageState, stageStatus } from './status.js';

/** A state from fixed hashes and params read synchronously beforehand. */
async function stateOf(
  stage: Stage,
  source: FileSource,
  hashes: Record<string, HashInfo>,
  inCache: (path: string) => boolean = () => true,
): Promise<StageState> {
  const params = new Map<string, PyDict | undefined>();
  for (const p of stage.params) params.set(p.path, await readTrackedParams(source, p));
  return {
    hash: (path: string, name: HashName) => {
      const h = hashes[path];
      return h && (h.name ?? 'md5') === name
        ? h
        : h
          ? { ...h, name, value: `${name}:${h.value}` }
          : undefined;
    },
    params: (p) => params.get(p.path),
    inCache: (path) => inCache(path),
  };
}

async function setup(files: Record<string, string>) {
  const root = tempRepo(files);
  const source = workspaceSource(root);
  const pipeline = await loadPipeline({ root, source });
  return { root, source, stage: pipeline.stages[0] as Stage };
}

describe('stageStatus', () => {
  it('follows dvc tests/func/test_status.py test_params_without_targets', async () => {
    const { root, source, stage } = await setup({
      'dvc.yaml': 'stages:\n  test:\n    cmd: echo params.yaml\n    params:\n    - params.yaml:\n',
    });
    const status = async (lock?: LockStage) =>
      stageStatus(stage, lock, await stateOf(stage, source, {}));
    expect(await status()).toEqual([{ 'changed deps': { 'params.yaml': 'deleted' } }]);
    writeFileSync(join(root, 'params.yaml'), '');
    expect(await status()).toEqual([{ 'changed deps': { 'params.yaml': 'new' } }]);

    const commit = async () =>
      computeLockEntry(stage, {
        hashes: new Map(),
        params: new Map([
          ['params.yaml', (await readTrackedParams(source, stage.params[0] as never)) ?? {}],
        ]),
      });
    let lock = await commit();
    expect(lock).toEqual({ cmd: 'echo params.yaml', params: { 'params.yaml': {} } });
    expect(await status(lock)).toEqual([]);

    writeFileSync(join(root, 'params.yaml'), 'foo: foo\nbar: bar\n');
    expect(await status(lock)).toEqual([
      { 'changed deps': { 'params.yaml': { foo: 'new', bar: 'new' } } },
    ]);
    lock = await commit();
    writeFileSync(join(root, 'params.yaml'), 'foo: foobar\nlorem: ipsum\n');
    expect(await status(lock)).toEqual([
      { 'changed deps': { 'params.yaml': { foo: 'modified', lorem: 'new', bar: 'deleted' } } },
    ]);
  });

  it('reports deps, outs, command and always-changed in DVC order', async () => {
    const { source, stage } = await setup({
      'params.yaml': 'lr: 1.0\n',
      'dvc.yaml':
        'stages:\n  train:\n    cmd: python train.py\n    deps: [a.csv, b.csv, gone.csv]\n    params: [lr]\n    outs: [model, cached]\n    always_changed: true\n',
    });
    const lock = parseLock(`schema: '2.0'
stages:
  train:
    cmd: python  train.py
    deps:
    - path: a.csv
      hash: md5
      md5: aaaa
    - path: b.csv
      hash: md5
      md5: bbbb
      size: 1
    params:
      params.yaml:
        lr: 1
    outs:
    - path: cached
      hash: md5
      md5: cccc
    - path: model
      hash: md5
      md5: dddd
`).stages.train;
    const state = await stateOf(
      stage,
      source,
      {
        'a.csv': { value: 'aaaa', size: 99 },
        'b.csv': { value: 'changed' },
        cached: { value: 'cccc' },
      },
      (path) => path !== 'cached',
    );
    const status = stageStatus(stage, lock, state);
    expect(status).toEqual([
      { 'changed deps': { 'b.csv': 'modified', 'gone.csv': 'deleted' } },
      { 'changed outs': { model: 'deleted', cached: 'not in cache' } },
      'always changed',
      'changed command',
    ]);
    expect(formatStatus({ train: status })).toBe(
      [
        'train:',
        '\tchanged deps:',
        '\t\tmodified:           b.csv',
        '\t\tdeleted:            gone.csv',
        '\tchanged outs:',
        '\t\tdeleted:            model',
        '\t\tnot in cache:       cached',
        '\talways changed',
        '\tchanged command',
      ].join('\n'),
    );
  });

  it('treats a never-run stage as modified, and skips deps of a frozen stage', async () => {
    const { source, stage } = await setup({
      'params.yaml': 'lr: 0.1\n',
      'dvc.yaml': 'stages:\n  s:\n    cmd: x\n    deps: [in]\n    params: [lr]\n    outs: [out]\n',
    });
    const state = await stateOf(stage, source, { in: { value: '1' }, out: { value: '2' } });
    expect(stageStatus(stage, undefined, state)).toEqual([
      { 'changed deps': { in: 'modified', 'params.yaml': 'new' } },
      { 'changed outs': { out: 'modified' } },
    ]);
    expect(stageStatus({ ...stage, frozen: true }, undefined, state)).toEqual([
      { 'changed outs': { out: 'modified' } },
    ]);
    expect(formatStatus({})).toBe('Data and pipelines are up to date.');
    expect(formatStatus({ s: [{ 'changed deps': { 'params.yaml': { lr: 'modified' } } }] })).toBe(
      's:\n\tchanged deps:\n\t\tparams.yaml:\n\t\t\tmodified:           lr',
    );
  });

  it('asks for md5-dos2unix where the lock entry is legacy, and compares params as Python does', async () => {
    const { source, stage } = await setup({
      'params.yaml': 'lr: 1\nlist: [1, 2]\n',
      'dvc.yaml': 'stages:\n  s:\n    cmd: x\n    deps: [old]\n    params: [lr, list]\n',
    });
    const lock = parseLock(
      "schema: '2.0'\nstages:\n  s:\n    cmd: x\n    deps:\n    - path: old\n      md5: abc\n    params:\n      params.yaml:\n        lr: 1.0\n        list: [1, 2.0]\n",
    ).stages.s;
    expect([...hashNamesFor(stage, lock)]).toEqual([['old', 'md5-dos2unix']]);
    const state = await stateOf(stage, source, { old: { name: 'md5-dos2unix', value: 'abc' } });
    expect(stageStatus(stage, lock, state)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { tempRepo } from '../test/helpers.js';
import { loadPipeline } from './pipeline.js';
import { listStages } from './stage-list.js';

const ROOT = `stages:
  prepare:
    cmd: python prepare.py
    deps: [data.xml]
    outs: [prepared]
  train:
    desc: |

      Fits the model.
      Second line.
    cmd: python train.py
    deps: [prepared]
    outs: [model.pkl]
    metrics: [scores.json]
  check:
    cmd: ./check.sh
    deps: [model.pkl]
  noop:
    cmd: "true"
`;

const SUB = `stages:
  report:
    cmd: make
    plots: [${'x'.repeat(90)}.csv]
`;

describe('listStages (dvc stage list)', () => {
  it("describes each stage as DVC does: desc's first line, else outputs and reports", async () => {
    const root = tempRepo({
      'dvc.yaml': ROOT,
      'sub/dvc.yaml': SUB,
      'raw.dvc':
        'outs:\n- md5: 0cc175b9c0f1b6a831c399e269772661\n  size: 1\n  hash: md5\n  path: raw\n',
    });
    const pipeline = await loadPipeline({ root });
    expect(listStages(pipeline)).toEqual([
      { addressing: 'prepare', description: 'Outputs prepared' },
      { addressing: 'train', description: 'Fits the model.' },
      { addressing: 'check', description: 'Depends on model.pkl' },
      { addressing: 'noop', description: 'No outputs or dependencies' },
    ]);
    const sub = listStages(pipeline, { cwd: 'sub' });
    expect(sub).toEqual([
      { addressing: 'sub/dvc.yaml:report', description: `Reports ${'x'.repeat(71)}…` },
    ]);
    expect(sub[0]?.description).toHaveLength(80);
    expect(
      listStages(pipeline, { targets: ['raw.dvc', 'train'] }).map((e) => e.description),
    ).toEqual(['Outputs raw', 'Fits the model.']);
    expect(listStages(pipeline, { all: true }).map((e) => e.addressing)).toEqual(
      expect.arrayContaining(['raw.dvc', 'sub/dvc.yaml:report', 'train']),
    );
    expect(listStages(pipeline, { targets: ['.'], recursive: true })).toHaveLength(6);
    expect(() => listStages(pipeline, { targets: ['nope'] })).toThrow(/'nope' does not exist/);
  });
});

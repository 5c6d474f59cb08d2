// biome-ignore-all lint/suspicious/noTemplateCurlyInString: dvc.yaml templates use ${...}
import { describe, expect, it } from 'vitest';
import { tempRepo } from '../test/helpers.js';
import { buildDag } from './dag.js';
import { dagToJson, renderDot, renderMermaid, renderText } from './dag-render.js';
import { findTargets, loadPipeline, selectStages } from './pipeline.js';
import { stagePath } from './stage.js';

const PIPELINE = `stages:
  prepare:
    cmd: python prepare.py
    deps: [data/data.xml, prepare.py]
    outs: [data/prepared]
  featurize:
    cmd: python featurize.py
    deps: [data/prepared/train.tsv, featurize.py]
    outs: [data/features]
  train:
    cmd: python train.py
    deps: [data/features]
    params: [train.lr]
    outs: [model.pkl]
  evaluate:
    cmd: python evaluate.py
    deps: [model.pkl, data/features]
    metrics: [{eval/metrics.json: {cache: false}}]
  report:
    cmd: echo
    deps: [eval]
`;

async function pipelineOf(files: Record<string, string>) {
  return loadPipeline({ root: tempRepo(files) });
}

const names = (nodes: Array<{ addressing: string }>) => nodes.map((n) => n.addressing);

describe('the stage graph', () => {
  it('links outputs to dependencies, folders both ways, and data sources', async () => {
    const p = await pipelineOf({
      'dvc.yaml': PIPELINE,
      'data/data.xml.dvc':
        'outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\n  hash: md5\n  path: data.xml\n',
    });
    expect(dagToJson(p.dag).edges).toEqual([
      { from: 'data/data.xml.dvc', to: 'prepare', paths: ['data/data.xml'] },
      { from: 'prepare', to: 'featurize', paths: ['data/prepared/train.tsv'] },
      { from: 'featurize', to: 'train', paths: ['data/features'] },
      { from: 'train', to: 'evaluate', paths: ['model.pkl'] },
      { from: 'featurize', to: 'evaluate', paths: ['data/features'] },
      { from: 'evaluate', to: 'report', paths: ['eval'] },
    ]);
    expect(names(p.dag.topologicalOrder())).toEqual([
      'data/data.xml.dvc',
      'prepare',
      'featurize',
      'train',
      'evaluate',
      'report',
    ]);
  });

  it('selects upstream, downstream and whole pipelines for targets', async () => {
    const p = await pipelineOf({
      'dvc.yaml': `${PIPELINE}  lonely:\n    cmd: echo\n`,
    });
    expect(names(selectStages(p, ['train']))).toEqual(['prepare', 'featurize', 'train']);
    expect(names(selectStages(p, ['dvc.yaml:featurize'], { downstream: true }))).toEqual([
      'featurize',
      'train',
      'evaluate',
      'report',
    ]);
    expect(names(selectStages(p, ['model.pkl']))).toEqual(['prepare', 'featurize', 'train']);
    expect(names(selectStages(p, ['lonely'], { pipeline: true }))).toEqual(['lonely']);
    expect(names(selectStages(p, ['t*'], { glob: true }))).toEqual([
      'prepare',
      'featurize',
      'train',
    ]);
    expect(() => findTargets(p, 'nope')).toThrow("'nope' does not exist");
  });

  it('selects foreach groups and generated stages', async () => {
    const p = await pipelineOf({
      'dvc.yaml': 'stages:\n  build:\n    foreach: [a, b]\n    do:\n      cmd: echo ${item}\n',
    });
    expect(names(findTargets(p, 'build'))).toEqual(['build@a', 'build@b']);
    expect(names(findTargets(p, 'build@b'))).toEqual(['build@b']);
  });

  it('addresses stages of nested dvc.yaml files by path', async () => {
    const p = await pipelineOf({
      'dvc.yaml': 'stages:\n  top:\n    cmd: echo\n    deps: [sub/out.txt]\n',
      'sub/dvc.yaml': 'stages:\n  make:\n    cmd: echo\n    outs: [out.txt]\n',
    });
    expect(names(p.stages)).toEqual(['top', 'sub/dvc.yaml:make']);
    expect(names(selectStages(p, ['top']))).toEqual(['sub/dvc.yaml:make', 'top']);
    expect(names(findTargets(p, 'make', { cwd: 'sub' }))).toEqual(['sub/dvc.yaml:make']);
  });

  it('rejects cycles, naming the stages and the files', async () => {
    await expect(
      pipelineOf({
        'dvc.yaml':
          'stages:\n  a:\n    cmd: x\n    deps: [b.txt]\n    outs: [a.txt]\n  b:\n    cmd: x\n    deps: [a.txt]\n    outs: [b.txt]\n',
      }),
    ).rejects.toThrow(
      "Same item(s) are defined as both a dependency and an output in stages: b, a ('b' -[b.txt]-> 'a' -[a.txt]-> 'b')",
    );
    await expect(
      pipelineOf({
        'dvc.yaml': 'stages:\n  a:\n    cmd: x\n    deps: [a.txt]\n    outs: [a.txt]\n',
      }),
    ).rejects.toMatchObject({ code: 'CAIRN_PIPELINE_CYCLE' });
  });

  it('rejects an output claimed twice or inside another output', async () => {
    await expect(
      pipelineOf({
        'dvc.yaml': 'stages:\n  a:\n    cmd: x\n    outs: [o]\n  b:\n    cmd: x\n    outs: [o]\n',
      }),
    ).rejects.toThrow("output 'o' is specified more than once, in stages 'a' and 'b'");
    await expect(
      pipelineOf({
        'dvc.yaml':
          'stages:\n  a:\n    cmd: x\n    outs: [data]\n  b:\n    cmd: x\n    outs: [data/x.csv]\n',
      }),
    ).rejects.toThrow(
      "The output paths 'data' ('a') and 'data/x.csv' ('b') overlap and are thus in the same tracked directory.",
    );
  });
});

describe('dag output', () => {
  const node = (addressing: string, deps: string[], outs: string[]) => ({
    addressing,
    deps: deps.map((d) => stagePath(d, '')),
    outs: outs.map((o) => stagePath(o, '')),
  });
  const dag = buildDag([
    node('data.dvc', [], ['data']),
    node('prepare', ['data'], ['prepared']),
    node('train', ['prepared'], ['model']),
    node('evaluate', ['model', 'prepared'], []),
    node('other', [], []),
  ]);

  it('prints mermaid exactly as dvc dag --mermaid', () => {
    expect(renderMermaid(dag)).toBe(
      [
        'flowchart TD',
        '\tnode1["data.dvc"]',
        '\tnode2["evaluate"]',
        '\tnode3["prepare"]',
        '\tnode4["train"]',
        '\tnode1-->node3',
        '\tnode3-->node2',
        '\tnode3-->node4',
        '\tnode4-->node2',
        '\tnode5["other"]',
      ].join('\n'),
    );
    expect(renderMermaid(dag, { markdown: true })).toMatch(
      /^```mermaid\nflowchart TD\n[\s\S]*\n```$/,
    );
  });

  it('prints dot and text', () => {
    expect(renderDot(dag)).toBe(
      'strict digraph  {\n"data.dvc";\n"prepare";\n"train";\n"evaluate";\n"other";\n' +
        '"data.dvc" -> "prepare";\n"prepare" -> "train";\n"prepare" -> "evaluate";\n"train" -> "evaluate";\n}\n',
    );
    expect(renderText(dag)).toBe(
      'data.dvc\nprepare   <- data.dvc\ntrain     <- prepare\nevaluate  <- train, prepare\nother',
    );
  });
});

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newRepo, writeTree } from './helpers.js';

describe('addStage (dvc stage add)', () => {
  it('writes a new dvc.yaml byte for byte as DVC does, and ignores cached outputs in git', async () => {
    const repo = await newRepo();
    mkdirSync(join(repo.root, 'data'));
    const added = await repo.addStage({
      name: 'prepare',
      cmd: 'python src/prepare.py data/raw',
      deps: ['src/prepare.py', 'data/raw'],
      params: ['prepare.split,prepare.seed'],
      outs: ['data/prepared'],
      metricsNoCache: ['prepare.json'],
    });
    expect(added).toEqual({
      stage: 'prepare',
      file: 'dvc.yaml',
      created: true,
      replaced: false,
      gitignore: ['data/.gitignore'],
    });
    expect(readFileSync(join(repo.root, 'dvc.yaml'), 'utf8')).toBe(
      [
        'stages:',
        '  prepare:',
        '    cmd: python src/prepare.py data/raw',
        '    deps:',
        '    - data/raw',
        '    - src/prepare.py',
        '    params:',
        '    - prepare.seed',
        '    - prepare.split',
        '    outs:',
        '    - data/prepared',
        '    metrics:',
        '    - prepare.json:',
        '        cache: false',
        '',
      ].join('\n'),
    );
    expect(readFileSync(join(repo.root, 'data', '.gitignore'), 'utf8')).toBe('/prepared\n');
  });

  it('appends to an existing dvc.yaml, keeps its comments, replaces only with force', async () => {
    const repo = await newRepo();
    writeTree(repo.root, {
      'dvc.yaml':
        '# the pipeline\nstages:\n  prepare:  # first\n    cmd: ./prepare.sh\n    outs:\n    - prepared.txt\n',
      'sub/.keep': '',
    });
    await repo.addStage({
      name: 'train',
      cmd: 'python train.py --lr 0.1',
      desc: 'Train the model',
      deps: ['prepared.txt'],
      params: ['train.lr', 'config.yaml:model.depth', 'extra.yaml:'],
      outsPersist: ['model.pkl'],
      plots: ['plots.csv'],
      alwaysChanged: true,
    });
    const text = readFileSync(join(repo.root, 'dvc.yaml'), 'utf8');
    expect(text).toBe(
      [
        '# the pipeline',
        'stages:',
        '  prepare:  # first',
        '    cmd: ./prepare.sh',
        '    outs:',
        '    - prepared.txt',
        '  train:',
        '    desc: Train the model',
        '    cmd: python train.py --lr 0.1',
        '    deps:',
        '    - prepared.txt',
        '    params:',
        '    - train.lr',
        '    - config.yaml:',
        '      - model.depth',
        '    - extra.yaml:',
        '    outs:',
        '    - model.pkl:',
        '        persist: true',
        '    plots:',
        '    - plots.csv',
        '    always_changed: true',
        '',
      ].join('\n'),
    );
    await expect(repo.addStage({ name: 'train', cmd: 'true' })).rejects.toMatchObject({
      code: 'CAIRN_STAGE_EXISTS',
    });
    // A stage in a subfolder's dvc.yaml, addressed by its file.
    const sub = await repo.addStage({ name: 'report', cmd: 'make', cwd: join(repo.root, 'sub') });
    expect(sub.stage).toBe('sub/dvc.yaml:report');

    const replaced = await repo.addStage({
      name: 'prepare',
      cmd: './prepare.sh --v2',
      force: true,
      outs: ['prepared.txt'],
    });
    expect(replaced.replaced).toBe(true);
    // Only the stage's own lines below its name change (the comment on the name stays).
    expect(readFileSync(join(repo.root, 'dvc.yaml'), 'utf8')).toBe(
      text.replace('    cmd: ./prepare.sh\n', '    cmd: ./prepare.sh --v2\n'),
    );
  });

  it('refuses bad names, outputs another stage or pointer owns, and cycles; the file stays', async () => {
    const repo = await newRepo();
    writeTree(repo.root, { 'raw.csv': 'a\n' });
    await repo.add(['raw.csv']);
    await repo.addStage({ name: 'a', cmd: 'cp raw.csv a.txt', deps: ['raw.csv'], outs: ['a.txt'] });
    const before = readFileSync(join(repo.root, 'dvc.yaml'), 'utf8');
    await expect(repo.addStage({ name: 'a.b', cmd: 'true' })).rejects.toMatchObject({
      code: 'CAIRN_USAGE',
    });
    await expect(repo.addStage({ name: 'b', cmd: 'true', outs: ['a.txt'] })).rejects.toMatchObject({
      code: 'CAIRN_PIPELINE_DUPLICATE_OUTPUT',
    });
    await expect(
      repo.addStage({ name: 'c', cmd: 'true', outs: ['raw.csv'] }),
    ).rejects.toMatchObject({ code: 'CAIRN_PIPELINE_DUPLICATE_OUTPUT' });
    await expect(
      repo.addStage({ name: 'a', cmd: 'true', deps: ['b.txt'], outs: ['a.txt'], force: true }),
    ).resolves.toMatchObject({ replaced: true });
    await expect(
      repo.addStage({ name: 'b', cmd: 'true', deps: ['a.txt'], outs: ['b.txt'] }),
    ).rejects.toMatchObject({ code: 'CAIRN_PIPELINE_CYCLE' });
    writeFileSync(join(repo.root, 'dvc.yaml'), before);

    // A stage added this way runs under repro.
    const run = await repo.repro({ targets: ['a'] });
    expect(run.stages.map((s) => [s.stage, s.action])).toEqual([['a', 'ran']]);
    expect(readFileSync(join(repo.root, 'a.txt'), 'utf8')).toBe('a\n');
  });
});

describe('freeze / unfreeze (dvc freeze)', () => {
  it('adds and removes frozen: true on the stage or pointer file only; repro skips frozen stages', async () => {
    const repo = await newRepo();
    const yaml = [
      'stages:',
      '  copy:  # keep this comment',
      '    cmd: cp raw.txt copy.txt',
      '    deps:',
      '    - raw.txt',
      '    outs:',
      '    - copy.txt',
      '  other:',
      '    cmd: echo hi',
      '',
    ].join('\n');
    writeTree(repo.root, { 'dvc.yaml': yaml, 'raw.txt': 'raw\n', 'data.csv': 'a\n' });
    await repo.add(['data.csv']);
    const pointer = readFileSync(join(repo.root, 'data.csv.dvc'), 'utf8');

    expect(await repo.freeze(['copy', 'data.csv.dvc'])).toEqual(['copy', 'data.csv.dvc']);
    expect(readFileSync(join(repo.root, 'dvc.yaml'), 'utf8')).toBe(
      yaml.replace('    - copy.txt\n', '    - copy.txt\n    frozen: true\n'),
    );
    expect(readFileSync(join(repo.root, 'data.csv.dvc'), 'utf8')).toBe(`${pointer}frozen: true\n`);
    expect((await repo.repro()).stages.map((s) => [s.stage, s.action])).toEqual(
      expect.arrayContaining([['copy', 'frozen']]),
    );
    // Freezing again changes nothing.
    await repo.freeze(['copy']);
    expect(readFileSync(join(repo.root, 'dvc.yaml'), 'utf8')).toContain('frozen: true\n  other:');

    expect(await repo.unfreeze(['copy', 'data.csv.dvc'])).toEqual(['copy', 'data.csv.dvc']);
    expect(readFileSync(join(repo.root, 'dvc.yaml'), 'utf8')).toBe(yaml);
    expect(readFileSync(join(repo.root, 'data.csv.dvc'), 'utf8')).toBe(pointer);
    await expect(repo.freeze(['nope'])).rejects.toMatchObject({
      code: 'CAIRN_PIPELINE_TARGET_NOT_FOUND',
    });
  });
});

describe('remove (dvc remove) of stages', () => {
  it('drops the stage from dvc.yaml and dvc.lock and its outputs from .gitignore, with a pointer', async () => {
    const repo = await newRepo();
    const yaml =
      'stages:\n  copy:  # copies\n    cmd: cp raw.txt copy.txt\n    deps:\n    - raw.txt\n' +
      '    outs:\n    - copy.txt\n  # the other one\n  other:\n    cmd: echo hi\n';
    writeTree(repo.root, { 'dvc.yaml': yaml, 'raw.txt': 'raw\n', 'data.csv': 'a\n' });
    await repo.add(['data.csv']);
    await repo.repro({ manifests: false });
    expect(readFileSync(join(repo.root, '.gitignore'), 'utf8')).toBe('/data.csv\n/copy.txt\n');
    expect(await repo.remove(['copy', 'data.csv.dvc'])).toEqual({
      removed: ['copy', 'data.csv.dvc'],
      deletedOutputs: [],
    });
    expect(readFileSync(join(repo.root, 'dvc.yaml'), 'utf8')).toBe(
      'stages:\n  # the other one\n  other:\n    cmd: echo hi\n',
    );
    expect(readFileSync(join(repo.root, 'dvc.lock'), 'utf8')).not.toContain('copy');
    expect(existsSync(join(repo.root, '.gitignore'))).toBe(false);
    expect(readFileSync(join(repo.root, 'copy.txt'), 'utf8')).toBe('raw\n');
    await expect(repo.remove(['copy'])).rejects.toMatchObject({ code: 'CAIRN_NOT_TRACKED' });
  });
});

describe('repro onError (dvc repro --keep-going / --ignore-errors)', () => {
  it('keep-going skips what depends on a failed stage and runs the rest, then fails', async () => {
    const repo = await newRepo();
    writeTree(repo.root, {
      'dvc.yaml': [
        'stages:',
        '  broken:',
        '    cmd: exit 3',
        '    outs:',
        '    - a.txt',
        '  after:',
        '    cmd: cp a.txt b.txt',
        '    deps:',
        '    - a.txt',
        '    outs:',
        '    - b.txt',
        '  apart:',
        '    cmd: echo c > c.txt',
        '    outs:',
        '    - c.txt',
        '',
      ].join('\n'),
    });
    const lines: string[] = [];
    const failure = await repo
      .repro({ onError: 'keep-going', onMessage: (l) => lines.push(l), manifests: false })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toMatchObject({
      code: 'CAIRN_REPRO_FAILED',
      message: "failed to reproduce 'broken'",
    });
    const stages = (failure as { details: { stages: Array<{ stage: string; action: string }> } })
      .details.stages;
    expect(Object.fromEntries(stages.map((s) => [s.stage, s.action]))).toEqual({
      broken: 'failed',
      after: 'not run',
      apart: 'ran',
    });
    expect(lines).toContain("Stage 'after' will be skipped due to this failure");
    expect(readFileSync(join(repo.root, 'c.txt'), 'utf8')).toBe('c\n');
    expect(readFileSync(join(repo.root, 'dvc.lock'), 'utf8')).toContain('  apart:');

    // ignore: every stage is tried, and the run does not fail.
    const ignored = await repo.repro({ onError: 'ignore', manifests: false });
    expect(Object.fromEntries(ignored.stages.map((s) => [s.stage, s.action]))).toEqual({
      broken: 'failed',
      after: 'failed',
      apart: 'skipped',
    });
    await expect(repo.repro({ manifests: false })).rejects.toMatchObject({
      code: expect.not.stringMatching(/^CAIRN_REPRO_FAILED$/),
    });
  });
});

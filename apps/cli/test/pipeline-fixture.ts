/** The 3-stage pipeline the repro and exp tests share. */
import { writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { cairn, gitRepo, run } from './helpers.js';

// prepare → train → evaluate; every command appends its stage name to counter.log (git-ignored,
// not a dependency), so the tests see exactly which commands ran.
export const DVC_YAML = `stages:
  prepare:
    cmd: sh src/prepare.sh \${prepare.scale}
    deps:
      - data/raw.txt
      - src/prepare.sh
    params:
      - prepare.scale
    outs:
      - prepared.txt
  train:
    cmd: sh src/train.sh \${train.lr}
    deps:
      - prepared.txt
      - src/train.sh
    params:
      - train.lr
      - train.epochs
    outs:
      - model
  evaluate:
    cmd: sh src/evaluate.sh
    deps:
      - model
      - src/evaluate.sh
    metrics:
      - metrics.json:
          cache: false
`;

export const SCRIPTS: Record<string, string> = {
  'src/prepare.sh': `echo prepare >> counter.log\n${'${SLEEP:+sleep $SLEEP}'}\nawk -v s="$1" '{print $1*s}' data/raw.txt > prepared.txt\n`,
  'src/train.sh':
    'echo train >> counter.log\nmkdir -p model\nawk -v lr="$1" \'{s+=$1*lr} END {print s}\' prepared.txt > model/weights.txt\necho 0 > model/bias.txt\n',
  'src/evaluate.sh':
    'echo evaluate >> counter.log\nprintf \'{"score": %s}\\n\' "$(cat model/weights.txt)" > metrics.json\n',
};

export async function pipelineRepo(): Promise<string> {
  const dir = await gitRepo();
  expect((await cairn(['init'], { cwd: dir })).exitCode).toBe(0);
  await mkdir(join(dir, 'data'));
  await mkdir(join(dir, 'src'));
  writeFileSync(join(dir, 'data', 'raw.txt'), '1\n2\n3\n4\n');
  writeFileSync(join(dir, 'params.yaml'), 'prepare:\n  scale: 2\ntrain:\n  lr: 0.5\n  epochs: 3\n');
  writeFileSync(join(dir, 'dvc.yaml'), DVC_YAML);
  for (const [path, text] of Object.entries(SCRIPTS)) writeFileSync(join(dir, path), text);
  writeFileSync(join(dir, '.gitignore'), 'counter.log\n');
  await run('git', ['add', '-A'], dir);
  await run('git', ['commit', '-qm', 'pipeline'], dir);
  return dir;
}

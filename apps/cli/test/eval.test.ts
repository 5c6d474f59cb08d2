import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cairn, tempDir } from './helpers.js';

const CSV = 'label,score\n0,0.1\n0,0.4\n1,0.35\n1,0.8\n';

describe('cairn eval', () => {
  it('computes metrics through the library and writes metrics.json atomically', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'preds.csv'), CSV);
    const { exitCode, stdout } = await cairn(['eval', 'preds.csv', '--select', 'max-mcc'], {
      cwd: dir,
    });
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(/^mcc +0\.5773502691896258$/m);
    expect(stdout).toContain('Wrote metrics.json');
    const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
    // Threshold 0.35 (max MCC): tp=2, fp=1 (0.4), tn=1, fn=0; AUC 0.75 (3 of 4 pairs ordered).
    expect(metrics).toMatchObject({ threshold: 0.35, tp: 2, tn: 1, fp: 1, fn: 0, roc_auc: 0.75 });
    expect(metrics.mcc).toBeCloseTo(1 / Math.sqrt(3), 15);
    expect(readFileSync(join(dir, 'metrics.json'), 'utf8').endsWith('}\n')).toBe(true);
  });

  it('reads JSONL with named columns and hard predictions, prints JSON', async () => {
    const dir = tempDir();
    const rows = [
      { y: 1, yhat: 1 },
      { y: 0, yhat: 1 },
      { y: 0, yhat: 0 },
    ];
    writeFileSync(join(dir, 'p.jsonl'), `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const { exitCode, stdout } = await cairn(
      [
        'eval',
        'p.jsonl',
        '--label-column',
        'y',
        '--prediction-column',
        'yhat',
        '--no-write',
        '--json',
      ],
      { cwd: dir },
    );
    expect(exitCode).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.written).toBeNull();
    expect(out.metrics).toMatchObject({ tp: 1, fp: 1, tn: 1, fn: 0, precision: 0.5, recall: 1 });
    expect(existsSync(join(dir, 'metrics.json'))).toBe(false);
  });

  it('names file, line and column of a bad value', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'p.csv'), 'label,score\n1,0.5\n0,abc\n');
    const { exitCode, stderr } = await cairn(['eval', 'p.csv'], { cwd: dir });
    expect(exitCode).toBe(1);
    expect(stderr).toBe('error: p.csv:3:3: column "score": expected a number, got "abc"');
    expect(existsSync(join(dir, 'metrics.json'))).toBe(false);
  });

  it('rejects unknown formats and conflicting flags as usage errors', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'p.txt'), CSV);
    const unknown = await cairn(['eval', 'p.txt'], { cwd: dir });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toBe(
      "error: cannot tell the format of 'p.txt' from its extension\nhint: pass --format csv|json|jsonl",
    );
    const both = await cairn(
      ['eval', 'p.txt', '--format', 'csv', '--select', 'max-mcc', '--threshold', '0.2'],
      {
        cwd: dir,
      },
    );
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toContain('--select and --threshold cannot be combined');
  });
});

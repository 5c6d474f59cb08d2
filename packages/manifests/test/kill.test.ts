/**
 * Manifest-last under SIGKILL: a child begins a step, writes its outputs and commits, and is
 * killed at a random moment. Whatever the moment, a manifest that exists must verify.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mapLimit } from '../src/files.js';
import { listRuns } from '../src/runs.js';
import { verifyManifest } from '../src/verify.js';
import { tempDir } from './helpers.js';
import { runChild } from './processes.js';

const TRIALS = 200;
const PARALLEL = 3;
const OUTPUTS = ['8', '32768'];

describe('a step killed at random moments', () => {
  it(`never leaves a manifest that fails verification (${TRIALS} kills)`, async () => {
    const root = await tempDir();
    await writeFile(join(root, 'input.bin'), Buffer.alloc(4096, 1));

    // Calibrate: how long a child takes from "ready" to exit, so kills spread over that span.
    const calibration = await Promise.all(
      Array.from({ length: PARALLEL }, () => runChild('step-writer.mjs', [root, ...OUTPUTS])),
    );
    for (const run of calibration) expect(run, run.stderr).toMatchObject({ code: 0 });
    const span = Math.max(...calibration.map((r) => r.afterReadyMs)) * 1.2;

    const outcomes = await mapLimit(
      Array.from({ length: TRIALS }, () => Math.random() * span),
      async (delay) => {
        const run = await runChild('step-writer.mjs', [root, ...OUTPUTS], delay);
        if (run.signal !== 'SIGKILL' && run.code !== 0) throw new Error(run.stderr);
        return run.signal === 'SIGKILL' ? 'killed' : 'finished';
      },
      PARALLEL,
    );

    const runs = await listRuns({ root });
    let committed = 0;
    let interrupted = 0;
    for (const run of runs) {
      for (const step of run.steps) {
        if (step.manifestPath === null) {
          interrupted++;
          continue;
        }
        committed++;
        const result = await verifyManifest(step.manifestPath);
        expect(result.problems, `${step.manifestPath}`).toEqual([]);
        expect(Object.keys(result.manifest.outputs).length).toBe(Number(OUTPUTS[0]));
      }
    }
    // Both sides of the race must have happened, or the test proved nothing. (How they split
    // depends on the machine's load between calibration and the trials, so only a floor.)
    const killed = outcomes.filter((o) => o === 'killed').length;
    expect(killed).toBeGreaterThanOrEqual(TRIALS / 10);
    expect(TRIALS - killed).toBeGreaterThan(0);
    expect(interrupted).toBeGreaterThan(0);
    expect(committed).toBeGreaterThan(PARALLEL);
    // Each trial is a fresh Node process (about 0.4 s of CPU, mostly imports): 200 of them take
    // some 50 s on two cores, more when other suites share the machine.
  }, 480_000);
});

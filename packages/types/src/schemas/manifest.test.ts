import { describe, expect, it } from 'vitest';
import { CaptureRun, CaptureStep } from './capture.js';
import { NameSegment } from './common.js';
import { BundleIndex, InputsRoot } from './manifest.js';

const SHA = 'a'.repeat(64);

describe('manifest and capture schemas', () => {
  it('NameSegment accepts one safe folder name only', () => {
    for (const ok of ['mnist', 'run-01', 'a.b_c', '20261125T101502Z']) {
      expect(NameSegment.safeParse(ok).success).toBe(true);
    }
    for (const bad of ['', '.', '..', '.hidden', 'a/b', 'a b', 'x'.repeat(129)]) {
      expect(NameSegment.safeParse(bad).success).toBe(false);
    }
  });

  it('InputsRoot may climb with .. but is never absolute', () => {
    expect(InputsRoot.safeParse('../../..').success).toBe(true);
    expect(InputsRoot.safeParse('.').success).toBe(true);
    for (const bad of ['', '/abs', 'C:/x', 'a\\b'])
      expect(InputsRoot.safeParse(bad).success).toBe(false);
  });

  it('BundleIndex refuses artifact paths that leave the bundle', () => {
    const index = (path: string) => ({
      schema_version: 1,
      name: 'b',
      created_at: '2026-11-25T10:15:02Z',
      artifacts: [{ path, sha256: SHA, size: 1 }],
      manifests: [],
    });
    expect(BundleIndex.safeParse(index('artifacts/train/model.bin')).success).toBe(true);
    for (const bad of ['../x', '/x', 'a/../../x']) {
      expect(BundleIndex.safeParse(index(bad)).success).toBe(false);
    }
  });

  it('capture lines keep unknown fields and require their indices', () => {
    expect(CaptureStep.parse({ episode: 0, step: 1, obs: [1] })).toEqual({
      episode: 0,
      step: 1,
      obs: [1],
    });
    expect(CaptureStep.safeParse({ episode: 0 }).success).toBe(false);
    expect(CaptureStep.safeParse({ episode: -1, step: 0 }).success).toBe(false);
    expect(
      CaptureRun.safeParse({ run_id: 'r', experiment: 'e', n_steps: 1, n_episodes: 1, seed: 3 })
        .success,
    ).toBe(true);
  });
});

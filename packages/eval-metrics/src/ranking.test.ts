import { describe, expect, it } from 'vitest';
import {
  averagePrecision,
  precisionRecallCurve,
  rocAuc,
  rocCurve,
  selectThresholdMaxMcc,
  thresholdSweep,
} from './index.js';
import { sortFloat64 } from './radix-sort.js';

describe('ROC', () => {
  it('steps once per distinct score, +Infinity first', () => {
    const roc = rocCurve([0, 1, 0, 1, 1, 0], [0.5, 0.5, 0.5, 0.9, 0.1, 0.1]);
    expect(Array.from(roc.thresholds)).toEqual([Number.POSITIVE_INFINITY, 0.9, 0.5, 0.1]);
    expect(Array.from(roc.tpr)).toEqual([0, 1 / 3, 2 / 3, 1]);
    expect(Array.from(roc.fpr)).toEqual([0, 0, 2 / 3, 1]);
  });

  it('counts a tie between a positive and a negative as half', () => {
    expect(rocAuc([0, 1], [0.3, 0.3])).toBe(0.5);
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
  });

  it('treats −0 and +0 as one score and ranks infinities', () => {
    const roc = rocCurve([0, 1, 1, 0], [-0, 0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    expect(Array.from(roc.thresholds)).toEqual([
      Number.POSITIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      0,
      Number.NEGATIVE_INFINITY,
    ]);
    expect(Object.is(roc.thresholds[2], 0)).toBe(true);
    expect(rocAuc([0, 1, 1, 0], [-0, 0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])).toBe(
      0.875,
    );
  });

  it('takes typed arrays and booleans', () => {
    const scores = Float64Array.of(0.2, 0.7, 0.4);
    expect(rocAuc(Uint8Array.of(0, 1, 0), scores)).toBe(1);
    expect(rocAuc([false, true, false], scores)).toBe(1);
  });
});

describe('precision–recall', () => {
  it('keeps every threshold, increasing, and ends at (recall 0, precision 1)', () => {
    const pr = precisionRecallCurve([0, 1], [0, 1]);
    expect(Array.from(pr.thresholds)).toEqual([0, 1]);
    expect(Array.from(pr.precision)).toEqual([0.5, 1, 1]);
    expect(Array.from(pr.recall)).toEqual([1, 1, 0]);
  });

  it('sums precision over recall steps, without interpolation', () => {
    // Ranked: 1 (hit), 0, 1 (hit): AP = ½·1 + ½·⅔.
    expect(averagePrecision([1, 0, 1], [0.9, 0.8, 0.7])).toBeCloseTo(5 / 6, 15);
  });

  it('is 0 without positive labels, with recall 1 at every threshold', () => {
    expect(averagePrecision([0, 0], [0.3, 0.6])).toBe(0);
    expect(Array.from(precisionRecallCurve([0, 0], [0.3, 0.6]).recall)).toEqual([1, 1, 0]);
  });
});

describe('threshold sweep', () => {
  it('lists each distinct score, decreasing, with its confusion counts and metrics', () => {
    const sweep = thresholdSweep([1, 0, 1, 0], [0.9, 0.6, 0.6, 0.1]);
    expect(Array.from(sweep.thresholds)).toEqual([0.9, 0.6, 0.1]);
    expect(Array.from(sweep.tp)).toEqual([1, 2, 2]);
    expect(Array.from(sweep.fp)).toEqual([0, 1, 2]);
    expect(Array.from(sweep.precision)).toEqual([1, 2 / 3, 0.5]);
    expect(Array.from(sweep.recall)).toEqual([0.5, 1, 1]);
    expect(sweep.f1[0]).toBeCloseTo(2 / 3, 15);
    expect(sweep.mcc[2]).toBe(0);
    expect([sweep.positives, sweep.negatives]).toEqual([2, 2]);
  });
});

describe('selectThresholdMaxMcc', () => {
  it('predicts positive at score ≥ threshold and returns the confusion counts', () => {
    const choice = selectThresholdMaxMcc([0, 1, 0, 1, 1, 0], [0.5, 0.5, 0.5, 0.9, 0.1, 0.1]);
    expect(choice).toMatchObject({ threshold: 0.9, tp: 1, tn: 3, fp: 0, fn: 2 });
    expect(choice.mcc).toBeCloseTo(Math.sqrt(0.2), 15);
  });

  it('breaks an exact tie towards the smaller threshold even when float64 disagrees', () => {
    // At 7: tp 2, tn 2, fp 0, fn 4 → 4/√(2·6)·√(2·6) = ⅓; at 3: tp 5, tn 1, fp 1, fn 1 → 4/(6·2) = ⅓.
    // Rounded, the first is 0.33333333333333337 and the second 0.3333333333333333.
    const labels = [1, 1, 0, 1, 1, 1, 0, 1];
    const scores = [8, 7, 6, 5, 4, 3, 2, 1];
    const sweep = thresholdSweep(labels, scores);
    expect(sweep.mcc[1]).toBeGreaterThan(sweep.mcc[5]!);
    expect(Math.max(...sweep.mcc)).toBe(sweep.mcc[1]);
    expect(selectThresholdMaxMcc(labels, scores)).toMatchObject({ threshold: 3, tp: 5, fp: 1 });
  });

  it('picks the smallest score when every MCC is 0 (one class)', () => {
    expect(selectThresholdMaxMcc([1, 1, 1], [0.4, 0.2, 0.9]).threshold).toBe(0.2);
  });
});

describe('radix sort of doubles', () => {
  it('orders like Float64Array.prototype.sort, signed zeros and infinities included', () => {
    const specials = [0, -0, 1, -1, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MAX_VALUE];
    const values = new Float64Array(10_000);
    let seed = 7;
    for (let i = 0; i < values.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const r = seed / 2 ** 32;
      values[i] =
        i % 10 === 0
          ? (specials[i % specials.length] ?? 0)
          : i % 97 === 0
            ? (i % 2 ? 1 : -1) * Number.POSITIVE_INFINITY
            : (r - 0.5) * 10 ** ((seed % 40) - 20);
    }
    const expected = values.slice().sort();
    sortFloat64(values);
    expect(values.every((v, i) => Object.is(v, expected[i]))).toBe(true);
  });

  it('sorts a subarray view in place without touching its neighbours', () => {
    const buffer = new Float64Array(5000).map((_, i) => (i * 7919) % 5000);
    const view = buffer.subarray(100, 4900);
    sortFloat64(view);
    expect(buffer[0]).toBe(0);
    expect(buffer[4999]).toBe((4999 * 7919) % 5000);
    for (let i = 1; i < view.length; i++) expect(view[i - 1]! <= view[i]!).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import {
  accuracy,
  balancedAccuracy,
  computeAll,
  confusionCounts,
  confusionMatrix,
  f1Score,
  falseNegativeRate,
  falsePositiveRate,
  mcc,
  mccFromConfusionMatrix,
  mccFromCounts,
  metricsFromCounts,
  multiclassMetrics,
  precision,
  recall,
  specificity,
} from './index.js';

describe('binary metrics', () => {
  const labels = [0, 0, 1, 1, 1];
  const predictions = [0, 0, 1, 1, 0];

  it('computes every metric in one call, keys in a stable order', () => {
    const all = computeAll(labels, predictions);
    expect(Object.keys(all)).toEqual([
      'tp',
      'tn',
      'fp',
      'fn',
      'accuracy',
      'precision',
      'recall',
      'specificity',
      'f1',
      'mcc',
      'fnr',
      'fpr',
      'balancedAccuracy',
    ]);
    expect(confusionCounts(labels, predictions)).toEqual({ tp: 2, tn: 2, fp: 0, fn: 1 });
  });

  it('offers each metric on its own, equal to computeAll', () => {
    const all = computeAll(labels, predictions);
    expect(accuracy(labels, predictions)).toBe(all.accuracy);
    expect(precision(labels, predictions)).toBe(all.precision);
    expect(recall(labels, predictions)).toBe(all.recall);
    expect(specificity(labels, predictions)).toBe(all.specificity);
    expect(f1Score(labels, predictions)).toBe(all.f1);
    expect(mcc(labels, predictions)).toBe(all.mcc);
    expect(falseNegativeRate(labels, predictions)).toBe(all.fnr);
    expect(falsePositiveRate(labels, predictions)).toBe(all.fpr);
    expect(balancedAccuracy(labels, predictions)).toBe(all.balancedAccuracy);
  });

  it('follows zero_division=0 and MCC=0 when a row or column of the matrix is empty', () => {
    // Nothing predicted positive: precision, F1 and MCC are 0.
    expect(computeAll([0, 1, 0, 1], [0, 0, 0, 0])).toMatchObject({ precision: 0, f1: 0, mcc: 0 });
    // No negative label: specificity and FPR are 0, balanced accuracy is undefined (null).
    expect(computeAll([1, 1], [1, 0])).toMatchObject({
      specificity: 0,
      fpr: 0,
      mcc: 0,
      balancedAccuracy: null,
    });
    // No positive label: recall and FNR are 0.
    expect(computeAll([0, 0], [1, 0])).toMatchObject({ recall: 0, fnr: 0, balancedAccuracy: null });
  });

  it('keeps MCC exact for counts beyond 2^31, where the float products are not', () => {
    // tp·tn and fp·fn differ by exactly 1 but are ≈ 9.2e18: in float64 both round to the same value.
    const x = 3037000500;
    const counts = { tp: x - 1, tn: x + 1, fp: x, fn: x };
    expect(counts.tp * counts.tn - counts.fp * counts.fn).not.toBe(-1);
    // MCC = −1 / √((2x−1)²(2x+1)²) = −1 / (4x² − 1).
    const expected = -1 / (4 * x * x - 1);
    expect(Math.abs(mccFromCounts(counts) / expected - 1)).toBeLessThan(1e-15);
  });

  it('computes large-count MCC as the exact rational rounds it', () => {
    const counts = { tp: 3_000_000_000, tn: 4_000_000_000, fp: 1_000_000_000, fn: 2_000_000_000 };
    // (12e18 − 2e18) / √(4e9·5e9·5e9·6e9) = 10 / √600.
    expect(Math.abs(mccFromCounts(counts) - 10 / Math.sqrt(600))).toBeLessThan(1e-15);
    expect(metricsFromCounts(counts).accuracy).toBe(0.7);
  });

  it('never leaves [−1, 1] through rounding', () => {
    for (let n = 1; n < 200; n++) {
      expect(mccFromCounts({ tp: n, tn: n + 1, fp: 0, fn: 0 })).toBe(1);
      expect(mccFromCounts({ tp: 0, tn: 0, fp: n, fn: n + 2 })).toBe(-1);
    }
  });
});

describe('multiclass metrics', () => {
  it('lays the matrix out in the declared order, absent classes included', () => {
    const { classes, matrix } = confusionMatrix(['b', 'a', 'b'], ['b', 'b', 'a'], {
      classes: ['c', 'b', 'a'],
    });
    expect(classes).toEqual(['c', 'b', 'a']);
    expect(matrix).toEqual([
      [0, 0, 0],
      [0, 1, 1],
      [0, 1, 0],
    ]);
  });

  it('infers sorted classes from both inputs when none are declared', () => {
    expect(confusionMatrix([10, 2], [2, 33]).classes).toEqual([2, 10, 33]);
    expect(confusionMatrix(['b', 'a'], ['a', 'c']).classes).toEqual(['a', 'b', 'c']);
  });

  it('reports per-class scores with supports, and the three averages', () => {
    const m = multiclassMetrics([0, 0, 1, 2], [0, 1, 1, 1], { classes: [0, 1, 2] });
    expect(m.perClass).toEqual({
      precision: [1, 1 / 3, 0],
      recall: [0.5, 1, 0],
      f1: [2 / 3, 0.5, 0],
      support: [2, 1, 1],
    });
    expect(m.accuracy).toBe(0.5);
    expect(m.micro).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5 });
    expect(m.macro.precision).toBeCloseTo(4 / 9, 15);
    expect(m.weighted.recall).toBe(0.5);
  });

  it('reduces to the binary MCC on two classes, even with counts beyond 2^26 squared', () => {
    const binary = mccFromCounts({ tp: 3e9, tn: 4e9, fp: 1e9, fn: 2e9 });
    const matrix = [
      [4e9, 1e9],
      [2e9, 3e9],
    ];
    expect(Math.abs(mccFromConfusionMatrix(matrix) - binary)).toBeLessThan(1e-15);
    expect(multiclassMetrics([0, 1, 1, 0], [0, 1, 0, 0]).mcc).toBeCloseTo(
      mcc([0, 1, 1, 0], [0, 1, 0, 0]),
      15,
    );
  });

  it('gives exactly 1 for a perfect matrix', () => {
    for (let n = 1; n < 60; n++) {
      const labels = Array.from({ length: 3 * n + 1 }, (_, i) => i % 3);
      expect(multiclassMetrics(labels, labels).mcc).toBe(1);
    }
  });

  it('gives MCC 0 when every prediction is one class', () => {
    expect(multiclassMetrics([0, 1, 2], [1, 1, 1]).mcc).toBe(0);
  });
});

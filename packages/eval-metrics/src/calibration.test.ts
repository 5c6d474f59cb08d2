import { describe, expect, it } from 'vitest';
import { brierScore, expectedCalibrationError, logLoss, reliabilityCurve } from './index.js';

describe('reliability curve', () => {
  it('drops empty bins and reports the counts and all edges', () => {
    const curve = reliabilityCurve([0, 1, 1, 0], [0.05, 0.15, 0.95, 0.12], { bins: 10 });
    expect(Array.from(curve.counts)).toEqual([1, 2, 1]);
    expect(Array.from(curve.probTrue)).toEqual([0, 0.5, 1]);
    expect(curve.probPred[1]).toBeCloseTo(0.135, 15);
    expect(curve.edges).toHaveLength(11);
    expect(curve.edges[3]).toBe(3 * 0.1); // numpy's linspace: 0.30000000000000004
  });

  it('puts a probability on an inner edge in the bin below, as numpy searchsorted does', () => {
    expect(Array.from(reliabilityCurve([1, 0], [0.5, 0.2], { bins: 2 }).counts)).toEqual([2]);
    expect(Array.from(reliabilityCurve([1], [0.3], { bins: 10 }).probPred)).toEqual([0.3]);
    // 0.3 < 3·0.1, so it sits in [0.2, 0.3000…04]: the curve has one point, bin index 2.
    const edges = reliabilityCurve([1, 0], [0.3, 0.25], { bins: 10 });
    expect(Array.from(edges.counts)).toEqual([2]);
  });

  it('puts equal counts in quantile bins', () => {
    const probabilities = Array.from({ length: 100 }, (_, i) => (i + 0.5) / 100);
    const labels = probabilities.map((p) => (p > 0.5 ? 1 : 0));
    const curve = reliabilityCurve(labels, probabilities, { bins: 4, strategy: 'quantile' });
    expect(Array.from(curve.counts)).toEqual([25, 25, 25, 25]);
    expect(Array.from(curve.probTrue)).toEqual([0, 0, 1, 1]);
    expect(curve.edges[0]).toBe(0.005);
    expect(curve.edges[4]).toBe(0.995);
  });
});

describe('expected calibration error', () => {
  it('weights each bin gap by its share of the samples', () => {
    // Bin [0.1, 0.2): mean p 0.15, mean y 0.5, 2 of 4 samples; bin [0.9, 1]: 0.95 vs 1, 2 of 4.
    const ece = expectedCalibrationError([0, 1, 1, 1], [0.1, 0.2 - 1e-9, 0.9, 1]);
    expect(ece).toBeCloseTo(0.5 * Math.abs(0.5 - (0.3 - 1e-9) / 2) + 0.5 * 0.05, 12);
  });

  it('uses left-closed bins [k/10, (k+1)/10), the last one closed', () => {
    // 0.3 belongs to [0.3, 0.4) here (metrics.md), unlike the reliability curve above.
    expect(expectedCalibrationError([1, 0], [0.3, 0.39])).toBeCloseTo(0.5 - 0.345, 15);
    expect(expectedCalibrationError([1], [1])).toBe(0);
    expect(expectedCalibrationError([0], [0])).toBe(0);
  });
});

describe('Brier score and log loss', () => {
  it('compute the mean squared error and the mean negative log-likelihood', () => {
    expect(brierScore([0, 1], [0.2, 0.6])).toBeCloseTo((0.04 + 0.16) / 2, 15);
    expect(logLoss([0, 1], [0.2, 0.6])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 15);
  });

  it('clips certain, wrong probabilities to machine epsilon instead of returning Infinity', () => {
    expect(logLoss([1], [0])).toBeCloseTo(-Math.log(Number.EPSILON), 12);
    expect(logLoss([0], [1])).toBeCloseTo(-Math.log(Number.EPSILON), 12);
    expect(Number.isFinite(logLoss([0, 1], [1, 0]))).toBe(true);
    expect(logLoss([1, 0], [1, 0])).toBeLessThan(1e-15);
  });
});

import { CairnError, isCairnError } from '@cairn/types';
import { describe, expect, it } from 'vitest';
import {
  arielScore,
  brierScore,
  computeAll,
  confusionMatrix,
  evaluate,
  expectedCalibrationError,
  gaussianLogLikelihood,
  intervalCoverage,
  MetricsError,
  meanAbsoluteError,
  metricsFromCounts,
  multiclassMetrics,
  r2Score,
  reliabilityCurve,
  rocAuc,
  rocCurve,
  thresholdSweep,
} from './index.js';

function thrown(fn: () => unknown): MetricsError {
  try {
    fn();
  } catch (error) {
    if (error instanceof MetricsError) return error;
    throw error;
  }
  throw new Error('expected a MetricsError');
}

describe('input validation', () => {
  it('names both arguments and their lengths on a length mismatch', () => {
    const error = thrown(() => computeAll([0, 1, 1], [1, 0]));
    expect(error.code).toBe('CAIRN_METRICS_LENGTH_MISMATCH');
    expect(error.message).toBe(
      'labels and predictions must have the same length: labels has 3 values, predictions has 2',
    );
    expect(error.details).toEqual({ labels: 3, predictions: 2 });
  });

  it('refuses empty input', () => {
    const error = thrown(() => rocAuc([], new Float64Array(0)));
    expect(error.code).toBe('CAIRN_METRICS_EMPTY');
    expect(error.message).toBe('labels and scores are empty: a metric needs at least one sample');
    expect(thrown(() => metricsFromCounts({ tp: 0, tn: 0, fp: 0, fn: 0 })).message).toBe(
      'counts are all 0: a metric needs at least one sample',
    );
  });

  it('names the index of a NaN score, with a hint', () => {
    const error = thrown(() => thresholdSweep([0, 1, 0], [0.1, Number.NaN, 0.3]));
    expect(error.code).toBe('CAIRN_METRICS_NAN');
    expect(error.message).toBe('scores[1] is NaN');
    expect(error.hint).toBe('drop or impute missing values before computing metrics');
    expect(error.details).toEqual({ argument: 'scores', index: 1, value: 'NaN' });
  });

  it('reports a value that is not a number at all', () => {
    const scores = [0.2, 'high'] as unknown as number[];
    const error = thrown(() => rocAuc([0, 1], scores));
    expect(error.code).toBe('CAIRN_METRICS_NAN');
    expect(error.message).toBe('scores[1] is "high", not a number');
  });

  it('accepts only 0/1 or false/true as binary labels', () => {
    const error = thrown(() => computeAll([0, 1, 2], [0, 1, 1]));
    expect(error.code).toBe('CAIRN_METRICS_UNKNOWN_LABEL');
    expect(error.message).toBe('labels[2] is 2: binary labels must be 0 or 1 (or false/true)');
    expect(error.hint).toBe(
      'map the positive class to 1 and every other class to 0, or use multiclassMetrics',
    );
    expect(thrown(() => computeAll([0, 1], [0, -1])).message).toBe(
      'predictions[1] is -1: binary labels must be 0 or 1 (or false/true)',
    );
    expect(thrown(() => computeAll([0, Number.NaN], [0, 1])).code).toBe('CAIRN_METRICS_NAN');
    expect(computeAll([false, true], [true, true]).fp).toBe(1);
  });

  it('names a class that was not declared, with the declared list', () => {
    const error = thrown(() => multiclassMetrics(['a', 'b'], ['a', 'c'], { classes: ['a', 'b'] }));
    expect(error.code).toBe('CAIRN_METRICS_UNKNOWN_LABEL');
    expect(error.message).toBe(
      'predictions[1] is "c", which is not one of the declared classes ["a", "b"]',
    );
    expect(thrown(() => confusionMatrix([0, 7], [0, 1], { classes: [0, 1, 2] })).message).toBe(
      'labels[1] is 7, which is not one of the declared classes [0, 1, 2]',
    );
  });

  it('rejects bad class declarations and mixed inferred classes as usage errors', () => {
    const twice = thrown(() => confusionMatrix([0], [0], { classes: [0, 1, 0] }));
    expect(twice.code).toBe('CAIRN_METRICS_BAD_OPTION');
    expect(twice.message).toBe('classes lists 0 twice');
    expect(twice.exitCode).toBe(2);
    const mixed = thrown(() => confusionMatrix([0, 'a'], [0, 'a']));
    expect(mixed.message).toBe('labels and predictions mix numbers and strings (0 and "a")');
    expect(mixed.hint).toBe('declare the classes explicitly with the `classes` option');
  });

  it('keeps probabilities in [0, 1]', () => {
    const error = thrown(() => brierScore([0, 1], [0.2, 1.5]));
    expect(error.code).toBe('CAIRN_METRICS_OUT_OF_RANGE');
    expect(error.message).toBe('probabilities[1] is 1.5: probabilities must lie in [0, 1]');
    expect(thrown(() => expectedCalibrationError([0], [-0.1])).message).toBe(
      'probabilities[0] is -0.1: probabilities must lie in [0, 1]',
    );
  });

  it('needs finite regression values and positive standard deviations', () => {
    const infinite = thrown(() => meanAbsoluteError([1, Number.POSITIVE_INFINITY], [1, 2]));
    expect(infinite.code).toBe('CAIRN_METRICS_NOT_FINITE');
    expect(infinite.message).toBe('targets[1] is Infinity: a finite number is needed');
    const sigma = thrown(() => gaussianLogLikelihood([1, 2], [1, 2], [0.5, 0]));
    expect(sigma.code).toBe('CAIRN_METRICS_OUT_OF_RANGE');
    expect(sigma.message).toBe('sigma[1] is 0: standard deviations must be finite and positive');
    expect(thrown(() => intervalCoverage([1], [1], [1], [1, -2])).message).toBe(
      'z[1] is -2: interval half-widths must be finite and ≥ 0',
    );
    expect(thrown(() => r2Score([1], [1])).message).toBe(
      'R² is undefined for one sample: targets and predictions need at least two values',
    );
  });

  it('says why ROC is undefined with one class', () => {
    const error = thrown(() => rocCurve([1, 1, 1], [0.2, 0.4, 0.9]));
    expect(error.code).toBe('CAIRN_METRICS_ONE_CLASS');
    expect(error.message).toBe(
      'the ROC curve is undefined when labels hold one class: all 3 labels are 1',
    );
    expect(thrown(() => rocAuc([0, 0], [0.2, 0.4])).message).toBe(
      'ROC AUC is undefined when labels hold one class: all 2 labels are 0',
    );
  });

  it('checks options', () => {
    expect(thrown(() => reliabilityCurve([0], [0.5], { bins: 0 })).message).toBe(
      'bins is 0: a positive integer is needed',
    );
    const strategy = { strategy: 'equal' } as unknown as { strategy: 'uniform' };
    expect(thrown(() => reliabilityCurve([0], [0.5], strategy)).message).toBe(
      'strategy is "equal": expected "uniform" or "quantile"',
    );
    expect(
      thrown(() =>
        arielScore([1, 2], [1, 2], [1, 1], { naiveMean: 0, naiveSigma: 1, wavelengths: 3 }),
      ).message,
    ).toBe('targets has 2 values, not a whole number of spectra of 3 wavelengths');
    const first = { firstThreshold: 'inf' } as unknown as { firstThreshold: 'infinity' };
    expect(thrown(() => rocCurve([0, 1], [0, 1], first)).message).toBe(
      'firstThreshold is "inf": expected "infinity" or "max-plus-one"',
    );
    expect(thrown(() => metricsFromCounts({ tp: 1.5, tn: 0, fp: 0, fn: 0 })).message).toBe(
      'counts.tp is 1.5: counts must be non-negative integers below 2^53',
    );
  });

  it('throws Cairn errors the CLI can render', () => {
    const error = thrown(() => evaluate({ labels: [0, 1] }));
    expect(error).toBeInstanceOf(CairnError);
    expect(isCairnError(error)).toBe(true);
    expect(error.name).toBe('MetricsError');
    expect(error.toJSON()).toEqual({
      code: 'CAIRN_METRICS_BAD_OPTION',
      message: 'evaluate needs scores or predictions (or both)',
    });
    expect(error.exitCode).toBe(2);
  });
});

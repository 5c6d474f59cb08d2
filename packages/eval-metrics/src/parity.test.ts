/**
 * Parity with scikit-learn 1.2.1 / numpy 1.24.2: every case of `__fixtures__/metrics-vectors.json`
 * must match to 1e-12 relative, counts exactly.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  averagePrecision,
  brierScore,
  computeAll,
  expectedCalibrationError,
  gaussianLogLikelihood,
  intervalCoverage,
  logLoss,
  meanAbsoluteError,
  multiclassMetrics,
  precisionRecallCurve,
  r2Score,
  reliabilityCurve,
  rocAuc,
  rocCurve,
  rootMeanSquaredError,
  selectThresholdMaxMcc,
  thresholdSweep,
} from './index.js';

type Averages = { precision: number; recall: number; f1: number };
type Case =
  | {
      fn: 'binary_metrics';
      note: string;
      inputs: { y_true: number[]; y_pred: number[] };
      expected: Record<string, number | null>;
    }
  | {
      fn: 'multiclass_metrics';
      note: string;
      inputs: { y_true: number[]; y_pred: number[]; labels: number[] };
      expected: {
        confusion_matrix: number[][];
        accuracy: number;
        mcc: number;
        macro: Averages;
        micro: Averages;
        weighted: Averages;
      };
    }
  | {
      fn: 'score_metrics';
      note: string;
      inputs: { y_true: number[]; scores: number[] };
      expected: {
        roc_auc: number;
        average_precision: number;
        roc_curve: { fpr: number[]; tpr: number[]; thresholds: number[] };
        pr_curve: { precision: number[]; recall: number[]; thresholds: number[] };
        max_mcc_threshold: number;
        max_mcc: number;
      };
    }
  | {
      fn: 'calibration_metrics';
      note: string;
      inputs: { y_true: number[]; prob: number[] };
      expected: {
        brier: number;
        log_loss: number;
        calibration_uniform: { prob_true: number[]; prob_pred: number[] };
        calibration_quantile: { prob_true: number[]; prob_pred: number[] };
        ece_10_uniform: number;
      };
    }
  | {
      fn: 'regression_metrics';
      note: string;
      inputs: { y_true: number[]; mu: number[]; sigma: number[] };
      expected: {
        mae: number;
        rmse: number;
        r2: number;
        gaussian_loglik_mean: number;
        coverage: Record<string, number>;
      };
    };

const vectors = JSON.parse(
  readFileSync(new URL('./__fixtures__/metrics-vectors.json', import.meta.url), 'utf8'),
) as { generator: string; tolerance: string; cases: Case[] };

const RELATIVE = 1e-12;

/** |actual − expected| ≤ 1e-12·|expected| (so an expected 0 must be exactly 0). */
function close(actual: number | null, expected: number | null, what: string): void {
  if (expected === null) {
    expect(actual, what).toBeNull();
    return;
  }
  expect(actual, what).not.toBeNull();
  const error = Math.abs((actual as number) - expected);
  expect(error <= RELATIVE * Math.abs(expected), `${what}: ${actual} vs ${expected}`).toBe(true);
}

function closeAll(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  expect(actual.length, `${what}.length`).toBe(expected.length);
  for (const [i, value] of expected.entries()) close(actual[i]!, value, `${what}[${i}]`);
}

const of = (fn: Case['fn']) => vectors.cases.filter((c) => c.fn === fn);

describe('metrics-vectors.json', () => {
  it('is the scikit-learn 1.2.1 set with every family present', () => {
    expect(vectors.generator).toBe('scikit-learn 1.2.1, numpy 1.24.2');
    expect(vectors.cases).toHaveLength(31);
    expect(new Set(vectors.cases.map((c) => c.fn))).toEqual(
      new Set([
        'binary_metrics',
        'multiclass_metrics',
        'score_metrics',
        'calibration_metrics',
        'regression_metrics',
      ]),
    );
  });
});

describe('binary metrics match scikit-learn', () => {
  it.each(of('binary_metrics').map((c) => [c.note, c] as const))('%s', (_note, c) => {
    if (c.fn !== 'binary_metrics') throw new Error('unreachable');
    const { y_true, y_pred } = c.inputs;
    const got = computeAll(y_true, y_pred);
    const e = c.expected;
    for (const key of ['tp', 'tn', 'fp', 'fn'] as const) expect(got[key], key).toBe(e[key]);
    for (const key of [
      'accuracy',
      'precision',
      'recall',
      'f1',
      'mcc',
      'specificity',
      'fnr',
      'fpr',
    ] as const) {
      close(got[key], e[key] ?? Number.NaN, key);
    }
    close(got.balancedAccuracy, e.balanced_accuracy ?? null, 'balanced_accuracy');
    // The same numbers from typed arrays.
    expect(computeAll(Int32Array.from(y_true), Uint8Array.from(y_pred))).toEqual(got);
  });
});

describe('multiclass metrics match scikit-learn', () => {
  it.each(of('multiclass_metrics').map((c) => [c.note, c] as const))('%s', (_note, c) => {
    if (c.fn !== 'multiclass_metrics') throw new Error('unreachable');
    const { y_true, y_pred, labels } = c.inputs;
    const got = multiclassMetrics(y_true, y_pred, { classes: labels });
    expect(got.confusionMatrix).toEqual(c.expected.confusion_matrix);
    close(got.accuracy, c.expected.accuracy, 'accuracy');
    close(got.mcc, c.expected.mcc, 'mcc');
    for (const average of ['macro', 'micro', 'weighted'] as const) {
      for (const key of ['precision', 'recall', 'f1'] as const) {
        close(got[average][key], c.expected[average][key], `${average}.${key}`);
      }
    }
  });
});

describe('score metrics match scikit-learn', () => {
  it.each(of('score_metrics').map((c) => [c.note, c] as const))('%s', (_note, c) => {
    if (c.fn !== 'score_metrics') throw new Error('unreachable');
    const { y_true, scores } = c.inputs;
    const e = c.expected;
    close(rocAuc(y_true, scores), e.roc_auc, 'roc_auc');
    close(averagePrecision(y_true, scores), e.average_precision, 'average_precision');

    // scikit-learn 1.2 puts max(score) + 1 first; the default is +Infinity (scikit-learn ≥ 1.3).
    const roc = rocCurve(y_true, scores, { firstThreshold: 'max-plus-one' });
    closeAll(roc.fpr, e.roc_curve.fpr, 'roc.fpr');
    closeAll(roc.tpr, e.roc_curve.tpr, 'roc.tpr');
    closeAll(roc.thresholds, e.roc_curve.thresholds, 'roc.thresholds');
    const rocDefault = rocCurve(y_true, scores);
    expect(rocDefault.thresholds[0]).toBe(Number.POSITIVE_INFINITY);
    closeAll(rocDefault.thresholds.subarray(1), e.roc_curve.thresholds.slice(1), 'roc.thresholds');

    const pr = precisionRecallCurve(y_true, scores);
    closeAll(pr.precision, e.pr_curve.precision, 'pr.precision');
    closeAll(pr.recall, e.pr_curve.recall, 'pr.recall');
    closeAll(pr.thresholds, e.pr_curve.thresholds, 'pr.thresholds');

    const best = selectThresholdMaxMcc(y_true, scores);
    expect(best.threshold).toBe(e.max_mcc_threshold);
    close(best.mcc, e.max_mcc, 'max_mcc');
    const sweep = thresholdSweep(y_true, scores);
    close(Math.max(...sweep.mcc), e.max_mcc, 'max of the sweep');
  });
});

describe('calibration metrics match scikit-learn', () => {
  it.each(of('calibration_metrics').map((c) => [c.note, c] as const))('%s', (_note, c) => {
    if (c.fn !== 'calibration_metrics') throw new Error('unreachable');
    const { y_true, prob } = c.inputs;
    const e = c.expected;
    close(brierScore(y_true, prob), e.brier, 'brier');
    close(logLoss(y_true, prob), e.log_loss, 'log_loss');
    close(expectedCalibrationError(y_true, prob), e.ece_10_uniform, 'ece');
    for (const strategy of ['uniform', 'quantile'] as const) {
      const curve = reliabilityCurve(y_true, prob, { bins: 10, strategy });
      const expected = strategy === 'uniform' ? e.calibration_uniform : e.calibration_quantile;
      closeAll(curve.probTrue, expected.prob_true, `${strategy}.prob_true`);
      closeAll(curve.probPred, expected.prob_pred, `${strategy}.prob_pred`);
    }
  });
});

describe('regression metrics match scikit-learn', () => {
  it.each(of('regression_metrics').map((c) => [c.note, c] as const))('%s', (_note, c) => {
    if (c.fn !== 'regression_metrics') throw new Error('unreachable');
    const { y_true, mu, sigma } = c.inputs;
    const e = c.expected;
    close(meanAbsoluteError(y_true, mu), e.mae, 'mae');
    close(rootMeanSquaredError(y_true, mu), e.rmse, 'rmse');
    close(r2Score(y_true, mu), e.r2, 'r2');
    close(gaussianLogLikelihood(y_true, mu, sigma), e.gaussian_loglik_mean, 'gll');
    const levels = Object.keys(e.coverage).map(Number);
    const shares = intervalCoverage(y_true, mu, sigma, levels);
    for (const [k, value] of Object.values(e.coverage).entries()) {
      close(shares[k]!, value, `coverage ${levels[k]}`);
    }
  });
});

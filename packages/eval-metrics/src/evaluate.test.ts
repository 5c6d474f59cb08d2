import { describe, expect, it } from 'vitest';
import {
  averagePrecision,
  brierScore,
  computeAll,
  EVALUATION_METRICS,
  evaluate,
  MetricsError,
  rocAuc,
  selectThresholdMaxMcc,
} from './index.js';

const labels = [0, 1, 0, 1, 1, 0, 1, 0];
const probabilities = [0.1, 0.8, 0.55, 0.35, 0.9, 0.2, 0.6, 0.4];

describe('evaluate', () => {
  it('reports every metric of probabilities, in the canonical order, as numbers', () => {
    const result = evaluate({ labels, scores: probabilities });
    expect(Object.keys(result)).toEqual([...EVALUATION_METRICS]);
    for (const value of Object.values(result)) expect(typeof value).toBe('number');
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
    const predictions = probabilities.map((p) => (p >= 0.5 ? 1 : 0));
    const binary = computeAll(labels, predictions);
    expect(result).toMatchObject({
      n: 8,
      positives: 4,
      negatives: 4,
      threshold: 0.5,
      tp: binary.tp,
      mcc: binary.mcc,
      balanced_accuracy: binary.balancedAccuracy,
      roc_auc: rocAuc(labels, probabilities),
      average_precision: averagePrecision(labels, probabilities),
      brier: brierScore(labels, probabilities),
    });
  });

  it('leaves calibration out for scores outside [0, 1], such as logits', () => {
    const logits = probabilities.map((p) => Math.log(p / (1 - p)));
    const result = evaluate({ labels, scores: logits, threshold: 0 });
    expect(Object.keys(result)).not.toContain('brier');
    expect(result.roc_auc).toBe(rocAuc(labels, probabilities));
    expect(result.threshold).toBe(0);
  });

  it('chooses the max-MCC threshold on request', () => {
    const result = evaluate({ labels, scores: probabilities, select: 'max-mcc' });
    const best = selectThresholdMaxMcc(labels, probabilities);
    expect(result.threshold).toBe(best.threshold);
    expect(result.mcc).toBe(best.mcc);
  });

  it('uses hard predictions as given, with no threshold', () => {
    const predictions = [0, 1, 1, 1, 0, 0, 1, 0];
    const result = evaluate({ labels, predictions });
    expect(Object.keys(result)).not.toContain('threshold');
    expect(Object.keys(result)).not.toContain('roc_auc');
    expect(result.f1).toBe(computeAll(labels, predictions).f1);
  });

  it('reports a chosen subset, still in the canonical order', () => {
    const result = evaluate({ labels, scores: probabilities, metrics: ['roc_auc', 'f1', 'n'] });
    expect(Object.keys(result)).toEqual(['n', 'f1', 'roc_auc']);
  });

  it('writes null where a metric is undefined for one-class data', () => {
    const result = evaluate({ labels: [1, 1, 1], scores: [0.2, 0.7, 0.9] });
    expect(result.roc_auc).toBeNull();
    expect(result.balanced_accuracy).toBeNull();
    expect(result.average_precision).toBe(1);
  });

  it('rejects contradictory or unknown options as usage errors', () => {
    const cases: [Parameters<typeof evaluate>[0], string][] = [
      [
        { labels, predictions: labels, threshold: 0.3 },
        'threshold applies to scores, but predictions are given',
      ],
      [
        { labels, scores: probabilities, threshold: 0.3, select: 'max-mcc' },
        'threshold and select are exclusive: give one of them',
      ],
      [{ labels, scores: probabilities, metrics: ['auc'] }, 'unknown metric "auc"'],
      [{ labels, predictions: labels, metrics: ['brier'] }, 'brier needs scores'],
      [
        { labels, scores: probabilities, threshold: Number.NaN },
        'threshold is NaN: a number is needed',
      ],
    ];
    for (const [input, message] of cases) {
      let error: unknown;
      try {
        evaluate(input);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(MetricsError);
      expect((error as MetricsError).message).toBe(message);
      expect((error as MetricsError).exitCode).toBe(2);
    }
  });

  it('checks that labels, scores and predictions have one length', () => {
    expect(() => evaluate({ labels, scores: [0.5] })).toThrow(
      'labels and scores must have the same length: labels has 8 values, scores has 1',
    );
  });
});

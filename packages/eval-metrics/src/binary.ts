/**
 * Binary classification from labels and hard predictions. One pass counts the confusion matrix;
 * every metric is then a function of the four counts (scikit-learn 1.2.1 conventions, see README).
 */
import { fScore, mccOf, ratio } from './arithmetic.js';
import { describeValue, MetricsError } from './errors.js';
import { type BinaryLabels, isPositive, sampleCount } from './validate.js';

export interface ConfusionCounts {
  tp: number;
  tn: number;
  fp: number;
  fn: number;
}

export interface BinaryMetrics extends ConfusionCounts {
  accuracy: number;
  precision: number;
  recall: number;
  specificity: number;
  f1: number;
  mcc: number;
  /** False negative rate, fn / (tp + fn). */
  fnr: number;
  /** False positive rate, fp / (tn + fp). */
  fpr: number;
  /** Mean of recall and specificity; `null` when `labels` holds only one class. */
  balancedAccuracy: number | null;
}

/** tp/tn/fp/fn in one pass, positive label 1 (or true), negative 0 (or false). */
export function confusionCounts(labels: BinaryLabels, predictions: BinaryLabels): ConfusionCounts {
  const n = sampleCount({ labels, predictions });
  let tp = 0;
  let fp = 0;
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const actual = isPositive(labels, 'labels', i);
    const predicted = isPositive(predictions, 'predictions', i);
    if (actual) positives++;
    if (predicted) {
      if (actual) tp++;
      else fp++;
    }
  }
  const negatives = n - positives;
  return { tp, tn: negatives - fp, fp, fn: positives - tp };
}

/**
 * Every binary metric from the four counts. Counts may exceed 2^31 (aggregated shards): MCC keeps
 * its numerator exact and its denominator a product of square roots.
 */
export function metricsFromCounts(counts: ConfusionCounts): BinaryMetrics {
  for (const key of ['tp', 'tn', 'fp', 'fn'] as const) {
    const value = counts[key];
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new MetricsError(
        'CAIRN_METRICS_OUT_OF_RANGE',
        `counts.${key} is ${describeValue(value)}: counts must be non-negative integers below 2^53`,
        { details: { argument: `counts.${key}`, value: describeValue(value) } },
      );
    }
  }
  const { tp, tn, fp, fn } = counts;
  const n = tp + tn + fp + fn;
  if (n === 0) {
    throw new MetricsError(
      'CAIRN_METRICS_EMPTY',
      'counts are all 0: a metric needs at least one sample',
    );
  }
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  const specificity = ratio(tn, tn + fp);
  const bothClasses = tp + fn > 0 && tn + fp > 0;
  return {
    tp,
    tn,
    fp,
    fn,
    accuracy: (tp + tn) / n,
    precision,
    recall,
    specificity,
    f1: fScore(precision, recall),
    mcc: mccOf(tp, tn, fp, fn),
    fnr: ratio(fn, tp + fn),
    fpr: ratio(fp, tn + fp),
    balancedAccuracy: bothClasses ? (recall + specificity) / 2 : null,
  };
}

/** All binary metrics in one pass over the data. */
export function computeAll(labels: BinaryLabels, predictions: BinaryLabels): BinaryMetrics {
  return metricsFromCounts(confusionCounts(labels, predictions));
}

/** MCC from counts (which may exceed 2^31); 0 when a row or column of the matrix is empty. */
export function mccFromCounts(counts: ConfusionCounts): number {
  return metricsFromCounts(counts).mcc;
}

export const accuracy = (labels: BinaryLabels, predictions: BinaryLabels): number =>
  computeAll(labels, predictions).accuracy;
export const precision = (labels: BinaryLabels, predictions: BinaryLabels): number =>
  computeAll(labels, predictions).precision;
export const recall = (labels: BinaryLabels, predictions: BinaryLabels): number =>
  computeAll(labels, predictions).recall;
export const specificity = (labels: BinaryLabels, predictions: BinaryLabels): number =>
  computeAll(labels, predictions).specificity;
export const f1Score = (labels: BinaryLabels, predictions: BinaryLabels): number =>
  computeAll(labels, predictions).f1;
export const mcc = (labels: BinaryLabels, predictions: BinaryLabels): number =>
  computeAll(labels, predictions).mcc;
export const falseNegativeRate = (labels: BinaryLabels, predictions: BinaryLabels): number =>
  computeAll(labels, predictions).fnr;
export const falsePositiveRate = (labels: BinaryLabels, predictions: BinaryLabels): number =>
  computeAll(labels, predictions).fpr;
export const balancedAccuracy = (labels: BinaryLabels, predictions: BinaryLabels): number | null =>
  computeAll(labels, predictions).balancedAccuracy;

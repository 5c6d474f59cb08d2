/**
 * Metrics of a score against binary labels: ROC, AUC, precision–recall, average precision, the
 * threshold sweep and the max-MCC threshold. All share one O(n log n) kernel:
 *
 * 1. one pass splits the scores by label into two Float64Arrays (validating both inputs);
 * 2. each is sorted by a radix sort of the doubles' bits (radix-sort.ts; no comparator and no index
 *    permutation: a label never has to travel with its score, because the arrays are per label);
 * 3. one merge walk from the top of both arrays visits each distinct score once with the
 *    cumulative true/false positive counts of "predict positive iff score ≥ threshold".
 *
 * With the radix sort the whole kernel costs less than one native sort of the n doubles, and the
 * full sweep about 1.25 such sorts (`pnpm bench metrics`, figures in the README).
 */
import { compareMccExactly, fScore, mccOf, ratio } from './arithmetic.js';
import { badOption, describeValue, MetricsError } from './errors.js';
import { RadixSorter } from './radix-sort.js';
import {
  type BinaryLabels,
  checkScore,
  isPositive,
  type Numbers,
  sampleCount,
} from './validate.js';

/** The scores of each class, each sorted ascending. */
export interface ScoresByClass {
  positives: Float64Array;
  negatives: Float64Array;
}

/** Splits `scores` by label and sorts each part. Validates labels (0/1) and scores (not NaN). */
export function sortByClass(labels: BinaryLabels, scores: Numbers): ScoresByClass {
  const n = sampleCount({ labels, scores });
  // One pass: validate, split by label, and prepare the radix keys while each score is in cache.
  const positives = new RadixSorter(n);
  const negatives = new RadixSorter(n);
  for (let i = 0; i < n; i++) {
    const score = scores[i]!;
    checkScore(score, 'scores', i);
    if (isPositive(labels, 'labels', i)) positives.add(score);
    else negatives.add(score);
  }
  return { positives: positives.sorted(), negatives: negatives.sorted() };
}

/**
 * Walks the distinct scores from the highest down: after each `next()`, `tp` and `fp` are the
 * positives and negatives scoring ≥ `threshold`. −0 and +0 are one score (reported as +0).
 * A class with one monomorphic `next()` rather than a callback, so the optimiser inlines the step
 * into each metric's loop (a callback per distinct score cost twice as much at 10^7 scores).
 */
export class ThresholdWalk {
  // Every field starts as the kind of number it holds (doubles as a double), so V8 stores them
  // unboxed from the first object on; an `undefined` start would box every write.
  threshold = Number.NaN;
  tp = 0;
  fp = 0;
  private i: number = -1;
  private j: number = -1;
  private a: number = Number.NEGATIVE_INFINITY;
  private b: number = Number.NEGATIVE_INFINITY;
  private readonly positives: Float64Array;
  private readonly negatives: Float64Array;

  constructor({ positives, negatives }: ScoresByClass) {
    this.positives = positives;
    this.negatives = negatives;
    this.i = positives.length - 1;
    this.j = negatives.length - 1;
    // −∞ stands for "exhausted"; a real −∞ score is still counted because the index guards it.
    if (this.i >= 0) this.a = positives[this.i]!;
    if (this.j >= 0) this.b = negatives[this.j]!;
  }

  next(): boolean {
    let { i, j, a, b, tp, fp } = this;
    if (i < 0 && j < 0) return false;
    const threshold = Math.max(a, b);
    const { positives, negatives } = this;
    while (i >= 0 && a === threshold) {
      tp++;
      i--;
      a = i >= 0 ? positives[i]! : Number.NEGATIVE_INFINITY;
    }
    while (j >= 0 && b === threshold) {
      fp++;
      j--;
      b = j >= 0 ? negatives[j]! : Number.NEGATIVE_INFINITY;
    }
    this.i = i;
    this.j = j;
    this.a = a;
    this.b = b;
    this.tp = tp;
    this.fp = fp;
    this.threshold = threshold === 0 ? 0 : threshold;
    return true;
  }
}

function trim(values: Float64Array, length: number): Float64Array {
  return length === values.length ? values : values.slice(0, length);
}

function requireBothClasses(sorted: ScoresByClass, what: string): void {
  const p = sorted.positives.length;
  const n = sorted.negatives.length;
  if (p > 0 && n > 0) return;
  throw new MetricsError(
    'CAIRN_METRICS_ONE_CLASS',
    `${what} is undefined when labels hold one class: all ${p + n} labels are ${p > 0 ? 1 : 0}`,
    { hint: 'evaluate on data with both positive and negative samples' },
  );
}

export interface RocCurve {
  /** False positive rate at each threshold, from 0 up to 1. */
  fpr: Float64Array;
  /** True positive rate at each threshold, from 0 up to 1. */
  tpr: Float64Array;
  /** Decreasing: the first is above every score, then each distinct score. */
  thresholds: Float64Array;
}

export interface RocCurveOptions {
  /**
   * The threshold of the (0, 0) point: `'infinity'` (default, scikit-learn ≥ 1.3) or
   * `'max-plus-one'` (the highest score + 1, scikit-learn ≤ 1.2 and the parity vectors).
   */
  firstThreshold?: 'infinity' | 'max-plus-one';
}

/**
 * The ROC curve at every distinct score (`roc_curve(drop_intermediate=False)`): tied scores form one
 * step. Throws `CAIRN_METRICS_ONE_CLASS` when a class is absent (scikit-learn returns NaN there).
 */
export function rocCurve(
  labels: BinaryLabels,
  scores: Numbers,
  options: RocCurveOptions = {},
): RocCurve {
  const first = options.firstThreshold ?? 'infinity';
  if (first !== 'infinity' && first !== 'max-plus-one') {
    throw badOption(
      `firstThreshold is ${describeValue(first)}: expected "infinity" or "max-plus-one"`,
    );
  }
  const sorted = sortByClass(labels, scores);
  requireBothClasses(sorted, 'the ROC curve');
  const positives = sorted.positives.length;
  const negatives = sorted.negatives.length;
  const capacity = positives + negatives + 1;
  const fpr = new Float64Array(capacity);
  const tpr = new Float64Array(capacity);
  const thresholds = new Float64Array(capacity);
  let k = 1;
  for (const walk = new ThresholdWalk(sorted); walk.next(); k++) {
    thresholds[k] = walk.threshold;
    tpr[k] = walk.tp / positives;
    fpr[k] = walk.fp / negatives;
  }
  thresholds[0] = first === 'max-plus-one' ? thresholds[1]! + 1 : Number.POSITIVE_INFINITY;
  return { fpr: trim(fpr, k), tpr: trim(tpr, k), thresholds: trim(thresholds, k) };
}

/**
 * Area under the ROC curve by trapezoids over the distinct-score steps (ties form one step, so a tie
 * counts ½), computed from integer counts: Σ Δfp·(tp_prev + tp) / (2·P·N).
 */
export function rocAuc(labels: BinaryLabels, scores: Numbers): number {
  return rocAucOf(sortByClass(labels, scores));
}

/** {@link rocAuc} of scores already split and sorted. */
export function rocAucOf(sorted: ScoresByClass): number {
  requireBothClasses(sorted, 'ROC AUC');
  let area = 0;
  let previousTp = 0;
  let previousFp = 0;
  for (const walk = new ThresholdWalk(sorted); walk.next(); ) {
    const { tp, fp } = walk;
    area += (fp - previousFp) * (previousTp + tp);
    previousTp = tp;
    previousFp = fp;
  }
  return area / (2 * sorted.positives.length * sorted.negatives.length);
}

export interface PrecisionRecallCurve {
  /** Precision at each threshold, then a final 1 (scikit-learn's layout). */
  precision: Float64Array;
  /** Recall at each threshold, then a final 0. */
  recall: Float64Array;
  /** The distinct scores, increasing. */
  thresholds: Float64Array;
}

/**
 * `precision_recall_curve` of scikit-learn 1.2.1: every distinct score, increasing, no truncation
 * after full recall; recall is 1 at every threshold when there is no positive label.
 */
export function precisionRecallCurve(labels: BinaryLabels, scores: Numbers): PrecisionRecallCurve {
  const sorted = sortByClass(labels, scores);
  const positives = sorted.positives.length;
  const capacity = positives + sorted.negatives.length;
  const thresholds = new Float64Array(capacity);
  const precision = new Float64Array(capacity + 1);
  const recall = new Float64Array(capacity + 1);
  // The walk runs from the highest threshold down; the curve is laid out from the lowest up.
  let k = 0;
  for (const walk = new ThresholdWalk(sorted); walk.next(); k++) {
    const { tp, fp } = walk;
    thresholds[k] = walk.threshold;
    precision[k] = tp / (tp + fp);
    recall[k] = positives === 0 ? 1 : tp / positives;
  }
  thresholds.subarray(0, k).reverse();
  precision.subarray(0, k).reverse();
  recall.subarray(0, k).reverse();
  precision[k] = 1;
  recall[k] = 0;
  return {
    precision: trim(precision, k + 1),
    recall: trim(recall, k + 1),
    thresholds: trim(thresholds, k),
  };
}

/**
 * Average precision, scikit-learn's step-wise Σ (R_k − R_{k−1})·P_k over the distinct scores,
 * without interpolation. 0 when there is no positive label (scikit-learn 1.2.1 returns −0 and warns).
 */
export function averagePrecision(labels: BinaryLabels, scores: Numbers): number {
  return averagePrecisionOf(sortByClass(labels, scores));
}

/** {@link averagePrecision} of scores already split and sorted. */
export function averagePrecisionOf(sorted: ScoresByClass): number {
  const positives = sorted.positives.length;
  if (positives === 0) return 0;
  let sum = 0;
  let previousTp = 0;
  for (const walk = new ThresholdWalk(sorted); walk.next(); ) {
    const { tp, fp } = walk;
    if (tp !== previousTp) sum += (tp - previousTp) * (tp / (tp + fp));
    previousTp = tp;
  }
  return sum / positives;
}

export interface ThresholdSweep {
  /** Every distinct score, decreasing; predictions are positive iff score ≥ threshold. */
  thresholds: Float64Array;
  tp: Float64Array;
  fp: Float64Array;
  precision: Float64Array;
  recall: Float64Array;
  f1: Float64Array;
  mcc: Float64Array;
  /** Number of positive and negative labels: tn = negatives − fp, fn = positives − tp. */
  positives: number;
  negatives: number;
}

/** MCC, F1, precision and recall at every distinct threshold, from one sort and one walk. */
export function thresholdSweep(labels: BinaryLabels, scores: Numbers): ThresholdSweep {
  const sorted = sortByClass(labels, scores);
  const positives = sorted.positives.length;
  const negatives = sorted.negatives.length;
  const capacity = positives + negatives;
  const thresholds = new Float64Array(capacity);
  const tpAt = new Float64Array(capacity);
  const fpAt = new Float64Array(capacity);
  const precision = new Float64Array(capacity);
  const recall = new Float64Array(capacity);
  const f1 = new Float64Array(capacity);
  const mcc = new Float64Array(capacity);
  let k = 0;
  for (const walk = new ThresholdWalk(sorted); walk.next(); k++) {
    const { tp, fp } = walk;
    const p = tp / (tp + fp);
    const r = ratio(tp, positives);
    thresholds[k] = walk.threshold;
    tpAt[k] = tp;
    fpAt[k] = fp;
    precision[k] = p;
    recall[k] = r;
    f1[k] = fScore(p, r);
    mcc[k] = mccOf(tp, negatives - fp, fp, positives - tp);
  }
  return {
    thresholds: trim(thresholds, k),
    tp: trim(tpAt, k),
    fp: trim(fpAt, k),
    precision: trim(precision, k),
    recall: trim(recall, k),
    f1: trim(f1, k),
    mcc: trim(mcc, k),
    positives,
    negatives,
  };
}

export interface ThresholdChoice {
  threshold: number;
  mcc: number;
  tp: number;
  tn: number;
  fp: number;
  fn: number;
}

/**
 * The threshold with the highest MCC. Candidates are the distinct scores; a sample is predicted
 * positive iff its score ≥ the threshold; on equal MCC the smallest threshold wins. "Equal" is
 * exact: near-ties in float64 are decided on the exact rational MCC (BigInt), so the rule never
 * depends on rounding. With one class only every MCC is 0 and the smallest score is chosen.
 */
export function selectThresholdMaxMcc(labels: BinaryLabels, scores: Numbers): ThresholdChoice {
  return maxMccThresholdOf(sortByClass(labels, scores));
}

/** {@link selectThresholdMaxMcc} of scores already split and sorted. */
export function maxMccThresholdOf(sorted: ScoresByClass): ThresholdChoice {
  const positives = sorted.positives.length;
  const negatives = sorted.negatives.length;
  const walk = new ThresholdWalk(sorted);
  // sortByClass rejects empty input, so there is always a first threshold.
  walk.next();
  let best = choice(walk, positives, negatives);
  while (walk.next()) {
    const candidate = choice(walk, positives, negatives);
    if (isAtLeast(candidate, best)) best = candidate;
  }
  return best;
}

function choice(walk: ThresholdWalk, positives: number, negatives: number): ThresholdChoice {
  const { threshold, tp, fp } = walk;
  const tn = negatives - fp;
  const fn = positives - tp;
  return { threshold, mcc: mccOf(tp, tn, fp, fn), tp, tn, fp, fn };
}

/** Whether `candidate` (a lower threshold) beats or ties `best`, deciding near-ties exactly. */
function isAtLeast(candidate: ThresholdChoice, best: ThresholdChoice): boolean {
  const tolerance = 1e-14 * Math.max(Math.abs(candidate.mcc), Math.abs(best.mcc));
  if (candidate.mcc > best.mcc + tolerance) return true;
  if (candidate.mcc < best.mcc - tolerance) return false;
  // Exactly 0 only when the true MCC is 0 (a zero numerator or denominator): a true tie.
  if (candidate.mcc === 0 && best.mcc === 0) return true;
  const counts = (c: ThresholdChoice) => [c.tp, c.tn, c.fp, c.fn] as const;
  return compareMccExactly(counts(candidate), counts(best)) >= 0;
}

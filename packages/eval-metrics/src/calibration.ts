/**
 * Calibration of predicted probabilities: reliability curves (scikit-learn's `calibration_curve`),
 * expected calibration error, Brier score and log loss.
 */
import { CompensatedSum } from './arithmetic.js';
import { badOption } from './errors.js';
import {
  type BinaryLabels,
  checkPositiveInteger,
  checkProbability,
  isPositive,
  type Numbers,
  sampleCount,
} from './validate.js';

export interface ReliabilityOptions {
  /** Number of bins (default 10). */
  bins?: number;
  /** `'uniform'` (equal widths on [0, 1], default) or `'quantile'` (equal counts). */
  strategy?: 'uniform' | 'quantile';
}

export interface ReliabilityCurve {
  /** Share of positive labels in each non-empty bin. */
  probTrue: Float64Array;
  /** Mean predicted probability in each non-empty bin. */
  probPred: Float64Array;
  /** Samples in each non-empty bin. */
  counts: Float64Array;
  /** All `bins + 1` bin edges, empty bins included. */
  edges: Float64Array;
}

/**
 * `calibration_curve(y_true, y_prob, n_bins, strategy)` of scikit-learn 1.2.1, empty bins dropped.
 * A probability equal to an inner edge falls in the bin below it (numpy's `searchsorted`, left);
 * uniform edges are numpy's `linspace` (k·(1/bins)), quantile edges numpy's linear `percentile`.
 */
export function reliabilityCurve(
  labels: BinaryLabels,
  probabilities: Numbers,
  options: ReliabilityOptions = {},
): ReliabilityCurve {
  const bins = options.bins ?? 10;
  checkPositiveInteger(bins, 'bins');
  const strategy = options.strategy ?? 'uniform';
  if (strategy !== 'uniform' && strategy !== 'quantile') {
    throw badOption(`strategy is ${JSON.stringify(strategy)}: expected "uniform" or "quantile"`);
  }
  const n = checkProbabilities(labels, probabilities);
  const edges = strategy === 'uniform' ? linspaceEdges(bins) : quantileEdges(probabilities, bins);
  const binOf = (p: number): number => {
    // The number of inner edges strictly below p (searchsorted on edges[1..bins-1], side left).
    let lo = 0;
    let hi = bins - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (edges[mid + 1]! < p) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const { sums, positives, counts } = accumulateBins(labels, probabilities, n, bins, binOf);
  const probTrue: number[] = [];
  const probPred: number[] = [];
  const nonEmpty: number[] = [];
  for (let b = 0; b < bins; b++) {
    const count = counts[b]!;
    if (count === 0) continue;
    probTrue.push(positives[b]! / count);
    probPred.push(sums[b]! / count);
    nonEmpty.push(count);
  }
  return {
    probTrue: Float64Array.from(probTrue),
    probPred: Float64Array.from(probPred),
    counts: Float64Array.from(nonEmpty),
    edges,
  };
}

/**
 * Expected calibration error: Σ_b (n_b / n)·|mean(y)_b − mean(p)_b| over `bins` equal-width bins
 * [0, 1/bins), [1/bins, 2/bins), …, [(bins−1)/bins, 1] (edges k/bins; the last bin is closed).
 */
export function expectedCalibrationError(
  labels: BinaryLabels,
  probabilities: Numbers,
  options: { bins?: number } = {},
): number {
  const bins = options.bins ?? 10;
  checkPositiveInteger(bins, 'bins');
  const n = checkProbabilities(labels, probabilities);
  const binOf = (p: number): number => {
    let b = Math.min(Math.floor(p * bins), bins - 1);
    // p·bins can round across an edge; settle against the edges k/bins themselves.
    if (b > 0 && p < b / bins) b--;
    else if (b < bins - 1 && p >= (b + 1) / bins) b++;
    return b;
  };
  const { sums, positives, counts } = accumulateBins(labels, probabilities, n, bins, binOf);
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    const count = counts[b]!;
    if (count === 0) continue;
    ece += Math.abs(positives[b]! / count - sums[b]! / count) * (count / n);
  }
  return ece;
}

/** Mean squared difference between the probability and the 0/1 label. */
export function brierScore(labels: BinaryLabels, probabilities: Numbers): number {
  const n = checkProbabilities(labels, probabilities);
  const total = new CompensatedSum();
  for (let i = 0; i < n; i++) {
    const d = (labels[i] === 1 || labels[i] === true ? 1 : 0) - probabilities[i]!;
    total.add(d * d);
  }
  return total.value / n;
}

/**
 * Mean negative log-likelihood of the labels. Probabilities are clipped to [ε, 1 − ε] with
 * ε = Number.EPSILON (scikit-learn 1.2's `eps="auto"` for float64) and, like scikit-learn,
 * renormalised by (1 − p) + p.
 */
export function logLoss(labels: BinaryLabels, probabilities: Numbers): number {
  const n = checkProbabilities(labels, probabilities);
  const eps = Number.EPSILON;
  const total = new CompensatedSum();
  for (let i = 0; i < n; i++) {
    const p = Math.min(Math.max(probabilities[i]!, eps), 1 - eps);
    const q = 1 - p;
    const norm = q + p;
    total.add(-Math.log((labels[i] === 1 || labels[i] === true ? p : q) / norm));
  }
  return total.value / n;
}

/** Validates labels (0/1) and probabilities ([0, 1]) in one pass; returns n. */
function checkProbabilities(labels: BinaryLabels, probabilities: Numbers): number {
  const n = sampleCount({ labels, probabilities });
  for (let i = 0; i < n; i++) {
    isPositive(labels, 'labels', i);
    checkProbability(probabilities[i]!, 'probabilities', i);
  }
  return n;
}

/** Per-bin sums in data order (as numpy's `bincount`, so the means match scikit-learn's bit for bit). */
function accumulateBins(
  labels: BinaryLabels,
  probabilities: Numbers,
  n: number,
  bins: number,
  binOf: (p: number) => number,
) {
  const sums = new Float64Array(bins);
  const positives = new Float64Array(bins);
  const counts = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const p = probabilities[i]!;
    const b = binOf(p);
    sums[b]! += p;
    if (labels[i] === 1 || labels[i] === true) positives[b]! += 1;
    counts[b]! += 1;
  }
  return { sums, positives, counts };
}

/** numpy's `linspace(0, 1, bins + 1)`: k·step with step = 1/bins, the last edge exactly 1. */
function linspaceEdges(bins: number): Float64Array {
  const edges = new Float64Array(bins + 1);
  const step = 1 / bins;
  for (let k = 0; k < bins; k++) edges[k] = k * step;
  edges[bins] = 1;
  return edges;
}

/** numpy's `percentile(p, linspace(0, 1, bins + 1) * 100)` with the default linear method. */
function quantileEdges(probabilities: Numbers, bins: number): Float64Array {
  const sorted = Float64Array.from(probabilities).sort();
  const n = sorted.length;
  const quantiles = linspaceEdges(bins);
  const edges = new Float64Array(bins + 1);
  for (let k = 0; k <= bins; k++) {
    const q = (quantiles[k]! * 100) / 100;
    const virtual = (n - 1) * q;
    if (virtual >= n - 1) {
      edges[k] = sorted[n - 1]!;
      continue;
    }
    const below = Math.floor(virtual);
    const gamma = virtual - below;
    const a = sorted[below]!;
    const b = sorted[below + 1]!;
    const diff = b - a;
    // numpy's _lerp: from the nearer end, so the result is exact at both ends.
    edges[k] = gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
  }
  return edges;
}

/**
 * Multiclass classification: the confusion matrix over declared (or inferred) classes, accuracy,
 * macro/micro/weighted precision, recall and F1, and Gorodkin's multiclass MCC, as scikit-learn 1.2.1.
 */
import { fScore, ratio } from './arithmetic.js';
import { badOption, describeValue, MetricsError } from './errors.js';
import { sampleCount } from './validate.js';

export type ClassLabel = number | string;

export interface ClassOptions {
  /**
   * The classes, in the order of the matrix rows and columns. A class may be absent from the data
   * (its row and column are 0); a value not listed is a `CAIRN_METRICS_UNKNOWN_LABEL` error.
   * Default: the sorted union of the values in `labels` and `predictions`.
   */
  classes?: readonly ClassLabel[];
}

export interface ConfusionMatrix {
  classes: ClassLabel[];
  /** `matrix[i][j]`: samples of true class `classes[i]` predicted as `classes[j]`. */
  matrix: number[][];
}

export interface AveragedScores {
  precision: number;
  recall: number;
  f1: number;
}

export interface MulticlassMetrics {
  classes: ClassLabel[];
  confusionMatrix: number[][];
  accuracy: number;
  mcc: number;
  macro: AveragedScores;
  micro: AveragedScores;
  weighted: AveragedScores;
  /** Per class, in the order of `classes`; `support` is the number of true samples. */
  perClass: PerClassScores;
}

export interface PerClassScores {
  precision: number[];
  recall: number[];
  f1: number[];
  support: number[];
}

type ClassValues = ArrayLike<ClassLabel>;

/** The confusion matrix, rows = true class, columns = predicted class. */
export function confusionMatrix(
  labels: ClassValues,
  predictions: ClassValues,
  options: ClassOptions = {},
): ConfusionMatrix {
  const n = sampleCount({ labels, predictions });
  const classes = options.classes
    ? declaredClasses(options.classes)
    : inferClasses(labels, predictions, n);
  const index = new Map<ClassLabel, number>();
  for (const [i, value] of classes.entries()) index.set(value, i);
  const k = classes.length;
  const counts = new Float64Array(k * k);
  for (let i = 0; i < n; i++) {
    const row = classIndex(index, labels, 'labels', i, classes);
    const column = classIndex(index, predictions, 'predictions', i, classes);
    counts[row * k + column]! += 1;
  }
  const matrix: number[][] = [];
  for (let r = 0; r < k; r++) matrix.push(Array.from(counts.subarray(r * k, (r + 1) * k)));
  return { classes, matrix };
}

/** Every multiclass metric from one pass over the data. */
export function multiclassMetrics(
  labels: ClassValues,
  predictions: ClassValues,
  options: ClassOptions = {},
): MulticlassMetrics {
  const { classes, matrix } = confusionMatrix(labels, predictions, options);
  return { ...metricsFromMatrix(matrix), classes, confusionMatrix: matrix };
}

/** Gorodkin's multiclass MCC (scikit-learn's `matthews_corrcoef`) from a confusion matrix. */
export function mccFromConfusionMatrix(matrix: readonly (readonly number[])[]): number {
  const { trueSums, predictedSums, correct, total } = marginals(matrix);
  return gorodkin(trueSums, predictedSums, correct, total);
}

function metricsFromMatrix(
  matrix: readonly (readonly number[])[],
): Omit<MulticlassMetrics, 'classes' | 'confusionMatrix'> {
  const { trueSums, predictedSums, correct, total, diagonal } = marginals(matrix);
  const k = matrix.length;
  const perClass: PerClassScores = { precision: [], recall: [], f1: [], support: trueSums };
  for (let c = 0; c < k; c++) {
    const p = ratio(diagonal[c]!, predictedSums[c]!);
    const r = ratio(diagonal[c]!, trueSums[c]!);
    perClass.precision.push(p);
    perClass.recall.push(r);
    perClass.f1.push(fScore(p, r));
  }
  const microPrecision = ratio(correct, sum(predictedSums));
  const microRecall = ratio(correct, total);
  return {
    accuracy: correct / total,
    mcc: gorodkin(trueSums, predictedSums, correct, total),
    macro: {
      precision: sum(perClass.precision) / k,
      recall: sum(perClass.recall) / k,
      f1: sum(perClass.f1) / k,
    },
    micro: {
      precision: microPrecision,
      recall: microRecall,
      f1: fScore(microPrecision, microRecall),
    },
    weighted: {
      precision: weightedMean(perClass.precision, trueSums),
      recall: weightedMean(perClass.recall, trueSums),
      f1: weightedMean(perClass.f1, trueSums),
    },
    perClass,
  };
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

function weightedMean(values: readonly number[], weights: readonly number[]): number {
  let weighted = 0;
  for (let i = 0; i < values.length; i++) weighted += values[i]! * weights[i]!;
  return ratio(weighted, sum(weights));
}

function marginals(matrix: readonly (readonly number[])[]) {
  const k = matrix.length;
  const trueSums = new Array<number>(k).fill(0);
  const predictedSums = new Array<number>(k).fill(0);
  const diagonal = new Array<number>(k).fill(0);
  let correct = 0;
  let total = 0;
  for (let r = 0; r < k; r++) {
    const row = matrix[r]!;
    if (row.length !== k) {
      throw new MetricsError(
        'CAIRN_METRICS_LENGTH_MISMATCH',
        `matrix[${r}] has ${row.length} columns: a confusion matrix must be square (${k}×${k})`,
      );
    }
    for (let c = 0; c < k; c++) {
      const count = row[c]!;
      if (!Number.isSafeInteger(count) || count < 0) {
        throw new MetricsError(
          'CAIRN_METRICS_OUT_OF_RANGE',
          `matrix[${r}][${c}] is ${describeValue(count)}: counts must be non-negative integers below 2^53`,
        );
      }
      trueSums[r]! += count;
      predictedSums[c]! += count;
      total += count;
    }
    diagonal[r] = row[r]!;
    correct += row[r]!;
  }
  if (total === 0) {
    throw new MetricsError(
      'CAIRN_METRICS_EMPTY',
      'the confusion matrix is all 0: a metric needs at least one sample',
    );
  }
  return { trueSums, predictedSums, diagonal, correct, total };
}

const EXACT = 2 ** 53;

/**
 * cov(y,ŷ) / √(cov(y,y)·cov(ŷ,ŷ)) with cov(y,ŷ) = c·s − Σ t_k·p_k, cov(y,y) = s² − Σ t_k²,
 * cov(ŷ,ŷ) = s² − Σ p_k². Below 2^53 every term is an exact double; above, the covariances are
 * formed exactly in BigInt and rounded once. 0 when either variance is 0 (scikit-learn).
 */
function gorodkin(
  trueSums: readonly number[],
  predictedSums: readonly number[],
  correct: number,
  total: number,
): number {
  let covTP: number;
  let covTT: number;
  let covPP: number;
  if (total * total <= EXACT) {
    let tp = 0;
    let tt = 0;
    let pp = 0;
    for (let k = 0; k < trueSums.length; k++) {
      tp += trueSums[k]! * predictedSums[k]!;
      tt += trueSums[k]! * trueSums[k]!;
      pp += predictedSums[k]! * predictedSums[k]!;
    }
    covTP = correct * total - tp;
    covTT = total * total - tt;
    covPP = total * total - pp;
  } else {
    const s = BigInt(total);
    let tp = 0n;
    let tt = 0n;
    let pp = 0n;
    for (let k = 0; k < trueSums.length; k++) {
      const t = BigInt(trueSums[k]!);
      const p = BigInt(predictedSums[k]!);
      tp += t * p;
      tt += t * t;
      pp += p * p;
    }
    covTP = Number(BigInt(correct) * s - tp);
    covTT = Number(s * s - tt);
    covPP = Number(s * s - pp);
  }
  if (covTT === 0 || covPP === 0) return 0;
  // One root of the product (as scikit-learn): a perfect matrix (covTT = covPP = covTP) gives
  // exactly 1, since √(x·x) = x in IEEE arithmetic. No overflow: the product stays below 2^212.
  const value = covTP / Math.sqrt(covTT * covPP);
  return Math.min(1, Math.max(-1, value));
}

function declaredClasses(classes: readonly ClassLabel[]): ClassLabel[] {
  if (classes.length === 0) throw badOption('classes is empty: declare at least one class');
  const seen = new Set<ClassLabel>();
  for (const value of classes) {
    if (typeof value === 'number' && Number.isNaN(value)) {
      throw badOption('classes contains NaN: a class must be a number or a string');
    }
    if (seen.has(value)) throw badOption(`classes lists ${describeValue(value)} twice`);
    seen.add(value);
  }
  return [...classes];
}

function inferClasses(labels: ClassValues, predictions: ClassValues, n: number): ClassLabel[] {
  const seen = new Set<ClassLabel>();
  for (const [name, values] of [
    ['labels', labels],
    ['predictions', predictions],
  ] as const) {
    for (let i = 0; i < n; i++) {
      const value = values[i]!;
      if (typeof value !== 'string' && (typeof value !== 'number' || Number.isNaN(value))) {
        throw new MetricsError(
          typeof value === 'number' ? 'CAIRN_METRICS_NAN' : 'CAIRN_METRICS_UNKNOWN_LABEL',
          `${name}[${i}] is ${describeValue(value)}: a class must be a number or a string`,
          { details: { argument: name, index: i, value: describeValue(value) } },
        );
      }
      seen.add(value);
    }
  }
  const all = [...seen];
  const numbers = all.filter((v): v is number => typeof v === 'number').sort((a, b) => a - b);
  const strings = all.filter((v): v is string => typeof v === 'string').sort();
  if (numbers.length > 0 && strings.length > 0) {
    throw badOption(
      `labels and predictions mix numbers and strings (${describeValue(numbers[0])} and ${describeValue(strings[0])})`,
      'declare the classes explicitly with the `classes` option',
    );
  }
  return numbers.length > 0 ? numbers : strings;
}

function classIndex(
  index: ReadonlyMap<ClassLabel, number>,
  values: ClassValues,
  name: string,
  i: number,
  classes: readonly ClassLabel[],
): number {
  const value = values[i]!;
  const found = index.get(value);
  if (found !== undefined) return found;
  const listed =
    classes.length > 10
      ? `${classes.slice(0, 10).map(describeValue).join(', ')}, …`
      : classes.map(describeValue).join(', ');
  throw new MetricsError(
    typeof value === 'number' && Number.isNaN(value)
      ? 'CAIRN_METRICS_NAN'
      : 'CAIRN_METRICS_UNKNOWN_LABEL',
    `${name}[${i}] is ${describeValue(value)}, which is not one of the declared classes [${listed}]`,
    {
      hint: 'add the value to `classes`, or fix the data',
      details: { argument: name, index: i, value: describeValue(value) },
    },
  );
}

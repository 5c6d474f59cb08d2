/**
 * One call for `cairn eval`: labels plus scores and/or hard predictions in, one flat object of
 * numbers out, keys always in the order of {@link EVALUATION_METRICS}, ready for a DVC metrics file.
 */
import { type ConfusionCounts, confusionCounts, metricsFromCounts } from './binary.js';
import { brierScore, expectedCalibrationError, logLoss } from './calibration.js';
import { badOption, describeValue } from './errors.js';
import {
  averagePrecisionOf,
  maxMccThresholdOf,
  rocAucOf,
  type ScoresByClass,
  sortByClass,
} from './ranking.js';
import {
  type BinaryLabels,
  checkScore,
  isPositive,
  type Numbers,
  sampleCount,
} from './validate.js';

/** Every metric `evaluate` can report, in the order it reports them. */
export const EVALUATION_METRICS = [
  'n',
  'positives',
  'negatives',
  'threshold',
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
  'balanced_accuracy',
  'roc_auc',
  'average_precision',
  'brier',
  'log_loss',
  'ece',
] as const;

export type EvaluationMetric = (typeof EVALUATION_METRICS)[number];

/**
 * Metric name → value. `null` only where a metric is undefined for the data: `balanced_accuracy`
 * and `roc_auc` when the labels hold one class.
 */
export type EvaluationResult = Partial<Record<EvaluationMetric, number | null>>;

export interface EvaluateInput {
  /** 0/1 (or false/true) ground truth. */
  labels: BinaryLabels;
  /** Scores or probabilities; enable the ranking metrics, and calibration when all lie in [0, 1]. */
  scores?: Numbers;
  /** Hard 0/1 predictions. Without them they come from `scores`: positive iff score ≥ threshold. */
  predictions?: BinaryLabels;
  /** Threshold applied to `scores` (default 0.5). */
  threshold?: number;
  /** `'max-mcc'`: choose the threshold with the highest MCC instead (see selectThresholdMaxMcc). */
  select?: 'max-mcc';
  /** Report only these metrics (names from EVALUATION_METRICS), still in the canonical order. */
  metrics?: readonly string[];
}

const RANKING = new Set<EvaluationMetric>(['roc_auc', 'average_precision']);
const CALIBRATION = new Set<EvaluationMetric>(['brier', 'log_loss', 'ece']);

/** Computes the requested (or default) metrics; see README for the defaults and the conventions. */
export function evaluate(input: EvaluateInput): EvaluationResult {
  const { labels, scores, predictions, threshold, select, metrics } = input;
  checkOptions(input);
  const n = sampleCount({
    labels,
    ...(scores ? { scores } : {}),
    ...(predictions ? { predictions } : {}),
  });
  const wanted = chooseMetrics(metrics, input);

  let sorted: ScoresByClass | undefined;
  const sortedScores = (): ScoresByClass => {
    sorted ??= sortByClass(labels, scores!);
    return sorted;
  };
  let cut: number | undefined;
  if (!predictions) {
    cut = select === 'max-mcc' ? maxMccThresholdOf(sortedScores()).threshold : (threshold ?? 0.5);
  }
  const counts = countAt(labels, predictions, scores, cut, n);
  const binary = metricsFromCounts(counts);
  const positives = counts.tp + counts.fn;
  const oneClass = positives === 0 || positives === n;

  const values: Record<EvaluationMetric, () => number | null> = {
    n: () => n,
    positives: () => positives,
    negatives: () => n - positives,
    threshold: () => cut ?? null,
    tp: () => binary.tp,
    tn: () => binary.tn,
    fp: () => binary.fp,
    fn: () => binary.fn,
    accuracy: () => binary.accuracy,
    precision: () => binary.precision,
    recall: () => binary.recall,
    specificity: () => binary.specificity,
    f1: () => binary.f1,
    mcc: () => binary.mcc,
    fnr: () => binary.fnr,
    fpr: () => binary.fpr,
    balanced_accuracy: () => binary.balancedAccuracy,
    roc_auc: () => (oneClass ? null : rocAucOf(sortedScores())),
    average_precision: () => averagePrecisionOf(sortedScores()),
    brier: () => brierScore(labels, scores!),
    log_loss: () => logLoss(labels, scores!),
    ece: () => expectedCalibrationError(labels, scores!),
  };
  const result: EvaluationResult = {};
  for (const name of EVALUATION_METRICS) if (wanted.has(name)) result[name] = values[name]();
  return result;
}

function checkOptions({ scores, predictions, threshold, select }: EvaluateInput): void {
  if (!scores && !predictions) throw badOption('evaluate needs scores or predictions (or both)');
  if (predictions && (threshold !== undefined || select !== undefined)) {
    throw badOption(
      `${threshold !== undefined ? 'threshold' : 'select'} applies to scores, but predictions are given`,
      'drop the threshold, or pass scores without predictions',
    );
  }
  if (threshold !== undefined && select !== undefined) {
    throw badOption('threshold and select are exclusive: give one of them');
  }
  if (select !== undefined && select !== 'max-mcc') {
    throw badOption(`select is ${describeValue(select)}: the only selection is "max-mcc"`);
  }
  if (threshold !== undefined && (typeof threshold !== 'number' || Number.isNaN(threshold))) {
    throw badOption(`threshold is ${describeValue(threshold)}: a number is needed`);
  }
}

function chooseMetrics(
  requested: readonly string[] | undefined,
  input: EvaluateInput,
): Set<EvaluationMetric> {
  const known = new Set<string>(EVALUATION_METRICS);
  if (requested) {
    const chosen = new Set<EvaluationMetric>();
    for (const name of requested) {
      if (!known.has(name)) {
        throw badOption(
          `unknown metric ${JSON.stringify(name)}`,
          `known metrics: ${EVALUATION_METRICS.join(', ')}`,
        );
      }
      const metric = name as EvaluationMetric;
      if ((RANKING.has(metric) || CALIBRATION.has(metric)) && !input.scores) {
        throw badOption(`${metric} needs scores`);
      }
      if (metric === 'threshold' && input.predictions) {
        throw badOption('threshold is reported only when predictions come from scores');
      }
      chosen.add(metric);
    }
    return chosen;
  }
  const defaults = new Set<EvaluationMetric>(EVALUATION_METRICS);
  if (input.predictions) defaults.delete('threshold');
  if (!input.scores) for (const m of [...RANKING, ...CALIBRATION]) defaults.delete(m);
  else if (!allProbabilities(input.scores)) for (const m of CALIBRATION) defaults.delete(m);
  return defaults;
}

function allProbabilities(scores: Numbers): boolean {
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (!(s >= 0 && s <= 1)) return false;
  }
  return true;
}

/** Confusion counts from hard predictions, or from scores cut at `threshold` (score ≥ t). */
function countAt(
  labels: BinaryLabels,
  predictions: BinaryLabels | undefined,
  scores: Numbers | undefined,
  threshold: number | undefined,
  n: number,
): ConfusionCounts {
  if (predictions) return confusionCounts(labels, predictions);
  let tp = 0;
  let fp = 0;
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const actual = isPositive(labels, 'labels', i);
    const score = scores![i]!;
    checkScore(score, 'scores', i);
    if (actual) positives++;
    if (score >= threshold!) {
      if (actual) tp++;
      else fp++;
    }
  }
  return { tp, tn: n - positives - fp, fp, fn: positives - tp };
}

// Public API of @cairn/eval-metrics: explicit named exports only.
export {
  accuracy,
  type BinaryMetrics,
  balancedAccuracy,
  type ConfusionCounts,
  computeAll,
  confusionCounts,
  f1Score,
  falseNegativeRate,
  falsePositiveRate,
  mcc,
  mccFromCounts,
  metricsFromCounts,
  precision,
  recall,
  specificity,
} from './binary.js';
export {
  brierScore,
  expectedCalibrationError,
  logLoss,
  type ReliabilityCurve,
  type ReliabilityOptions,
  reliabilityCurve,
} from './calibration.js';
export { MetricsError, type MetricsErrorCode } from './errors.js';
export {
  EVALUATION_METRICS,
  type EvaluateInput,
  type EvaluationMetric,
  type EvaluationResult,
  evaluate,
} from './evaluate.js';
export {
  type AveragedScores,
  type ClassLabel,
  type ClassOptions,
  type ConfusionMatrix,
  confusionMatrix,
  type MulticlassMetrics,
  mccFromConfusionMatrix,
  multiclassMetrics,
  type PerClassScores,
} from './multiclass.js';
export {
  type ParsedPredictions,
  type ParsePredictionsOptions,
  parsePredictions,
} from './parse-predictions.js';
export {
  averagePrecision,
  type PrecisionRecallCurve,
  precisionRecallCurve,
  type RocCurve,
  type RocCurveOptions,
  rocAuc,
  rocCurve,
  selectThresholdMaxMcc,
  type ThresholdChoice,
  type ThresholdSweep,
  thresholdSweep,
} from './ranking.js';
export {
  type ArielScoreOptions,
  arielScore,
  gaussianLogLikelihood,
  intervalCoverage,
  meanAbsoluteError,
  r2Score,
  rootMeanSquaredError,
} from './regression.js';
export type { BinaryLabels, Numbers } from './validate.js';

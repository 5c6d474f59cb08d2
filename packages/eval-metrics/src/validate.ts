/**
 * Input checks shared by every metric. They run inside the metric's own pass over the data, so
 * validation never costs an extra pass, and every message names the argument, the index and the value.
 */
import { describeValue, MetricsError } from './errors.js';

/** Plain arrays or any numeric typed array (Float64Array, Int32Array, Uint8Array…). */
export type Numbers = ArrayLike<number>;
/** Binary ground truth or predictions: 1/true is the positive class, 0/false the negative one. */
export type BinaryLabels = ArrayLike<number | boolean>;

/**
 * The common length of paired inputs, in the order given (`{ labels, scores }`), or a
 * `CAIRN_METRICS_LENGTH_MISMATCH` / `CAIRN_METRICS_EMPTY` error naming them.
 */
export function sampleCount(inputs: Readonly<Record<string, ArrayLike<unknown>>>): number {
  const entries = Object.entries(inputs);
  const [firstName, first] = entries[0] ?? ['input', { length: 0 }];
  for (const [name, values] of entries.slice(1)) {
    if (values.length !== first.length) {
      throw new MetricsError(
        'CAIRN_METRICS_LENGTH_MISMATCH',
        `${firstName} and ${name} must have the same length: ${firstName} has ${first.length} values, ${name} has ${values.length}`,
        { details: { [firstName]: first.length, [name]: values.length } },
      );
    }
  }
  if (first.length === 0) {
    const names = entries.map(([name]) => name).join(' and ');
    throw new MetricsError(
      'CAIRN_METRICS_EMPTY',
      `${names} ${entries.length > 1 ? 'are' : 'is'} empty: a metric needs at least one sample`,
    );
  }
  return first.length;
}

/** Whether `values[index]` is the positive class; throws on anything but 0, 1, false, true. */
export function isPositive(values: BinaryLabels, name: string, index: number): boolean {
  const value = values[index];
  if (value === 1 || value === true) return true;
  if (value === 0 || value === false) return false;
  throw badLabel(name, index, value);
}

function badLabel(name: string, index: number, value: unknown): MetricsError {
  if (typeof value === 'number' && Number.isNaN(value)) return nanError(name, index, value);
  return new MetricsError(
    'CAIRN_METRICS_UNKNOWN_LABEL',
    `${name}[${index}] is ${describeValue(value)}: binary labels must be 0 or 1 (or false/true)`,
    {
      hint: 'map the positive class to 1 and every other class to 0, or use multiclassMetrics',
      details: { argument: name, index, value: describeValue(value) },
    },
  );
}

function nanError(name: string, index: number, value: unknown): MetricsError {
  const shown = describeValue(value);
  return new MetricsError(
    'CAIRN_METRICS_NAN',
    typeof value === 'number'
      ? `${name}[${index}] is NaN`
      : `${name}[${index}] is ${shown}, not a number`,
    {
      hint: 'drop or impute missing values before computing metrics',
      details: { argument: name, index, value: shown },
    },
  );
}

/** A score: any number but NaN (±Infinity ranks fine). */
export function checkScore(value: number, name: string, index: number): void {
  if (typeof value !== 'number' || Number.isNaN(value)) throw nanError(name, index, value);
}

/** A finite number. */
export function checkFinite(value: number, name: string, index: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalidNumber(value, name, index, 'a finite number is needed');
  }
}

/** A probability in [0, 1]. */
export function checkProbability(value: number, name: string, index: number): void {
  if (!(value >= 0 && value <= 1)) {
    throw invalidNumber(value, name, index, 'probabilities must lie in [0, 1]');
  }
}

/** A standard deviation: finite and > 0, or ≥ 0 where the metric clips it (`allowZero`). */
export function checkSigma(value: number, name: string, index: number, allowZero = false): void {
  if (!(allowZero ? value >= 0 : value > 0) || value === Number.POSITIVE_INFINITY) {
    throw invalidNumber(
      value,
      name,
      index,
      allowZero
        ? 'standard deviations must be finite and non-negative'
        : 'standard deviations must be finite and positive',
    );
  }
}

function invalidNumber(value: unknown, name: string, index: number, rule: string): MetricsError {
  if (typeof value !== 'number' || Number.isNaN(value)) return nanError(name, index, value);
  const code = Number.isFinite(value) ? 'CAIRN_METRICS_OUT_OF_RANGE' : 'CAIRN_METRICS_NOT_FINITE';
  return new MetricsError(code, `${name}[${index}] is ${describeValue(value)}: ${rule}`, {
    details: { argument: name, index, value: describeValue(value) },
  });
}

/** An option that must be a positive integer (bin counts). */
export function checkPositiveInteger(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new MetricsError(
      'CAIRN_METRICS_OUT_OF_RANGE',
      `${name} is ${describeValue(value)}: a positive integer is needed`,
      { details: { argument: name, value: describeValue(value) } },
    );
  }
}

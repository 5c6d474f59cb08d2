/**
 * Regression metrics and Gaussian predictive metrics for predictions given as (μ, σ), including
 * the NeurIPS 2025 Ariel Data Challenge score. Sums are compensated (see arithmetic.ts).
 */
import { CompensatedSum } from './arithmetic.js';
import { describeValue, MetricsError } from './errors.js';
import { checkFinite, checkSigma, type Numbers, sampleCount } from './validate.js';

const LOG_SQRT_2PI = Math.log(Math.sqrt(2 * Math.PI));

/** Mean absolute error. */
export function meanAbsoluteError(targets: Numbers, predictions: Numbers): number {
  const n = sampleCount({ targets, predictions });
  const total = new CompensatedSum();
  for (let i = 0; i < n; i++) total.add(Math.abs(residual(targets, predictions, i)));
  return total.value / n;
}

/** Root mean squared error. */
export function rootMeanSquaredError(targets: Numbers, predictions: Numbers): number {
  const n = sampleCount({ targets, predictions });
  const total = new CompensatedSum();
  for (let i = 0; i < n; i++) {
    const r = residual(targets, predictions, i);
    total.add(r * r);
  }
  return Math.sqrt(total.value / n);
}

/**
 * Coefficient of determination 1 − SS_res/SS_tot. When the targets are constant (SS_tot = 0) it is
 * 1 for a perfect prediction and 0 otherwise (scikit-learn's `force_finite=True`). Needs two samples.
 */
export function r2Score(targets: Numbers, predictions: Numbers): number {
  const n = sampleCount({ targets, predictions });
  if (n < 2) {
    throw new MetricsError(
      'CAIRN_METRICS_EMPTY',
      'R² is undefined for one sample: targets and predictions need at least two values',
    );
  }
  const mean = new CompensatedSum();
  const residuals = new CompensatedSum();
  for (let i = 0; i < n; i++) {
    const r = residual(targets, predictions, i);
    residuals.add(r * r);
    mean.add(targets[i]!);
  }
  const average = mean.value / n;
  const spread = new CompensatedSum();
  for (let i = 0; i < n; i++) {
    const d = targets[i]! - average;
    spread.add(d * d);
  }
  if (spread.value === 0) return residuals.value === 0 ? 1 : 0;
  return 1 - residuals.value / spread.value;
}

function residual(targets: Numbers, predictions: Numbers, i: number): number {
  const y = targets[i]!;
  const p = predictions[i]!;
  checkFinite(y, 'targets', i);
  checkFinite(p, 'predictions', i);
  return y - p;
}

/** log N(y | μ, σ) = −log √(2π) − log σ − ½((y − μ)/σ)², in scipy's order of operations. */
function logDensity(y: number, mu: number, sigma: number): number {
  const z = (y - mu) / sigma;
  return -(z * z) / 2 - LOG_SQRT_2PI - Math.log(sigma);
}

function checkGaussian(
  targets: Numbers,
  mu: Numbers,
  sigma: Numbers,
  i: number,
  allowZero = false,
): void {
  checkFinite(targets[i]!, 'targets', i);
  checkFinite(mu[i]!, 'mu', i);
  checkSigma(sigma[i]!, 'sigma', i, allowZero);
}

/** Mean Gaussian log-likelihood of the targets under N(μ_i, σ_i²); σ must be > 0. */
export function gaussianLogLikelihood(targets: Numbers, mu: Numbers, sigma: Numbers): number {
  const n = sampleCount({ targets, mu, sigma });
  const total = new CompensatedSum();
  for (let i = 0; i < n; i++) {
    checkGaussian(targets, mu, sigma, i);
    total.add(logDensity(targets[i]!, mu[i]!, sigma[i]!));
  }
  return total.value / n;
}

/**
 * Share of samples with |y − μ| ≤ z·σ, for one z or for several in one pass (e.g. [1, 1.96]).
 */
export function intervalCoverage(targets: Numbers, mu: Numbers, sigma: Numbers, z: number): number;
export function intervalCoverage(
  targets: Numbers,
  mu: Numbers,
  sigma: Numbers,
  z: readonly number[],
): number[];
export function intervalCoverage(
  targets: Numbers,
  mu: Numbers,
  sigma: Numbers,
  z: number | readonly number[],
): number | number[] {
  const levels = typeof z === 'number' ? [z] : [...z];
  levels.forEach((level, k) => {
    if (!(level >= 0 && Number.isFinite(level))) {
      throw new MetricsError(
        'CAIRN_METRICS_OUT_OF_RANGE',
        `z${typeof z === 'number' ? '' : `[${k}]`} is ${describeValue(level)}: interval half-widths must be finite and ≥ 0`,
      );
    }
  });
  const n = sampleCount({ targets, mu, sigma });
  const inside = new Array<number>(levels.length).fill(0);
  for (let i = 0; i < n; i++) {
    checkGaussian(targets, mu, sigma, i);
    const distance = Math.abs(targets[i]! - mu[i]!);
    for (let k = 0; k < levels.length; k++) if (distance <= levels[k]! * sigma[i]!) inside[k]!++;
  }
  const shares = inside.map((count) => count / n);
  return typeof z === 'number' ? shares[0]! : shares;
}

export interface ArielScoreOptions {
  /** μ of the naive reference: the mean of the training targets. */
  naiveMean: number;
  /** σ of the naive reference: the standard deviation of the training targets. */
  naiveSigma: number;
  /** Values per spectrum (row length of the flattened inputs). Default 283: FGS1 + 282 AIRS-CH0. */
  wavelengths?: number;
  /** σ of the ideal reference for the first value of each spectrum (FGS1). Default 1e-6. */
  fgsSigmaTrue?: number;
  /** σ of the ideal reference for the other values (AIRS-CH0). Default 1e-5. */
  airsSigmaTrue?: number;
  /** Weight of the first value of each spectrum; the others weigh 1. Default 57.846. */
  fgsWeight?: number;
}

/** σ below this is raised to it, as the competition's scorer does (`np.clip(σ, 1e-15, None)`). */
const ARIEL_SIGMA_FLOOR = 1e-15;

/**
 * NeurIPS 2025 Ariel Data Challenge score. Inputs are spectra flattened row by row
 * (`wavelengths` values each). For every value, the Gaussian log-likelihood of the target under the
 * prediction is placed between a naive reference (μ = naiveMean, σ = naiveSigma → 0) and an ideal
 * one (μ = y, σ = σ_true → 1); the score is the weighted mean of these ratios, clipped to [0, 1].
 * Constants from the competition's published metric (see README).
 */
export function arielScore(
  targets: Numbers,
  mu: Numbers,
  sigma: Numbers,
  options: ArielScoreOptions,
): number {
  const {
    naiveMean,
    naiveSigma,
    wavelengths = 283,
    fgsSigmaTrue = 1e-6,
    airsSigmaTrue = 1e-5,
    fgsWeight = 57.846,
  } = options;
  const positive = { naiveSigma, fgsSigmaTrue, airsSigmaTrue };
  for (const [name, value] of Object.entries(positive)) {
    if (!(value > 0 && Number.isFinite(value))) {
      throw new MetricsError(
        'CAIRN_METRICS_OUT_OF_RANGE',
        `${name} is ${describeValue(value)}: a standard deviation must be finite and positive`,
      );
    }
  }
  if (!Number.isFinite(naiveMean)) {
    throw new MetricsError(
      'CAIRN_METRICS_NOT_FINITE',
      `naiveMean is ${describeValue(naiveMean)}: a finite number is needed`,
    );
  }
  if (!(fgsWeight >= 0 && Number.isFinite(fgsWeight))) {
    throw new MetricsError(
      'CAIRN_METRICS_OUT_OF_RANGE',
      `fgsWeight is ${describeValue(fgsWeight)}: a weight must be finite and ≥ 0`,
    );
  }
  if (!Number.isSafeInteger(wavelengths) || wavelengths < 1) {
    throw new MetricsError(
      'CAIRN_METRICS_OUT_OF_RANGE',
      `wavelengths is ${describeValue(wavelengths)}: a positive integer is needed`,
    );
  }
  const n = sampleCount({ targets, mu, sigma });
  if (n % wavelengths !== 0) {
    throw new MetricsError(
      'CAIRN_METRICS_LENGTH_MISMATCH',
      `targets has ${n} values, not a whole number of spectra of ${wavelengths} wavelengths`,
      { hint: 'flatten the spectra row by row and pass `wavelengths` if it is not 283' },
    );
  }
  const weighted = new CompensatedSum();
  for (let i = 0; i < n; i++) {
    checkGaussian(targets, mu, sigma, i, true);
    const y = targets[i]!;
    const first = i % wavelengths === 0;
    const predicted = logDensity(y, mu[i]!, Math.max(sigma[i]!, ARIEL_SIGMA_FLOOR));
    const ideal = logDensity(y, y, first ? fgsSigmaTrue : airsSigmaTrue);
    const naive = logDensity(y, naiveMean, naiveSigma);
    const weight = first ? fgsWeight : 1;
    weighted.add(((predicted - naive) / (ideal - naive)) * weight);
  }
  const weights = (n / wavelengths) * (fgsWeight + wavelengths - 1);
  const score = weighted.value / weights;
  return Math.min(1, Math.max(0, score));
}

import { describe, expect, it } from 'vitest';
import {
  arielScore,
  gaussianLogLikelihood,
  intervalCoverage,
  meanAbsoluteError,
  r2Score,
  rootMeanSquaredError,
} from './index.js';

describe('regression', () => {
  it('computes MAE, RMSE and R²', () => {
    const y = [3, -0.5, 2, 7];
    const p = [2.5, 0, 2, 8];
    expect(meanAbsoluteError(y, p)).toBe(0.5);
    expect(rootMeanSquaredError(y, p)).toBeCloseTo(Math.sqrt(0.375), 15);
    expect(r2Score(y, p)).toBeCloseTo(0.9486081370449679, 15);
  });

  it('gives R² 1 or 0 for constant targets, as scikit-learn with force_finite', () => {
    expect(r2Score([2, 2], [2, 2])).toBe(1);
    expect(r2Score([2, 2], [2, 3])).toBe(0);
  });

  it('sums with compensation, so ten million equal values average exactly', () => {
    const y = new Float64Array(10_000_000).fill(0.1);
    const p = new Float64Array(10_000_000);
    expect(meanAbsoluteError(y, p)).toBe(0.1);
  });
});

describe('Gaussian predictive metrics', () => {
  it('averages the log-density −½(log 2π + 2 log σ + z²)', () => {
    const value = gaussianLogLikelihood([1, 0], [0, 0], [1, 2]);
    const expected =
      (-0.5 * (Math.log(2 * Math.PI) + 1) - 0.5 * (Math.log(2 * Math.PI) + 2 * Math.log(2))) / 2;
    expect(value).toBeCloseTo(expected, 14);
  });

  it('counts |y − μ| ≤ z·σ, boundary included, for several z in one pass', () => {
    const y = [0, 1, 2, 3];
    const mu = [0, 0, 0, 0];
    const sigma = [1, 1, 1, 1];
    expect(intervalCoverage(y, mu, sigma, 1)).toBe(0.5);
    expect(intervalCoverage(y, mu, sigma, [0, 1, 1.96, 3])).toEqual([0.25, 0.5, 0.5, 1]);
  });
});

describe('Ariel Data Challenge score', () => {
  const naive = { naiveMean: 0.01, naiveSigma: 0.002 };
  const spectra = (values: number[]) => Float64Array.from(values);

  it('is 1 for the ideal prediction and 0 for the naive one', () => {
    const y = spectra([0.011, 0.012, 0.0105]);
    const options = { ...naive, wavelengths: 3 };
    expect(arielScore(y, y, spectra([1e-6, 1e-5, 1e-5]), options)).toBeCloseTo(1, 12);
    const naiveMu = new Float64Array(3).fill(0.01);
    const naiveSigma = new Float64Array(3).fill(0.002);
    expect(arielScore(y, naiveMu, naiveSigma, options)).toBeCloseTo(0, 12);
  });

  it('weighs the FGS1 value 57.846 times an AIRS value', () => {
    // FGS1 ideal (ratio 1), AIRS naive (ratio 0).
    const y = spectra([0.011, 0.012]);
    const score = arielScore(
      y,
      y.map((v, i) => (i === 0 ? v : 0.01)),
      spectra([1e-6, 0.002]),
      {
        ...naive,
        wavelengths: 2,
      },
    );
    expect(score).toBeCloseTo(57.846 / 58.846, 12);
  });

  it('is the mean of per-value ratios (GLL − GLL_naive)/(GLL_ideal − GLL_naive)', () => {
    const logpdf = (y: number, mu: number, s: number) =>
      -0.5 * Math.log(2 * Math.PI) - Math.log(s) - 0.5 * ((y - mu) / s) ** 2;
    const y = [0.0111, 0.0123];
    const mu = [0.0112, 0.0121];
    const sigma = [0.0003, 0.0004];
    const ratio = (i: number, sigmaTrue: number) =>
      (logpdf(y[i]!, mu[i]!, sigma[i]!) - logpdf(y[i]!, 0.01, 0.002)) /
      (logpdf(y[i]!, y[i]!, sigmaTrue) - logpdf(y[i]!, 0.01, 0.002));
    const expected = (ratio(0, 1e-6) * 3 + ratio(1, 1e-5)) / 4;
    expect(arielScore(y, mu, sigma, { ...naive, wavelengths: 2, fgsWeight: 3 })).toBeCloseTo(
      expected,
      14,
    );
  });

  it('clips to [0, 1] and raises σ below 1e-15 to 1e-15, as the competition scorer', () => {
    const y = spectra([0.011, 0.012]);
    expect(arielScore(y, y, spectra([0, 0]), { ...naive, wavelengths: 2 })).toBe(1);
    expect(
      arielScore(y, spectra([1, 1]), spectra([1e-3, 1e-3]), { ...naive, wavelengths: 2 }),
    ).toBe(0);
  });

  it('defaults to 283 wavelengths per spectrum', () => {
    const y = new Float64Array(283 * 2).fill(0.01);
    const sigma = new Float64Array(283 * 2).fill(1e-5);
    expect(arielScore(y, y, sigma, { naiveMean: 0.02, naiveSigma: 0.002 })).toBeGreaterThan(0.9);
  });
});

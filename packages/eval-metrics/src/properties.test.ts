/** Properties that must hold for any input, checked with fast-check on small random samples. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  averagePrecision,
  brierScore,
  computeAll,
  logLoss,
  mcc,
  mccFromCounts,
  multiclassMetrics,
  reliabilityCurve,
  rocAuc,
  selectThresholdMaxMcc,
  thresholdSweep,
} from './index.js';
import { sortFloat64 } from './radix-sort.js';

const bit = fc.constantFrom(0, 1);
/** Few distinct values, so ties are common; now and then any double. */
const score = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -4, max: 4 }).map((k) => k / 4) },
  { weight: 1, arbitrary: fc.double({ noNaN: true }) },
);
const probability = fc.oneof(
  fc.constantFrom(0, 0.1, 0.5, 0.9, 1),
  fc.double({ min: 0, max: 1, noNaN: true }),
);

interface Sample {
  labels: number[];
  values: number[];
}

function samples(value: fc.Arbitrary<number>, maxLength = 40): fc.Arbitrary<Sample> {
  return fc
    .array(fc.tuple(bit, value), { minLength: 1, maxLength })
    .map((rows) => ({ labels: rows.map((r) => r[0]), values: rows.map((r) => r[1]) }));
}

/** A sample and a permutation of its indices. */
function permuted(value: fc.Arbitrary<number>) {
  return samples(value).chain((sample) => {
    const indices = sample.labels.map((_, i) => i);
    return fc
      .shuffledSubarray(indices, { minLength: indices.length, maxLength: indices.length })
      .map((order) => ({ sample, order }));
  });
}

const reorder = <T>(values: readonly T[], order: readonly number[]): T[] =>
  order.map((i) => values[i]!);
const bothClasses = (labels: readonly number[]) => labels.includes(0) && labels.includes(1);

function closeTo(a: number, b: number, tolerance: number): void {
  expect(Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(b)), `${a} vs ${b}`).toBe(true);
}

describe('invariance under a permutation of the samples', () => {
  it('holds exactly for the count- and rank-based metrics', () => {
    fc.assert(
      fc.property(permuted(score), ({ sample, order }) => {
        const labels = reorder(sample.labels, order);
        const scores = reorder(sample.values, order);
        const predictions = sample.values.map((s) => (s >= 0 ? 1 : 0));
        expect(computeAll(labels, reorder(predictions, order))).toEqual(
          computeAll(sample.labels, predictions),
        );
        expect(thresholdSweep(labels, scores)).toEqual(
          thresholdSweep(sample.labels, sample.values),
        );
        expect(selectThresholdMaxMcc(labels, scores)).toEqual(
          selectThresholdMaxMcc(sample.labels, sample.values),
        );
        expect(averagePrecision(labels, scores)).toBe(
          averagePrecision(sample.labels, sample.values),
        );
        if (bothClasses(labels))
          expect(rocAuc(labels, scores)).toBe(rocAuc(sample.labels, sample.values));
        const classes = sample.values.map((s) => Math.sign(s));
        expect(multiclassMetrics(labels, reorder(classes, order), { classes: [-1, 0, 1] })).toEqual(
          multiclassMetrics(sample.labels, classes, { classes: [-1, 0, 1] }),
        );
      }),
    );
  });

  it('holds to rounding for the sums over samples', () => {
    fc.assert(
      fc.property(permuted(probability), ({ sample, order }) => {
        const labels = reorder(sample.labels, order);
        const probabilities = reorder(sample.values, order);
        closeTo(brierScore(labels, probabilities), brierScore(sample.labels, sample.values), 1e-14);
        closeTo(logLoss(labels, probabilities), logLoss(sample.labels, sample.values), 1e-14);
        const a = reliabilityCurve(labels, probabilities, { strategy: 'quantile' });
        const b = reliabilityCurve(sample.labels, sample.values, { strategy: 'quantile' });
        expect(Array.from(a.counts)).toEqual(Array.from(b.counts));
        a.probPred.forEach((p, i) => {
          closeTo(p, b.probPred[i]!, 1e-14);
        });
      }),
    );
  });
});

describe('symmetry', () => {
  it('MCC is unchanged when positive and negative swap in labels and predictions', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(bit, bit), { minLength: 1, maxLength: 40 }), (rows) => {
        const labels = rows.map((r) => r[0]);
        const predictions = rows.map((r) => r[1]);
        const flip = (v: number[]) => v.map((x) => 1 - x);
        closeTo(mcc(flip(labels), flip(predictions)), mcc(labels, predictions), 1e-15);
      }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 2 ** 40 }), { minLength: 4, maxLength: 4 }),
        ([tp, tn, fp, fn]) => {
          fc.pre(tp! + tn! + fp! + fn! > 0);
          const counts = { tp: tp!, tn: tn!, fp: fp!, fn: fn! };
          const swapped = { tp: tn!, tn: tp!, fp: fn!, fn: fp! };
          closeTo(mccFromCounts(swapped), mccFromCounts(counts), 1e-15);
        },
      ),
    );
  });

  it('AUC of the negated scores is 1 − AUC', () => {
    fc.assert(
      fc.property(samples(score), ({ labels, values }) => {
        fc.pre(bothClasses(labels));
        closeTo(
          rocAuc(
            labels,
            values.map((s) => -s),
          ),
          1 - rocAuc(labels, values),
          1e-15,
        );
      }),
    );
  });
});

describe('the threshold sweep agrees with one computation per threshold', () => {
  it('at every distinct score', () => {
    fc.assert(
      fc.property(samples(score), ({ labels, values }) => {
        const sweep = thresholdSweep(labels, values);
        const distinct = [...new Set(values.map((v) => (v === 0 ? 0 : v)))].sort((a, b) => b - a);
        expect(Array.from(sweep.thresholds)).toEqual(distinct);
        distinct.forEach((t, k) => {
          const brute = computeAll(
            labels,
            values.map((s) => (s >= t ? 1 : 0)),
          );
          expect([sweep.tp[k], sweep.fp[k]]).toEqual([brute.tp, brute.fp]);
          expect(sweep.precision[k]).toBe(brute.precision);
          expect(sweep.recall[k]).toBe(brute.recall);
          expect(sweep.f1[k]).toBe(brute.f1);
          expect(sweep.mcc[k]).toBe(brute.mcc);
        });
      }),
    );
  });

  it('selectThresholdMaxMcc takes the exact maximum, and the smallest threshold on a tie', () => {
    /** MCC as an exact fraction: sign·num²/den compared by cross-multiplication. */
    const exact = (c: { tp: number; tn: number; fp: number; fn: number }) => {
      const num = BigInt(c.tp * c.tn - c.fp * c.fn);
      const den = BigInt((c.tp + c.fp) * (c.tp + c.fn) * (c.tn + c.fp) * (c.tn + c.fn));
      return den === 0n ? { num: 0n, den: 1n } : { num, den };
    };
    const compare = (a: ReturnType<typeof exact>, b: ReturnType<typeof exact>) => {
      const sa = a.num === 0n ? 0 : a.num > 0n ? 1 : -1;
      const sb = b.num === 0n ? 0 : b.num > 0n ? 1 : -1;
      if (sa !== sb || sa === 0) return sa - sb;
      const l = a.num * a.num * b.den;
      const r = b.num * b.num * a.den;
      return sa * (l === r ? 0 : l > r ? 1 : -1);
    };
    fc.assert(
      fc.property(samples(score), ({ labels, values }) => {
        let best: { t: number; value: ReturnType<typeof exact> } | undefined;
        for (const t of new Set(values)) {
          const value = exact(
            computeAll(
              labels,
              values.map((s) => (s >= t ? 1 : 0)),
            ),
          );
          const c = best === undefined ? 1 : compare(value, best.value);
          if (best === undefined || c > 0 || (c === 0 && t < best.t)) best = { t, value };
        }
        expect(selectThresholdMaxMcc(labels, values).threshold).toBe(best!.t === 0 ? 0 : best!.t);
      }),
    );
  });
});

describe('radix sort', () => {
  it('orders any doubles like Float64Array.prototype.sort', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true }), { minLength: 1, maxLength: 64 }),
        (values) => {
          // Long enough to take the radix path (short arrays go to the native sort).
          const array = Float64Array.from(
            { length: 4096 },
            (_, i) => values[(i * 7) % values.length]!,
          );
          const expected = array.slice().sort();
          sortFloat64(array);
          expect(array.every((v, i) => Object.is(v, expected[i]))).toBe(true);
        },
      ),
      { numRuns: 50 },
    );
  });
});

/** Small numeric kernels that keep results exact (or correctly rounded) where plain float64 would not. */

/**
 * Neumaier's compensated summation: the error of each addition is carried along, so a mean of
 * 10^7 values is as accurate as one rounding (a plain loop loses up to n·ε; numpy's pairwise sum log n·ε).
 */
export class CompensatedSum {
  private sum = 0;
  private compensation = 0;

  add(value: number): void {
    const total = this.sum + value;
    if (Math.abs(this.sum) >= Math.abs(value)) this.compensation += this.sum - total + value;
    else this.compensation += value - total + this.sum;
    this.sum = total;
  }

  get value(): number {
    return this.sum + this.compensation;
  }
}

/** scikit-learn's F1 from the rounded precision and recall: 2·p·r / (p + r), 0 when both are 0. */
export function fScore(precision: number, recall: number): number {
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

/** a / b, or 0 when b is 0 (scikit-learn's `zero_division=0`). */
export function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

const EXACT = 2 ** 53;

/**
 * a·b − c·d for non-negative integers, rounded once. Below 2^53 both products are exact doubles;
 * above (counts near 10^8 and beyond) BigInt keeps the difference exact before the one rounding.
 */
export function differenceOfProducts(a: number, b: number, c: number, d: number): number {
  const left = a * b;
  const right = c * d;
  if (left <= EXACT && right <= EXACT) return left - right;
  return Number(BigInt(a) * BigInt(b) - BigInt(c) * BigInt(d));
}

/**
 * Matthews correlation from the four counts: (tp·tn − fp·fn) / √((tp+fp)(tp+fn))·√((tn+fp)(tn+fn)).
 * The numerator is exact (see differenceOfProducts); the denominator is a product of two square
 * roots in float64, so it cannot overflow (each product stays below 2^106) and rounds less than
 * four separate roots would (≤ 2 ulp against ≤ 2.5 measured). 0 when any factor is 0
 * (scikit-learn's convention). |MCC| = 1 exactly when the off-diagonal (or the diagonal) is empty,
 * which the rounding of the roots would otherwise turn into 0.9999999999999998; elsewhere the
 * value is clamped to [−1, 1].
 */
export function mccOf(tp: number, tn: number, fp: number, fn: number): number {
  const denominator = Math.sqrt((tp + fp) * (tp + fn)) * Math.sqrt((tn + fp) * (tn + fn));
  if (denominator === 0) return 0;
  if (fp === 0 && fn === 0) return 1;
  if (tp === 0 && tn === 0) return -1;
  const value = differenceOfProducts(tp, tn, fp, fn) / denominator;
  return Math.min(1, Math.max(-1, value));
}

/**
 * Compares the MCC of two count sets exactly: sign, then num₁²·den₂ against num₂²·den₁ in BigInt.
 * Used only where the float64 values are within a few ulps, to break ties by the documented rule.
 * Returns a negative number, 0 or a positive number like a comparator.
 */
export function compareMccExactly(
  a: readonly [number, number, number, number],
  b: readonly [number, number, number, number],
): number {
  const [numA, denA] = mccParts(a);
  const [numB, denB] = mccParts(b);
  const signA = denA === 0n ? 0 : Math.sign(Number(numA));
  const signB = denB === 0n ? 0 : Math.sign(Number(numB));
  if (signA !== signB) return signA - signB;
  if (signA === 0) return 0;
  const left = numA * numA * denB;
  const right = numB * numB * denA;
  const magnitude = left === right ? 0 : left > right ? 1 : -1;
  return signA * magnitude;
}

function mccParts([tp, tn, fp, fn]: readonly [number, number, number, number]): [bigint, bigint] {
  const [TP, TN, FP, FN] = [BigInt(tp), BigInt(tn), BigInt(fp), BigInt(fn)];
  return [TP * TN - FP * FN, (TP + FP) * (TP + FN) * (TN + FP) * (TN + FN)];
}

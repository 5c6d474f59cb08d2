/**
 * Ascending sort of doubles by an LSD radix sort on their IEEE-754 bits, in the order of
 * `Float64Array.prototype.sort` (−∞ … −0, +0 … +∞; NaN must not occur): a fixed number of linear
 * passes and no comparisons, about 1.5–2× faster than the native sort on millions of doubles.
 *
 * Each double's bits are mapped to an unsigned key with the same order (flip every bit of a
 * negative number, only the sign bit of a positive one) while the digits are counted; the keys are
 * sorted as two 32-bit words in six 11-bit digits (a digit on which all keys agree costs no pass),
 * then mapped back. {@link RadixSorter} does the mapping and counting as values are added, so a
 * caller that produces the values in a loop (the ranking kernel) saves a pass over memory.
 */

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const BITS = 11;
const RADIX = 1 << BITS;
const MASK = RADIX - 1;
/** Digits as [word, shift, width]: word 0 is the low 32 bits of the key, word 1 the high. */
const DIGITS: readonly (readonly [number, number, number])[] = [
  [0, 0, BITS],
  [0, 11, BITS],
  [0, 22, 10],
  [1, 0, BITS],
  [1, 11, BITS],
  [1, 22, 10],
];

/** Maps slot `k` of `words` (a double) to its sortable key in place and counts its digits. */
function toKey(words: Uint32Array, k: number, counts: Uint32Array): void {
  const hi = words[2 * k + 1]!;
  const flip = hi >> 31;
  const lo = (words[2 * k]! ^ flip) >>> 0;
  const key = (hi ^ (flip | 0x80000000)) >>> 0;
  words[2 * k] = lo;
  words[2 * k + 1] = key;
  counts[lo & MASK]!++;
  counts[RADIX + ((lo >>> 11) & MASK)]!++;
  counts[2 * RADIX + (lo >>> 22)]!++;
  counts[3 * RADIX + (key & MASK)]!++;
  counts[4 * RADIX + ((key >>> 11) & MASK)]!++;
  counts[5 * RADIX + (key >>> 22)]!++;
}

/** Sorts the keys of `values` (already mapped and counted) and maps them back into `values`. */
function sortKeys(values: Float64Array, counts: Uint32Array): void {
  const n = values.length;
  // Keys are read through 32-bit views; whole doubles are moved through the Float64 views.
  let sourceValues: Float64Array = values;
  let source: Uint32Array = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  let targetValues: Float64Array = new Float64Array(n);
  let target: Uint32Array = new Uint32Array(targetValues.buffer);
  const offsets = new Uint32Array(RADIX);
  for (let d = 0; d < DIGITS.length; d++) {
    const [word, shift, width] = DIGITS[d]!;
    const base = d * RADIX;
    const digitMask = (1 << width) - 1;
    if (counts[base + ((source[word]! >>> shift) & digitMask)] === n) continue; // one digit: in order
    let running = 0;
    for (let b = 0; b <= digitMask; b++) {
      offsets[b] = running;
      running += counts[base + b]!;
    }
    for (let i = 0; i < n; i++) {
      const digit = (source[2 * i + word]! >>> shift) & digitMask;
      targetValues[offsets[digit]!++] = sourceValues[i]!;
    }
    [sourceValues, targetValues] = [targetValues, sourceValues];
    [source, target] = [target, source];
  }
  // Back to doubles, into `values` (the sorted keys may sit in the scratch buffer).
  const out = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  for (let i = 0; i < n; i++) {
    const key = source[2 * i + 1]!;
    const flip = ~(key >> 31); // all ones for a negative number (sign bit of the key is 0)
    out[2 * i] = (source[2 * i]! ^ flip) >>> 0;
    out[2 * i + 1] = (key ^ (flip | 0x80000000)) >>> 0;
  }
}

/** Sorts `values` in place, ascending. */
export function sortFloat64(values: Float64Array): void {
  if (!LITTLE_ENDIAN) {
    values.sort();
    return;
  }
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  const counts = new Uint32Array(DIGITS.length * RADIX);
  for (let k = 0; k < values.length; k++) toKey(words, k, counts);
  sortKeys(values, counts);
}

/**
 * Collects up to `capacity` doubles, then sorts them. Room for `capacity` is reserved but only the
 * pages written are touched, so two sorters of capacity n (one per class) cost n doubles of memory.
 */
export class RadixSorter {
  length = 0;
  private readonly values: Float64Array;
  private readonly words: Uint32Array;
  private readonly counts = new Uint32Array(DIGITS.length * RADIX);

  constructor(capacity: number) {
    this.values = new Float64Array(capacity);
    this.words = new Uint32Array(this.values.buffer);
  }

  add(value: number): void {
    const k = this.length++;
    this.values[k] = value;
    if (LITTLE_ENDIAN) toKey(this.words, k, this.counts);
  }

  /** The values added so far, sorted ascending (a view of the sorter's storage). */
  sorted(): Float64Array {
    const values = this.values.subarray(0, this.length);
    if (LITTLE_ENDIAN) sortKeys(values, this.counts);
    else values.sort();
    return values;
  }
}

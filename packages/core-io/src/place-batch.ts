/**
 * Files placed in bulk, shared by the `HashPool` workers and the calling thread: a fresh checkout
 * of many small objects is one `link` call per file (like `cp -al`), or one copy per file (like
 * `cp -r`). Only Node built-ins.
 */
import {
  chmodSync,
  closeSync,
  constants,
  copyFileSync,
  fchmodSync,
  fstatSync,
  linkSync,
  lstatSync,
  openSync,
  readSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { SMALL_FILE_MAX, smallFileBuffer } from './small-file.js';

/** How `placeBatch` makes each destination; `mode` is the file mode of copies. */
export type Placement = { how: 'link' } | { how: 'copy' | 'reflink'; mode: number };

/** Numbers per pair in `PlaceResult.stats` (the copy's inode, mtimeMs, size) and in `expected`. */
export const PLACED_FIELDS = 3;

/**
 * The code of a pair whose source's stat is not the one expected of it: the caller verifies that
 * source (a cache object that may have changed) before it is used.
 */
export const UNVERIFIED = 'CAIRN_UNVERIFIED';

export interface PlaceResult {
  /** Indexes of the pairs that failed, and their error codes (`EEXIST`, `EXDEV`, …). */
  failed: number[];
  codes: string[];
  /** For copies: `PLACED_FIELDS` numbers per pair (zeros where it failed). */
  stats?: Float64Array;
}

class Unverified extends Error {
  readonly code = UNVERIFIED;
}

/** Whether a stat matches `expected` (`PLACED_FIELDS` numbers at `o`), if there is one. */
function matches(
  stat: { ino: number; mtimeMs: number; size: number },
  expected: Float64Array | undefined,
  o: number,
): boolean {
  return (
    expected === undefined ||
    (stat.ino === expected[o] && stat.mtimeMs === expected[o + 1] && stat.size === expected[o + 2])
  );
}

/**
 * Copies `src` to a new `dst` with `mode`; returns the copy's stat. A small file takes one read
 * and one write, and its source is checked against `expected` on the descriptor it is read from;
 * a large one is copied by the kernel (`copy_file_range`). A copy that fails midway is removed.
 */
function copyOne(
  src: string,
  dst: string,
  mode: number,
  expected: Float64Array | undefined,
  o: number,
): { ino: number; mtimeMs: number; size: number } {
  const buffer = smallFileBuffer();
  const input = openSync(src, constants.O_RDONLY);
  let size: number;
  try {
    const stat = fstatSync(input);
    if (!matches(stat, expected, o)) throw new Unverified();
    size = stat.size;
    if (size <= SMALL_FILE_MAX) {
      // One byte more than expected: a source that changed size since its fstat is left to the
      // caller to verify, or (with nothing to compare) copied the slow way. A short read of a
      // regular file is its end: no second call to learn what the first one said.
      const want = Math.min(size + 1, SMALL_FILE_MAX);
      let filled = 0;
      while (filled < want) {
        const asked = want - filled;
        const n = readSync(input, buffer, filled, asked, null);
        filled += n;
        if (n < asked) break;
      }
      if (filled !== size) {
        if (expected !== undefined) throw new Unverified();
        size = -1;
      }
    }
  } finally {
    closeSync(input);
  }
  if (size < 0 || size > SMALL_FILE_MAX) {
    copyFileSync(src, dst, constants.COPYFILE_EXCL);
    try {
      chmodSync(dst, mode);
      return lstatSync(dst);
    } catch (error) {
      unlinkSync(dst);
      throw error;
    }
  }
  const output = openSync(dst, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  try {
    for (let written = 0; written < size; ) {
      written += writeSync(output, buffer, written, size - written);
    }
    let stat = fstatSync(output);
    // The umask may have taken bits off `mode`.
    if ((stat.mode & 0o777) !== mode) {
      fchmodSync(output, mode);
      stat = fstatSync(output);
    }
    closeSync(output);
    return stat;
  } catch (error) {
    closeSync(output);
    unlinkSync(dst);
    throw error;
  }
}

function setStat(
  stats: Float64Array,
  o: number,
  stat: { ino: number; mtimeMs: number; size: number },
): void {
  stats[o] = stat.ino;
  stats[o + 1] = stat.mtimeMs;
  stats[o + 2] = stat.size;
}

/** Stats in the flat shape `placeBatch` takes as `expected` (`PLACED_FIELDS` numbers each). */
export function packStats(
  stats: readonly { ino: number; mtimeMs: number; size: number }[],
): Float64Array {
  const packed = new Float64Array(stats.length * PLACED_FIELDS);
  for (const [i, stat] of stats.entries()) setStat(packed, i * PLACED_FIELDS, stat);
  return packed;
}

/**
 * Creates `dsts[i]` (which must not exist) from `srcs[i]`; a pair that fails is reported. With
 * `expected` (`PLACED_FIELDS` numbers per pair), a source whose stat differs is left alone
 * (`UNVERIFIED`): a cache object vouched for by its recorded stat is checked right before use.
 */
export function placeBatch(
  srcs: readonly string[],
  dsts: readonly string[],
  placement: Placement,
  expected?: Float64Array,
): PlaceResult {
  const result: PlaceResult = { failed: [], codes: [] };
  const stats =
    placement.how === 'link' ? undefined : new Float64Array(srcs.length * PLACED_FIELDS);
  result.stats = stats;
  for (let i = 0; i < srcs.length; i++) {
    const src = srcs[i] as string;
    const dst = dsts[i] as string;
    const o = i * PLACED_FIELDS;
    try {
      if (placement.how === 'copy') {
        setStat(stats as Float64Array, o, copyOne(src, dst, placement.mode, expected, o));
        continue;
      }
      if (expected !== undefined) {
        const now = lstatSync(src, { throwIfNoEntry: false });
        if (now === undefined || !matches(now, expected, o)) throw new Unverified();
      }
      if (placement.how === 'link') {
        linkSync(src, dst);
        continue;
      }
      copyFileSync(src, dst, constants.COPYFILE_FICLONE_FORCE | constants.COPYFILE_EXCL);
      chmodSync(dst, placement.mode);
      setStat(stats as Float64Array, o, lstatSync(dst));
    } catch (error) {
      const { code } = error as { code?: unknown };
      result.failed.push(i);
      result.codes.push(typeof code === 'string' ? code : 'EUNKNOWN');
    }
  }
  return result;
}

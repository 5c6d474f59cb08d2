/**
 * Files placed in bulk, shared by the `HashPool` workers and the calling thread: a fresh checkout
 * of many small objects is one `link` call per file (like `cp -al`), or one copy, chmod and stat
 * per file (like `cp -r`). Only Node built-ins.
 */
import { chmodSync, constants, copyFileSync, linkSync, lstatSync } from 'node:fs';

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

/**
 * Creates `dsts[i]` (which must not exist) from `srcs[i]`; a pair that fails is reported. With
 * `expected` (`PLACED_FIELDS` numbers per pair), a source whose `lstat` differs is left alone
 * (`UNVERIFIED`): a cache object vouched for by its recorded stat is checked right before use.
 */
export function placeBatch(
  srcs: readonly string[],
  dsts: readonly string[],
  placement: Placement,
  expected?: Float64Array,
): PlaceResult {
  const result: PlaceResult = { failed: [], codes: [] };
  if (placement.how !== 'link') result.stats = new Float64Array(srcs.length * PLACED_FIELDS);
  const flags =
    placement.how === 'reflink'
      ? constants.COPYFILE_FICLONE_FORCE | constants.COPYFILE_EXCL
      : constants.COPYFILE_EXCL;
  for (let i = 0; i < srcs.length; i++) {
    const src = srcs[i] as string;
    const dst = dsts[i] as string;
    try {
      if (expected !== undefined) {
        const o = i * PLACED_FIELDS;
        const now = lstatSync(src, { throwIfNoEntry: false });
        if (
          now === undefined ||
          now.ino !== expected[o] ||
          now.mtimeMs !== expected[o + 1] ||
          now.size !== expected[o + 2]
        ) {
          result.failed.push(i);
          result.codes.push(UNVERIFIED);
          continue;
        }
      }
      if (placement.how === 'link') {
        linkSync(src, dst);
        continue;
      }
      copyFileSync(src, dst, flags);
      chmodSync(dst, placement.mode);
      const stat = lstatSync(dst);
      const o = i * PLACED_FIELDS;
      (result.stats as Float64Array).set([stat.ino, stat.mtimeMs, stat.size], o);
    } catch (error) {
      const { code } = error as { code?: unknown };
      result.failed.push(i);
      result.codes.push(typeof code === 'string' ? code : 'EUNKNOWN');
    }
  }
  return result;
}

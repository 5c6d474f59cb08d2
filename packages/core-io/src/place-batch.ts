/**
 * Files placed in bulk, shared by the `HashPool` workers and the calling thread: a fresh checkout
 * of many small objects is one `link` call per file (like `cp -al`), or one copy, chmod and stat
 * per file (like `cp -r`). Only Node built-ins.
 */
import { chmodSync, constants, copyFileSync, linkSync, lstatSync } from 'node:fs';

/** How `placeBatch` makes each destination; `mode` is the file mode of copies. */
export type Placement = { how: 'link' } | { how: 'copy' | 'reflink'; mode: number };

/** Numbers per pair in `PlaceResult.stats`: the copy's inode, mtimeMs, size. */
export const PLACED_FIELDS = 3;

export interface PlaceResult {
  /** Indexes of the pairs that failed, and their error codes (`EEXIST`, `EXDEV`, …). */
  failed: number[];
  codes: string[];
  /** For copies: `PLACED_FIELDS` numbers per pair (zeros where it failed). */
  stats?: Float64Array;
}

/** Creates `dsts[i]` (which must not exist) from `srcs[i]`; a pair that fails is reported. */
export function placeBatch(
  srcs: readonly string[],
  dsts: readonly string[],
  placement: Placement,
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

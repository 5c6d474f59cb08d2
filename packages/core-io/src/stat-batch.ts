/**
 * `lstat` of many paths into one flat array, shared by the `HashPool` workers and the calling
 * thread: numbers cross threads without building an object per file. Only Node built-ins.
 */
import { constants, lstatSync } from 'node:fs';

/** Numbers per path in a stat array: inode, mtimeMs, size, mode. */
export const STAT_FIELDS = 4;

/** The facts a walk keeps of a file's `lstat` (a `Stats` has them all). */
export interface FileStat {
  ino: number;
  mtimeMs: number;
  size: number;
  /** `st_mode`, file-type bits included. */
  mode: number;
}

/**
 * Fills `out` from `offset` (in paths) with the `lstat` of each path. A path that is gone, or is
 * no longer a regular file, gets NaN as its inode: a walk skips it, as it skips a file deleted
 * between listing its folder and reading its stat. Other failures throw.
 */
export function statBatch(paths: readonly string[], out: Float64Array, offset = 0): void {
  for (let i = 0; i < paths.length; i++) {
    const o = (offset + i) * STAT_FIELDS;
    const stat = lstatSync(paths[i] as string, { throwIfNoEntry: false });
    if (stat === undefined || (stat.mode & constants.S_IFMT) !== constants.S_IFREG) {
      out[o] = Number.NaN;
      continue;
    }
    out[o] = stat.ino;
    out[o + 1] = stat.mtimeMs;
    out[o + 2] = stat.size;
    out[o + 3] = stat.mode;
  }
}

/** Entry `index` of a stat array, or undefined where the path was skipped. */
export function statAt(stats: Float64Array, index: number): FileStat | undefined {
  const o = index * STAT_FIELDS;
  const ino = stats[o] as number;
  if (Number.isNaN(ino)) return undefined;
  return {
    ino,
    mtimeMs: stats[o + 1] as number,
    size: stats[o + 2] as number,
    mode: stats[o + 3] as number,
  };
}

/**
 * Small content-addressed objects copied between folders of this machine (a local remote and
 * the cache), shared by the `HashPool` workers and the calling thread: each source is read in
 * one go and its md5 checked against the one its name promises, then written to a temporary
 * file beside the destination, fsynced, given `mode` and renamed into place. Synchronous calls
 * in a batch instead of a dozen thread-pool round trips per object through `fs/promises`, which
 * were most of a push of many small files. Only Node built-ins.
 */
import { hash } from 'node:crypto';
import {
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  fstatSync,
  fsyncSync,
  openSync,
  readSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { makeDirsSync } from './dirs.js';
import { SMALL_FILE_MAX, smallFileBuffer } from './small-file.js';
import { tempPathFor } from './temp-name.js';
import { writeRenameSync } from './write-rename-sync.js';

/** Codes of pairs not copied, beside errno codes (`ENOENT`, `EACCES`, …). */
export const CopyVerifiedCode = {
  /** The source's bytes do not hash to the md5 given for it: nothing was written. */
  mismatch: 'CAIRN_MD5_MISMATCH',
  /** The source is larger than `SMALL_FILE_MAX`: nothing was written. */
  tooLarge: 'CAIRN_TOO_LARGE',
  /** With `skipExisting`: the destination is there already. */
  exists: 'EEXIST',
} as const;

export interface CopyVerifiedOptions {
  /** File mode of every copy (0o444 for objects). */
  mode: number;
  /** Mode of the folders created on the way (see `makeDirsSync`). */
  dirMode?: number;
  /** Leave a destination that exists alone (reported as `EEXIST`). */
  skipExisting?: boolean;
}

export interface CopyVerifiedResult {
  /** Bytes copied per pair (-1 where it was not). */
  sizes: number[];
  /** The copy's inode and mtimeMs per pair, two numbers each (NaN where it was not copied). */
  stats: number[];
  /** Indexes of the pairs not copied, and why (`CopyVerifiedCode` or an errno code). */
  failed: number[];
  codes: string[];
}

// Per thread: folders known to exist.
const knownDirs = new Set<string>();

/**
 * Copies `srcs[i]` to `dsts[i]` when its bytes hash to `md5s[i]`. The folders of the copies are
 * not fsynced here: the caller syncs each once, after the whole transfer.
 */
export function copyVerifiedBatch(
  srcs: readonly string[],
  dsts: readonly string[],
  md5s: readonly string[],
  options: CopyVerifiedOptions,
): CopyVerifiedResult {
  const result: CopyVerifiedResult = { sizes: [], stats: [], failed: [], codes: [] };
  for (let i = 0; i < srcs.length; i++) {
    try {
      const copy = copyOne(srcs[i] as string, dsts[i] as string, md5s[i] as string, options);
      result.sizes.push(copy.size);
      result.stats.push(copy.ino, copy.mtimeMs);
    } catch (error) {
      const { code } = error as { code?: unknown };
      result.failed.push(i);
      result.codes.push(typeof code === 'string' ? code : 'EUNKNOWN');
      result.sizes.push(-1);
      result.stats.push(Number.NaN, Number.NaN);
    }
  }
  return result;
}

class Refused extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

function copyOne(
  src: string,
  dst: string,
  md5: string,
  options: CopyVerifiedOptions,
): { size: number; ino: number; mtimeMs: number } {
  if (options.skipExisting && existsSync(dst)) throw new Refused(CopyVerifiedCode.exists);
  const buffer = smallFileBuffer();
  const input = openSync(src, constants.O_RDONLY);
  let size = 0;
  try {
    if (fstatSync(input).size > SMALL_FILE_MAX) throw new Refused(CopyVerifiedCode.tooLarge);
    // Read to the end: a source that grew past the limit since its fstat is refused too.
    for (;;) {
      const n = readSync(input, buffer, size, buffer.length - size, null);
      if (n === 0) break;
      size += n;
      if (size > SMALL_FILE_MAX) throw new Refused(CopyVerifiedCode.tooLarge);
    }
  } finally {
    closeSync(input);
  }
  const bytes = buffer.subarray(0, size);
  if (hash('md5', bytes, 'hex') !== md5) throw new Refused(CopyVerifiedCode.mismatch);
  const dir = dirname(dst);
  const ensureDir = () => {
    makeDirsSync(dir, options.dirMode);
    knownDirs.add(dir);
  };
  if (!knownDirs.has(dir)) ensureDir();
  const written = writeRenameSync(tempPathFor(dst), dst, bytes, options.mode, ensureDir, (fd) => {
    // Exactly `mode`, whatever the umask took off; durable before it gets its name.
    fchmodSync(fd, options.mode);
    fsyncSync(fd);
    return fstatSync(fd);
  });
  return { size, ino: written.ino, mtimeMs: written.mtimeMs };
}

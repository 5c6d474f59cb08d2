import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const CHUNK = 1 << 20;

/**
 * Whether the file at `path` holds a strict beginning of the bytes of `source` (an empty file
 * included). That is what a copy cut off midway leaves behind (a checkout killed between creating
 * a file and writing it), and overwriting it loses nothing: its bytes are all in `source`. False
 * when either file cannot be read.
 */
export function isStrictPrefixOf(path: string, source: string): boolean {
  let fd: number | undefined;
  let src: number | undefined;
  try {
    fd = openSync(path, 'r');
    src = openSync(source, 'r');
    const size = fstatSync(fd).size;
    if (size >= fstatSync(src).size) return false;
    const mine = Buffer.allocUnsafe(Math.min(CHUNK, size));
    const theirs = Buffer.allocUnsafe(mine.length);
    for (let at = 0; at < size; ) {
      const want = Math.min(mine.length, size - at);
      if (readSync(fd, mine, 0, want, at) !== want) return false;
      if (readSync(src, theirs, 0, want, at) !== want) return false;
      if (!mine.subarray(0, want).equals(theirs.subarray(0, want))) return false;
      at += want;
    }
    return true;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
    if (src !== undefined) closeSync(src);
  }
}

/** The synchronous write-then-rename shared by the batches that store objects (hash, copy). */
import { closeSync, constants, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';

/**
 * Writes `bytes` into `temp`, a new file of `mode` beside `dst`, and renames it to `dst`, so the
 * name never shows part of them; `finish` runs on the written descriptor (fsync, fstat) and its
 * result is returned. On ENOENT when creating `temp` (its folder was removed since it was made
 * sure of), `remakeDir` runs once and creating is tried again; without it ENOENT is thrown. No
 * temporary file outlives a failure.
 */
export function writeRenameSync<T>(
  temp: string,
  dst: string,
  bytes: Uint8Array,
  mode: number,
  remakeDir: (() => void) | undefined,
  finish: (fd: number) => T,
): T {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;
  let fd: number;
  try {
    fd = openSync(temp, flags, mode);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ENOENT' || remakeDir === undefined) throw error;
    remakeDir();
    fd = openSync(temp, flags, mode);
  }
  let result: T;
  try {
    for (let written = 0; written < bytes.length; ) {
      written += writeSync(fd, bytes, written, bytes.length - written);
    }
    result = finish(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temp);
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temp, dst);
  } catch (error) {
    unlinkSync(temp);
    throw error;
  }
  return result;
}

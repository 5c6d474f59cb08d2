/**
 * Atomic file replacement: the bytes go to a temporary file in the target's folder (created
 * exclusively), are hashed on the way, fsynced, and renamed over the target; then the folder is
 * fsynced so the rename itself survives a power cut. A reader sees the old file or the new one,
 * never a mix, and a crash leaves at most a `*.cairn-tmp` file that `cleanStaleTemps` removes.
 */

import {
  closeSync,
  fchmodSync,
  fsyncSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { type FileHandle, open, readdir, realpath, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { makeDirs } from './dirs.js';
import { stringifyDvcYaml } from './dvc-yaml.js';
import { hasErrno, ignoreMissing } from './errno.js';
import { type HashResult, MultiHasher } from './hash.js';
import { isProcessAlive } from './process-alive.js';
import { TEMP_SUFFIX, tempNamePid, tempPathFor } from './temp-name.js';

export type AtomicWriteData = string | Uint8Array | Readable | AsyncIterable<Uint8Array | string>;

export interface AtomicWriteOptions {
  /**
   * Permission bits of the new file. Without it an existing target keeps its mode, and a new
   * file gets 0666 minus the umask.
   */
  mode?: number;
  signal?: AbortSignal;
}

export type AtomicWriteResult = HashResult<'md5' | 'sha256'>;

// Writes of in-memory data are split so that an abort is noticed between pieces.
const WRITE_PIECE = 1 << 20;

/** Replace `path` atomically with `data`; returns the md5, sha256 and size of what was written. */
export async function writeFileAtomic(
  path: string,
  data: AtomicWriteData,
  options: AtomicWriteOptions = {},
): Promise<AtomicWriteResult> {
  options.signal?.throwIfAborted();
  const target = await resolveTarget(path);
  const mode = options.mode ?? (await existingMode(target));
  const temp = tempPathFor(target);
  const handle = await open(temp, 'wx', 0o666);
  const hasher = new MultiHasher(['md5', 'sha256'] as const);
  let renamed = false;
  try {
    for await (const chunk of chunksOf(data)) {
      options.signal?.throwIfAborted();
      hasher.update(chunk);
      await writeAll(handle, chunk);
    }
    options.signal?.throwIfAborted();
    if (mode !== undefined) await handle.chmod(mode);
    await handle.sync();
    await handle.close();
    options.signal?.throwIfAborted();
    await rename(temp, target);
    renamed = true;
  } finally {
    if (!renamed) {
      await handle.close().catch(() => {});
      await ignoreMissing(() => unlink(temp));
    }
  }
  await fsyncDir(dirname(target));
  return hasher.digest();
}

/**
 * `writeFileAtomic` of a small in-memory value, synchronously (no hashes returned): for the
 * pointer files and `.gitignore` lines written per target, where a dozen thread-pool round
 * trips cost more than the system calls themselves.
 */
export function writeFileAtomicSync(
  path: string,
  data: string | Uint8Array,
  options: { mode?: number } = {},
): void {
  writeFilesAtomicSync([{ path, data, ...options }]);
}

/** One file for `writeFilesAtomicSync`. */
export interface AtomicFile {
  path: string;
  data: string | Uint8Array;
  /** As `AtomicWriteOptions.mode`. */
  mode?: number;
}

/** Files written before their fsyncs (bounds the descriptors held open at once). */
const SYNC_GROUP = 256;

/**
 * `writeFileAtomicSync` of many small files (the pointers of an add of a thousand targets):
 * each target is still replaced atomically, but a group's temporary files are all written
 * before any is fsynced, then renamed, and each folder is fsynced once at the end. A journaling
 * filesystem then commits once per group, not twice per file. On an error every target is
 * whole, old or new (the groups before it are written), and no temporary file is left.
 */
export function writeFilesAtomicSync(files: readonly AtomicFile[]): void {
  const dirs = new Set<string>();
  try {
    for (let start = 0; start < files.length; start += SYNC_GROUP) {
      writeGroupSync(files.slice(start, start + SYNC_GROUP), dirs);
    }
  } finally {
    // The renames done so far are made durable, also when a later file failed.
    for (const dir of dirs) fsyncDirSync(dir);
  }
}

/** One group: every temporary file written, then each fsynced, then each renamed into place. */
function writeGroupSync(files: readonly AtomicFile[], renamedIn: Set<string>): void {
  const temps: Array<{ temp: string; target: string; fd: number | undefined }> = [];
  try {
    for (const file of files) {
      const target = resolveTargetSync(file.path);
      const mode = file.mode ?? existingModeSync(target);
      const temp = tempPathFor(target);
      const fd = openSync(temp, 'wx', 0o666);
      temps.push({ temp, target, fd });
      const bytes = typeof file.data === 'string' ? Buffer.from(file.data, 'utf8') : file.data;
      for (let done = 0; done < bytes.length; ) {
        done += writeSync(fd, bytes, done, bytes.length - done);
      }
      if (mode !== undefined) fchmodSync(fd, mode);
    }
    for (const entry of temps) {
      fsyncSync(entry.fd as number);
      closeSync(entry.fd as number);
      entry.fd = undefined;
    }
    for (const entry of temps) {
      renameSync(entry.temp, entry.target);
      entry.temp = '';
      renamedIn.add(dirname(entry.target));
    }
  } finally {
    for (const { temp, fd } of temps) {
      if (fd !== undefined) closeSync(fd);
      if (temp !== '') rmSync(temp, { force: true });
    }
  }
}

/** `fsyncDir`, synchronously. */
export function fsyncDirSync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (error) {
    if (!hasErrno(error, 'EINVAL', 'EISDIR', 'EPERM', 'ENOTSUP', 'EBADF')) throw error;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Write `value` as 2-space JSON with a trailing newline, atomically. */
export function writeJsonAtomic(
  path: string,
  value: unknown,
  options: AtomicWriteOptions = {},
): Promise<AtomicWriteResult> {
  return writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, options);
}

/** Write `value` as YAML exactly as DVC would (see `stringifyDvcYaml`), atomically. */
export function writeYamlAtomic(
  path: string,
  value: unknown,
  options: AtomicWriteOptions = {},
): Promise<AtomicWriteResult> {
  return writeFileAtomic(path, stringifyDvcYaml(value), options);
}

/** Create a folder and its parents if missing (those with exactly `mode`, see `makeDirs`). */
export async function ensureDir(path: string, mode?: number): Promise<string> {
  await makeDirs(path, mode);
  return path;
}

/**
 * Make a rename or create inside `dir` durable. Filesystems that cannot fsync a folder
 * (some network and FUSE ones) answer EINVAL/EISDIR/EPERM; there is nothing more to do then.
 */
export async function fsyncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    if (!hasErrno(error, 'EINVAL', 'EISDIR', 'EPERM', 'ENOTSUP', 'EBADF')) throw error;
  } finally {
    await handle?.close();
  }
}

/**
 * Remove the `*.cairn-tmp` files in `dir` (not recursive) whose writer process is gone. Files of
 * live processes, this one included, are kept. Only meaningful for folders on this machine.
 * Returns the removed paths.
 */
export async function cleanStaleTemps(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (hasErrno(error, 'ENOENT', 'ENOTDIR')) return [];
    throw error;
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.endsWith(TEMP_SUFFIX)) continue;
    const pid = tempNamePid(name);
    if (pid === undefined || pid === process.pid || isProcessAlive(pid)) continue;
    const path = join(dir, name);
    try {
      await unlink(path);
      removed.push(path);
    } catch (error) {
      if (!hasErrno(error, 'ENOENT')) throw error;
    }
  }
  return removed;
}

// Writing through a symlink replaces the file it points at, not the link.
async function resolveTarget(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (error) {
    if (hasErrno(error, 'ENOENT')) return path;
    throw error;
  }
}

function resolveTargetSync(path: string): string {
  try {
    // One system call (the JavaScript `realpathSync` takes an lstat per path component).
    return realpathSync.native(path);
  } catch (error) {
    if (hasErrno(error, 'ENOENT')) return path;
    throw error;
  }
}

function existingModeSync(path: string): number | undefined {
  const info = statSync(path, { throwIfNoEntry: false });
  return info === undefined ? undefined : info.mode & 0o7777;
}

async function existingMode(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mode & 0o7777;
  } catch (error) {
    if (hasErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
}

async function* chunksOf(data: AtomicWriteData): AsyncGenerator<Uint8Array> {
  if (typeof data === 'string' || data instanceof Uint8Array) {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let offset = 0; offset < bytes.length; offset += WRITE_PIECE) {
      yield bytes.subarray(offset, offset + WRITE_PIECE);
    }
    return;
  }
  for await (const chunk of data as AsyncIterable<Uint8Array | string>) {
    yield typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
  }
}

async function writeAll(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}

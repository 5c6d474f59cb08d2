/**
 * Hashing of one batch of files, shared by the `HashPool` workers and by the calling thread
 * when it takes part. Small files (up to 1 MiB) are read with one `readSync` into a reusable
 * buffer and hashed with one-shot `crypto.hash`; larger ones are streamed through the same
 * buffer, so memory stays constant. Only Node built-ins, for a fast worker start.
 */
import { createHash, hash } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  constants,
  existsSync,
  fstatSync,
  linkSync,
  lstatSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  type Stats,
  unlinkSync,
} from 'node:fs';
import { sep } from 'node:path';
import { threadId } from 'node:worker_threads';
import { makeDirsSync } from './dirs.js';
import type { HashRequest, HashResponse } from './hash-protocol.js';
import { SMALL_FILE_MAX, smallFileBuffer } from './small-file.js';
import { TEMP_SUFFIX } from './temp-name.js';
import { writeRenameSync } from './write-rename-sync.js';

/** `smallFileBuffer`'s length, one byte past the bound: a file that fills it is large (streamed). */
const BUFFER_SIZE = SMALL_FILE_MAX + 1;
let buffer: Buffer = Buffer.alloc(0); // this thread's `smallFileBuffer`, taken by each batch

/** Size reported for a file left alone because it is larger than the buffer (`smallOnly`). */
const TOO_LARGE = -2;

/**
 * Hashes one file, appending its digests to `digests`; returns its size, or TOO_LARGE when
 * `smallOnly` and the file does not fit the buffer (nothing is appended then).
 */
function hashOne(
  path: string,
  expectedSize: number,
  algorithms: readonly string[],
  digests: string[],
  smallOnly: boolean,
  store?: StoreTarget,
): number {
  const fd = openSync(path, constants.O_RDONLY);
  try {
    // What the file was before it is read: a link made into the store must still be that file.
    const before = store?.link && !linkFailed ? fstatSync(fd) : undefined;
    let filled = 0;
    for (;;) {
      const n = readSync(fd, buffer, filled, BUFFER_SIZE - filled, null);
      if (n === 0) break;
      filled += n;
      if (filled === BUFFER_SIZE) {
        return smallOnly ? TOO_LARGE : streamRest(fd, algorithms, digests);
      }
      // A file shorter than the buffer that is as long as the walk said is complete: one
      // syscall fewer per small file. (A file that grew meanwhile fills past it and reads on.)
      if (filled === expectedSize) break;
    }
    const bytes = buffer.subarray(0, filled);
    for (const algorithm of algorithms) digests.push(hash(algorithm, bytes, 'hex'));
    if (store !== undefined) {
      const md5 = digests[digests.length - algorithms.length + store.md5Index] as string;
      storeCopy(bytes, md5, store, before && { path, stat: before });
    }
    return filled;
  } finally {
    closeSync(fd);
  }
}

/** The buffer is full: hash it and the rest of the file chunk by chunk. */
function streamRest(fd: number, algorithms: readonly string[], digests: string[]): number {
  const hashes = algorithms.map((a) => createHash(a));
  let size = 0;
  let n = BUFFER_SIZE;
  while (n > 0) {
    const chunk = buffer.subarray(0, n);
    for (const h of hashes) h.update(chunk);
    size += n;
    n = readSync(fd, buffer, 0, BUFFER_SIZE, null);
  }
  for (const h of hashes) digests.push(h.digest('hex'));
  return size;
}

interface StoreTarget {
  dir: string;
  mode: number;
  dirMode?: number;
  link?: boolean;
  md5Index: number;
  stored: number[];
  objectStats: number[];
}

// Per thread: folders known to exist (true: created by this thread), and a counter that makes
// temporary names unique.
const knownDirs = new Map<string, boolean>();
let tempCounter = 0;
/** Objects this thread wrote into folders it created. */
const writtenHere = new Set<string>();

/** Makes sure `dir` exists; true when this thread created it. */
function ensureDir(dir: string, mode: number | undefined): boolean {
  let created = knownDirs.get(dir);
  if (created === undefined) {
    created = makeDirsSync(dir, mode) !== undefined;
    knownDirs.set(dir, created);
  }
  return created;
}

/**
 * Writes the bytes just hashed to `<dir>/<md5[0:2]>/<md5[2:]>` unless that object exists: into
 * a temporary file first, renamed into place once complete, so the name never shows partial
 * bytes. Saves reading the file a second time to copy it. With `source` (`store.link`), the
 * file itself becomes the object through a hard link when it can (see `linkAsObjectSync`).
 */
function storeCopy(
  bytes: Buffer,
  md5: string,
  store: StoreTarget,
  source?: { path: string; stat: Stats },
): void {
  // Concatenated, not joined: `dir` is a normalised absolute path, and this runs per file.
  const prefix = `${store.dir}${sep}${md5.slice(0, 2)}`;
  const dst = `${prefix}${sep}${md5.slice(2)}`;
  // In a folder this thread created, an object it did not write there is new, unless another
  // thread or process writes the same new object at the same time: both copies hold the same
  // bytes and the one renamed last stays (the stat recorded for the other no longer vouches for
  // the object, which is then hashed again when next used). That saves an `access` call per
  // object of a new cache. What it wrote is checked: it may have been removed since.
  const created = ensureDir(prefix, store.dirMode);
  if ((!created || writtenHere.has(md5)) && existsSync(dst)) {
    store.stored.push(0);
    return;
  }
  // Beside its destination, like DVC's own temporary objects: a rename within one folder
  // avoids the filesystem-wide lock that cross-folder renames take on ext4.
  const temp = `${prefix}${sep}.incoming.${process.pid}.${threadId}x${tempCounter++}${TEMP_SUFFIX}`;
  const remakeDir = () => {
    // The folder was removed since this thread made sure of it (a long-lived process).
    knownDirs.delete(prefix);
    ensureDir(prefix, store.dirMode);
  };
  const info =
    (source && linkAsObjectSync(source, bytes.length, temp, dst, store.mode)) ??
    writeRenameSync(temp, dst, bytes, store.mode, remakeDir, (fd) => fstatSync(fd));
  if (created) writtenHere.add(md5);
  store.stored.push(1);
  store.objectStats.push(info.ino, info.mtimeMs);
}

/** Set once a hard link into the store failed for want of support: this thread copies. */
let linkFailed = false;
const NO_LINK_ERRNOS = new Set(['EXDEV', 'EPERM', 'EMLINK', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);
/** A file modified this recently may change again within the same mtime tick: copied. */
const SETTLE_MS = 2000;

/**
 * Makes the hashed file itself the object, as DVC's add does with `cache.type = hardlink`: a
 * hard link beside `dst` that is checked to still be the file that was read (same inode, size
 * and mtime, the mtime settled), made `mode` and renamed into place. No bytes are written, and
 * the workspace file becomes the read-only object. Undefined where that cannot be done: the
 * bytes read are written instead.
 */
export function linkAsObjectSync(
  source: { path: string; stat: { ino: number; mtimeMs: number; size: number } },
  size: number,
  temp: string,
  dst: string,
  mode: number,
): Stats | undefined {
  const { stat } = source;
  // Empty files are never linked (thousands would share one inode, as `Linker` avoids too).
  if (linkFailed || size === 0 || stat.size !== size || Date.now() - stat.mtimeMs < SETTLE_MS) {
    return undefined;
  }
  try {
    linkSync(source.path, temp);
  } catch (error) {
    const { code } = error as { code?: unknown };
    if (typeof code === 'string' && NO_LINK_ERRNOS.has(code)) {
      linkFailed = true;
      return undefined;
    }
    throw error;
  }
  let linked: Stats | undefined;
  try {
    linked = lstatSync(temp);
    if (linked.ino !== stat.ino || linked.size !== size || linked.mtimeMs !== stat.mtimeMs) {
      unlinkSync(temp);
      return undefined;
    }
    chmodSync(temp, mode);
    renameSync(temp, dst);
    return linked;
  } catch (error) {
    // A file that does not become the object keeps its own mode.
    try {
      if (linked !== undefined) chmodSync(temp, linked.mode & 0o7777);
    } catch {
      // gone already: its mode was not changed through this name
    }
    rmSync(temp, { force: true });
    throw error;
  }
}

export interface BatchLimits {
  /** Skip files larger than 1 MiB, reported with size -2 and empty digests. */
  smallOnly?: boolean;
  /** Stop once this many bytes are hashed; the files after that get no entry at all. */
  byteBudget?: number;
}

/**
 * Hashes a batch synchronously. The pool's own thread passes limits so that one turn never
 * blocks its event loop for long; workers hash whole batches.
 */
export function hashBatch(request: HashRequest, limits: BatchLimits = {}): HashResponse {
  buffer = smallFileBuffer();
  const response: HashResponse = {
    kind: 'hash',
    id: request.id,
    sizes: [],
    digests: [],
    errors: [],
  };
  const { paths, algorithms } = request;
  const smallOnly = limits.smallOnly ?? false;
  const budget = limits.byteBudget ?? Number.POSITIVE_INFINITY;
  let hashed = 0;
  const store = storeTarget(request, response);
  for (let i = 0; i < paths.length && hashed < budget; i++) {
    const before = response.digests.length;
    const storedBefore = store?.stored.length ?? 0;
    try {
      const size = hashOne(
        paths[i] as string,
        request.sizes[i] ?? -1,
        algorithms,
        response.digests,
        smallOnly,
        store,
      );
      if (size === TOO_LARGE) for (const _ of algorithms) response.digests.push('');
      else hashed += size;
      if (store !== undefined && store.stored.length === storedBefore) store.stored.push(-1);
      response.sizes.push(size);
    } catch (error) {
      const { code, message } = error as { code?: unknown; message?: unknown };
      if (store !== undefined) {
        if (store.stored.length > storedBefore && store.stored.pop() === 1) {
          store.objectStats.length -= 2;
        }
        store.stored.push(-1);
      }
      response.digests.length = before;
      for (const _ of algorithms) response.digests.push('');
      response.sizes.push(-1);
      response.errors.push({
        index: i,
        code: typeof code === 'string' ? code : undefined,
        message: typeof message === 'string' ? message : String(error),
      });
    }
  }
  return response;
}

function storeTarget(request: HashRequest, response: HashResponse): StoreTarget | undefined {
  const md5Index = request.algorithms.indexOf('md5');
  if (request.store === undefined || md5Index === -1) return undefined;
  response.stored = [];
  response.objectStats = [];
  return { ...request.store, md5Index, stored: response.stored, objectStats: response.objectStats };
}

/**
 * Hashing of one batch of files, shared by the `HashPool` workers and by the calling thread
 * when it takes part. Small files (up to 1 MiB) are read with one `readSync` into a reusable
 * buffer and hashed with one-shot `crypto.hash`; larger ones are streamed through the same
 * buffer, so memory stays constant. Only Node built-ins, for a fast worker start.
 */
import { createHash, hash } from 'node:crypto';
import { closeSync, constants, openSync, readSync } from 'node:fs';
import type { WorkerRequest, WorkerResponse } from './hash-protocol.js';

const BUFFER_SIZE = 1 << 20;
let buffer = Buffer.alloc(0);

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
): number {
  const fd = openSync(path, constants.O_RDONLY);
  try {
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
export function hashBatch(request: WorkerRequest, limits: BatchLimits = {}): WorkerResponse {
  if (buffer.length === 0) buffer = Buffer.allocUnsafe(BUFFER_SIZE);
  const response: WorkerResponse = { id: request.id, sizes: [], digests: [], errors: [] };
  const { paths, algorithms } = request;
  const smallOnly = limits.smallOnly ?? false;
  const budget = limits.byteBudget ?? Number.POSITIVE_INFINITY;
  let hashed = 0;
  for (let i = 0; i < paths.length && hashed < budget; i++) {
    const before = response.digests.length;
    try {
      const size = hashOne(
        paths[i] as string,
        request.sizes[i] ?? -1,
        algorithms,
        response.digests,
        smallOnly,
      );
      if (size === TOO_LARGE) for (const _ of algorithms) response.digests.push('');
      else hashed += size;
      response.sizes.push(size);
    } catch (error) {
      const { code, message } = error as { code?: unknown; message?: unknown };
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

/**
 * Worker thread of `HashPool`: hashes batches of files. Small files (up to 1 MiB) are read with
 * one `readSync` into a reusable buffer and hashed with one-shot `crypto.hash`; larger ones are
 * streamed through the same buffer, so memory stays constant. Imports only Node built-ins to
 * start fast.
 */
import { createHash, hash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import type { WorkerFileResult, WorkerRequest, WorkerResponse } from './hash-protocol.js';

const BUFFER_SIZE = 1 << 20;
const buffer = Buffer.allocUnsafe(BUFFER_SIZE);

function hashOne(path: string, algorithms: readonly string[]): WorkerFileResult {
  const fd = openSync(path, 'r');
  try {
    let filled = 0;
    for (;;) {
      const n = readSync(fd, buffer, filled, BUFFER_SIZE - filled, null);
      if (n === 0) break;
      filled += n;
      if (filled === BUFFER_SIZE) return streamRest(fd, algorithms);
    }
    const bytes = buffer.subarray(0, filled);
    const digests = algorithms.map((a) => hash(a, bytes, 'hex'));
    return { size: filled, digests };
  } finally {
    closeSync(fd);
  }
}

/** The buffer is full: hash it and the rest of the file chunk by chunk. */
function streamRest(fd: number, algorithms: readonly string[]): WorkerFileResult {
  const hashes = algorithms.map((a) => createHash(a));
  let size = 0;
  let n = BUFFER_SIZE;
  while (n > 0) {
    const chunk = buffer.subarray(0, n);
    for (const h of hashes) h.update(chunk);
    size += n;
    n = readSync(fd, buffer, 0, BUFFER_SIZE, null);
  }
  return { size, digests: hashes.map((h) => h.digest('hex')) };
}

function handle(request: WorkerRequest): WorkerResponse {
  const results = request.paths.map((path): WorkerFileResult => {
    try {
      return hashOne(path, request.algorithms);
    } catch (error) {
      const { code, message } = error as { code?: unknown; message?: unknown };
      return {
        error: {
          code: typeof code === 'string' ? code : undefined,
          message: typeof message === 'string' ? message : String(error),
        },
      };
    }
  });
  return { id: request.id, results };
}

parentPort?.on('message', (request: WorkerRequest) => {
  parentPort?.postMessage(handle(request));
});

/**
 * Worker thread of `HashPool`: answers each request (hash-batch.ts, stat-batch.ts,
 * place-batch.ts, copy-verified.ts).
 */
import { parentPort } from 'node:worker_threads';
import { copyVerifiedBatch } from './copy-verified.js';
import { hashBatch } from './hash-batch.js';
import type { StatRequest, StatResponse, WorkerRequest } from './hash-protocol.js';
import { placeBatch } from './place-batch.js';
import { STAT_FIELDS, statBatch } from './stat-batch.js';

function statResponse(request: StatRequest): StatResponse & { stats: Float64Array<ArrayBuffer> } {
  const stats = new Float64Array(request.paths.length * STAT_FIELDS);
  try {
    statBatch(request.paths, stats);
    return { kind: 'stat', id: request.id, stats };
  } catch (error) {
    const { code, message, path } = error as { code?: unknown; message?: unknown; path?: unknown };
    return {
      kind: 'stat',
      id: request.id,
      stats: new Float64Array(0),
      error: {
        path: typeof path === 'string' ? path : '',
        code: typeof code === 'string' ? code : undefined,
        message: typeof message === 'string' ? message : String(error),
      },
    };
  }
}

const port = parentPort;
if (port !== null) {
  port.on('message', (request: WorkerRequest) => {
    if (request.kind === 'hash') {
      port.postMessage(hashBatch(request));
      return;
    }
    if (request.kind === 'copy') {
      const result = copyVerifiedBatch(request.srcs, request.dsts, request.md5s, request.options);
      port.postMessage({ kind: 'copy', id: request.id, ...result });
      return;
    }
    if (request.kind === 'place') {
      const result = placeBatch(request.srcs, request.dsts, request.placement, request.expected);
      port.postMessage({ kind: 'place', id: request.id, ...result });
      return;
    }
    const response = statResponse(request);
    port.postMessage(response, [response.stats.buffer]);
  });
}

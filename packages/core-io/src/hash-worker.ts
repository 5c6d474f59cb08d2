/** Worker thread of `HashPool`: answers each batch request (see hash-batch.ts). */
import { parentPort } from 'node:worker_threads';
import { hashBatch } from './hash-batch.js';
import type { WorkerRequest } from './hash-protocol.js';

const port = parentPort;
if (port !== null) {
  port.on('message', (request: WorkerRequest) => port.postMessage(hashBatch(request)));
}

/** Worker thread of `HashPool`: answers each batch request (see hash-batch.cts). */
import workerThreads = require('node:worker_threads');
import hashBatch = require('./hash-batch.cjs');

import type { WorkerRequest } from './hash-protocol.js';

const port = workerThreads.parentPort;
port?.on('message', (request: WorkerRequest) => port.postMessage(hashBatch(request)));

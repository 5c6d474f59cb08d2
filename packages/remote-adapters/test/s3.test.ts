import { startS3 } from '@cairn/emulators';
import { describeRemoteConformance } from '../src/testing/index.js';
import { useBackend } from './support/backends.js';
import { describeTransfers } from './support/transfer-suite.js';

// s3rver by default; a real bucket with CAIRN_TEST_S3_URL (see the README).
const backend = useBackend({
  kind: 'S3',
  emulatorLabel: 's3rver',
  start: () => startS3(),
  secrets: ['S3RVER'],
});

describeRemoteConformance({
  name: backend.name,
  open: (root) => backend.open(root),
  secrets: backend.secrets,
});

describeTransfers({
  name: backend.name,
  open: (root) => backend.open(root),
  real: backend.real,
  faults: {
    emulator: () => backend.emulated.emulator,
    open: (root, retry) => backend.emulated.open(root, {}, retry),
    completing: { methods: ['POST'], urlContains: 'uploadId=' },
  },
});

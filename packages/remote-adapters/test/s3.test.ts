import { startS3 } from '@cairn/emulators';
import { describeRemoteConformance } from '../src/testing/index.js';
import { useEmulator } from './support/emulated.js';
import { describeTransfers } from './support/transfer-suite.js';

const backend = useEmulator(() => startS3());

describeRemoteConformance({
  name: 's3 (s3rver)',
  open: (root) => backend.open(root),
  secrets: ['S3RVER'],
});

describeTransfers({
  name: 's3 (s3rver)',
  open: (root) => backend.open(root),
  emulator: () => backend.emulator,
});

import { startGcs } from '@cairn/emulators';
import { describeRemoteConformance } from '../src/testing/index.js';
import { useEmulator } from './support/emulated.js';
import { describeTransfers } from './support/transfer-suite.js';

const backend = useEmulator(() => startGcs());

describeRemoteConformance({
  name: 'gcs (JSON API double)',
  open: (root) => backend.open(root),
});

describeTransfers({
  name: 'gcs (JSON API double)',
  open: (root) => backend.open(root),
  emulator: () => backend.emulator,
});

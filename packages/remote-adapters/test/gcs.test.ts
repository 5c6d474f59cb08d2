import { startGcs } from '@cairn/emulators';
import { describeRemoteConformance } from '../src/testing/index.js';
import { useBackend } from './support/backends.js';
import { describeTransfers } from './support/transfer-suite.js';

// The GCS JSON API double by default; a real bucket with CAIRN_TEST_GCS_URL (see the README).
const backend = useBackend({
  kind: 'GCS',
  emulatorLabel: 'JSON API double',
  start: () => startGcs(),
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
  },
});

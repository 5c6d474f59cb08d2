import { startAzurite } from '@cairn/emulators';
import { describeRemoteConformance } from '../src/testing/index.js';
import { useBackend } from './support/backends.js';
import { describeTransfers } from './support/transfer-suite.js';

// Azurite by default; a real bucket with CAIRN_TEST_AZURE_URL (see the README).
const backend = useBackend({
  kind: 'AZURE',
  emulatorLabel: 'azurite',
  start: () => startAzurite(),
  secrets: ['Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq'],
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
    completing: { methods: ['PUT'], urlContains: 'comp=blocklist' },
  },
});

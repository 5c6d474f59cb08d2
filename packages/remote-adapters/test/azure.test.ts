import { startAzurite } from '@cairn/emulators';
import { describeRemoteConformance } from '../src/testing/index.js';
import { useEmulator } from './support/emulated.js';
import { describeTransfers } from './support/transfer-suite.js';

const backend = useEmulator(() => startAzurite());

describeRemoteConformance({
  name: 'azure (azurite)',
  open: (root) => backend.open(root),
  secrets: ['Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq'],
});

describeTransfers({
  name: 'azure (azurite)',
  open: (root) => backend.open(root),
  emulator: () => backend.emulator,
});

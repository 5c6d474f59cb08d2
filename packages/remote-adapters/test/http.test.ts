import { startHttpRemote } from '@cairn/emulators';
import { describeRemoteConformance } from '../src/testing/index.js';
import { useEmulator } from './support/emulated.js';
import { describeTransfers } from './support/transfer-suite.js';

const PASSWORD = 'correct-horse-battery';
const backend = useEmulator(() => startHttpRemote({ user: 'alice', password: PASSWORD }));

describeRemoteConformance({
  name: 'http (basic auth)',
  open: (root) => backend.open(root),
  secrets: [PASSWORD],
});

describeTransfers({
  name: 'http (basic auth)',
  open: (root) => backend.open(root),
  emulator: () => backend.emulator,
});

import { startHttpRemote } from '@cairn/emulators';
import { describeRemoteConformance } from '../src/testing/index.js';
import { useBackend } from './support/backends.js';
import { describeTransfers } from './support/transfer-suite.js';

// A local HTTP server with basic auth by default; a real one with CAIRN_TEST_HTTP_URL.
const PASSWORD = 'correct-horse-battery';
const backend = useBackend({
  kind: 'HTTP',
  emulatorLabel: 'basic auth',
  start: () => startHttpRemote({ user: 'alice', password: PASSWORD }),
  secrets: [PASSWORD],
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

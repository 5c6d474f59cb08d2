import { startGcs } from '@cairn/emulators';
import { describeRemoteConformance } from '../src/testing/index.js';
import { useEmulator } from './support/emulated.js';

const backend = useEmulator(() => startGcs());

describeRemoteConformance({
  name: 'gcs (JSON API double)',
  open: (root) => backend.open(root),
});

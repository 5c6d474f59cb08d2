import { statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';

const SHM = '/dev/shm';
const MIN_FREE = 4 * 1024 ** 3;

/**
 * Where emulators and tests keep their data: `CAIRN_SCRATCH_DIR` when set, else `/dev/shm` when it
 * is a tmpfs with at least 4 GiB free, else the OS temp folder. The remote tests create tens of
 * thousands of small files; on a slow disk that alone costs minutes.
 */
export function scratchDir(): string {
  const chosen = process.env.CAIRN_SCRATCH_DIR;
  if (chosen) return chosen;
  try {
    const stats = statfsSync(SHM);
    if (stats.bavail * stats.bsize >= MIN_FREE) return SHM;
  } catch {
    // No /dev/shm (macOS, Windows): the temp folder it is.
  }
  return tmpdir();
}

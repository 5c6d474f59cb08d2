import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { scratchDir } from '@cairn/emulators';
import type { TestProject } from 'vitest/node';
import { addDirObject, addLargeObject, addSmallObjects } from './cache.js';

/** The cache every backend's transfer suite pushes from, built once for the whole run. */
export interface TransferSource {
  dir: string;
  small: string[];
  dirOid: string;
  large: string;
  smallCount: number;
  largeBytes: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    transferSource: TransferSource;
  }
}

// 2,000 still crosses the point where listing the remote beats one HEAD per object (256 prefixes
// × 5 < 2,000). The 20,000-file round trip on every backend runs end to end through the CLI
// (apps/cli/test/remote-scale.test.ts); repeating it here doubled the suite's time.
export const SOURCE_SMALL_OBJECTS = 2_000;
export const SOURCE_LARGE_BYTES = 200 * (1 << 20);

/**
 * Vitest global setup: writes 2,000 small objects, a `.dir` and a 200 MiB object once (about a
 * quarter of a backend's test time on a slow disk) instead of once per backend file.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  // `vitest run src/…` (unit tests only) needs no source cache.
  const filters = process.argv.slice(2).filter((arg) => !arg.startsWith('-') && arg !== 'run');
  if (filters.length > 0 && filters.every((filter) => filter.startsWith('src'))) return;
  const base = await mkdtemp(join(scratchDir(), 'cairn-transfer-source-'));
  const dir = join(base, 'cache');
  const small = await addSmallObjects(dir, SOURCE_SMALL_OBJECTS, 'shared');
  const dirOid = await addDirObject(
    dir,
    small.slice(0, 50).map((md5, i) => ({ md5, relpath: `data/file-${i}.bin` })),
  );
  const large = await addLargeObject(dir, SOURCE_LARGE_BYTES);
  project.provide('transferSource', {
    dir,
    small,
    dirOid,
    large,
    smallCount: SOURCE_SMALL_OBJECTS,
    largeBytes: SOURCE_LARGE_BYTES,
  });
  return () => rm(base, { recursive: true, force: true });
}

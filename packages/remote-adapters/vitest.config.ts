import base from '@cairn/configs/vitest';
import { defineConfig, mergeConfig } from 'vitest/config';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      // One backend at a time: each file starts an emulator and moves hundreds of MiB, and CI
      // machines have two cores.
      fileParallelism: false,
      // The transfer suites' 20,000-object source cache, written once for all backends.
      globalSetup: ['./test/support/global-source.ts'],
    },
  }),
);

import base from '@cairn/configs/vitest';
import { defineConfig, mergeConfig } from 'vitest/config';

export default mergeConfig(base, defineConfig({ test: { globalSetup: ['test/global-setup.ts'] } }));

// Shared Vitest settings: every package's vitest.config.ts merges these.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Processes, not threads: tests spawn children, chdir and use signals.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests must never be silently skipped.
    allowOnly: false,
    passWithNoTests: false,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});

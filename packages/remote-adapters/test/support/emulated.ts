import type { Emulator } from '@cairn/emulators';
import type { RemoteDriver } from '@cairn/types';
import { afterAll, beforeAll } from 'vitest';
import { openRemote, type RetryPolicy } from '../../src/index.js';

/** Fast retries: the emulators answer in microseconds, and fault tests retry a lot. */
export const TEST_RETRY = { attempts: 6, baseDelayMs: 10, maxDelayMs: 200 };
/** A request to a local emulator that moves nothing for 2 s is stuck, not slow. */
export const TEST_STALL_TIMEOUT_MS = 2_000;

export interface EmulatedBackend {
  readonly emulator: Emulator;
  /** A driver on a fresh folder `root` of the emulator's bucket (or server), through the fault proxy. */
  open(
    root: string,
    extra?: Record<string, unknown>,
    retry?: Partial<RetryPolicy>,
  ): Promise<RemoteDriver>;
  /** The same without the fault proxy: for the tests that inject no faults (one hop less). */
  openDirect(root: string): Promise<RemoteDriver>;
}

/** Starts an emulator before the file's tests and stops it after them. */
export function useEmulator(start: () => Promise<Emulator>): EmulatedBackend {
  let emulator: Emulator | undefined;
  beforeAll(async () => {
    emulator = await start();
  }, 60_000);
  afterAll(async () => {
    await emulator?.stop();
  }, 60_000);
  return {
    get emulator() {
      if (!emulator) throw new Error('the emulator has not started');
      return emulator;
    },
    open(root, extra = {}, retry = {}) {
      const running = this.emulator;
      return openRemote(`${running.url}/${root}`, {
        name: 'storage',
        config: { ...running.config, ...extra },
        retry: { ...TEST_RETRY, ...retry },
        stallTimeoutMs: TEST_STALL_TIMEOUT_MS,
      });
    },
    openDirect(root) {
      const { direct } = this.emulator;
      return openRemote(`${direct.url}/${root}`, {
        name: 'storage',
        config: direct.config,
        retry: TEST_RETRY,
        stallTimeoutMs: TEST_STALL_TIMEOUT_MS,
      });
    },
  };
}

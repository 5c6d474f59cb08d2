import { randomBytes } from 'node:crypto';
import type { Emulator } from '@cairn/emulators';
import type { RemoteDriver } from '@cairn/types';
import { afterAll } from 'vitest';
import { z } from 'zod';
import { openRemote, redact, SECRET_OPTIONS } from '../../src/index.js';
import { runPool } from '../../src/pool.js';
import { type EmulatedBackend, useEmulator } from './emulated.js';

/**
 * Where a backend's integration tests run: the emulator by default, or a real bucket when
 * `CAIRN_TEST_<KIND>_URL` is set (kind: S3, GCS, AZURE, HTTP). With a real bucket, every test
 * works under a fresh prefix `cairn-test-<time>-<random>/` of that URL, which is deleted
 * afterwards; `CAIRN_TEST_<KIND>_CONFIG` may hold the DVC remote options as a JSON object
 * (`{"endpointurl": "…", "region": "…"}`), and credentials otherwise come from the standard
 * environment of each SDK. The fault tests always use the emulator: they need its proxy in the
 * path.
 */
export interface TestBackend {
  /** Title of the describe blocks: `s3 (s3rver)` or `s3 (s3://bucket/prefix)`. */
  readonly name: string;
  /** True when the tests target a real bucket. */
  readonly real: boolean;
  /** A driver on the fresh folder `root` of the target. */
  open(root: string): Promise<RemoteDriver>;
  /** Strings that must never show up in messages. */
  readonly secrets: string[];
  /** The emulator, always started: the fault tests run against it. */
  readonly emulated: EmulatedBackend;
}

export type BackendKind = 'S3' | 'GCS' | 'AZURE' | 'HTTP';

/** The DVC options of a real target: a JSON object of strings, numbers or booleans. */
const RealConfig = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

/** Credentials the SDKs read from the environment, kept out of every message. */
const SECRET_ENV = [
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AZURE_STORAGE_KEY',
  'AZURE_STORAGE_CONNECTION_STRING',
  'AZURE_STORAGE_SAS_TOKEN',
  'AZURE_CLIENT_SECRET',
];

export function realTarget(
  kind: BackendKind,
  env: NodeJS.ProcessEnv = process.env,
): { url: string; config: Record<string, string | number | boolean> } | undefined {
  const url = env[`CAIRN_TEST_${kind}_URL`]?.trim();
  if (!url) return undefined;
  const raw = env[`CAIRN_TEST_${kind}_CONFIG`];
  let config: Record<string, string | number | boolean> = {};
  if (raw !== undefined && raw.trim() !== '') {
    const parsed = RealConfig.safeParse(JSON.parse(raw));
    if (!parsed.success) {
      throw new Error(
        `CAIRN_TEST_${kind}_CONFIG must be a JSON object of DVC remote options (strings, numbers, booleans): ${parsed.error.issues[0]?.message}`,
      );
    }
    config = parsed.data;
  }
  return { url: url.replace(/\/+$/, ''), config };
}

/**
 * Starts the emulator for this file's tests, and picks the target: the real bucket named by
 * `CAIRN_TEST_<kind>_URL` when set, else the emulator. Never skips.
 */
export function useBackend(options: {
  kind: BackendKind;
  /** Label of the emulator in test titles (`s3rver`, `azurite`, …). */
  emulatorLabel: string;
  start: () => Promise<Emulator>;
  /** Secrets of the emulator's configuration. */
  secrets?: string[];
}): TestBackend {
  const emulated = useEmulator(options.start);
  const real = realTarget(options.kind);
  if (!real) {
    return {
      name: `${options.kind.toLowerCase()} (${options.emulatorLabel})`,
      real: false,
      open: (root) => emulated.openDirect(root),
      secrets: options.secrets ?? [],
      emulated,
    };
  }
  const runPrefix = `cairn-test-${Date.now()}-${randomBytes(4).toString('hex')}`;
  const secretOptions: readonly string[] = SECRET_OPTIONS;
  const secrets = [
    ...Object.entries(real.config)
      .filter(([key]) => secretOptions.includes(key))
      .map(([, value]) => String(value)),
    ...SECRET_ENV.map((name) => process.env[name]).filter(
      (value): value is string => value !== undefined && value.length >= 8,
    ),
  ];
  const openAt = (path: string) =>
    openRemote(`${real.url}/${path}`, { name: 'storage', config: real.config });
  afterAll(async () => {
    // Everything the run wrote is under its prefix: list it and delete it.
    const driver = await openAt(runPrefix);
    try {
      const keys: string[] = [];
      if (driver.canList) for await (const entry of driver.list('')) keys.push(entry.key);
      if (driver.deleteMany) await driver.deleteMany(keys);
      else await runPool(keys, driver.defaultJobs, (key) => driver.delete(key));
    } finally {
      await driver.dispose();
    }
  }, 30 * 60_000);
  return {
    name: `${options.kind.toLowerCase()} (${redact(real.url)})`,
    real: true,
    open: (root) => openAt(`${runPrefix}/${root}`),
    secrets,
    emulated,
  };
}

import { availableParallelism } from 'node:os';
import type { RetryPolicy } from './retry.js';

/** Environment variables as drivers read them (process.env unless a caller passes its own). */
export type Env = Readonly<Record<string, string | undefined>>;

/** The options of `openRemote`, beside the URL. */
export interface OpenRemoteOptions {
  /** The remote's name in `.dvc/config` (`storage` for `['remote "storage"']`); used in messages. */
  name?: string;
  /**
   * The rest of the merged `.dvc/config` + `.dvc/config.local` remote section, with DVC's key
   * names (`endpointurl`, `region`, `connection_string`, `auth`, `user`, …). A `url` key in it
   * is ignored (the first argument wins). Unknown keys are refused with `CAIRN_REMOTE_CONFIG`.
   */
  config?: Readonly<Record<string, unknown>>;
  /**
   * Folder of the config file the section came from (`<repo>/.dvc` for `.dvc/config`): a
   * relative local url and `credentialpath` resolve against it, as in DVC. Default: the
   * process's working directory.
   */
  cwd?: string;
  /** Retry policy overrides (attempts, delays); the defaults suit real clouds. */
  retry?: Partial<RetryPolicy>;
  /** Environment to read credentials and Cairn switches from; defaults to `process.env`. */
  env?: Env;
  /**
   * How long a request may go without a byte moving before it is treated as a dropped
   * connection and retried or resumed (default 60 000 ms). A backstop for HTTP stacks that miss
   * a connection closed mid-response (the GCS client's); the SDKs' own socket timeouts still apply.
   */
  stallTimeoutMs?: number;
}

/** What a driver factory gets after `openRemote` has resolved the common parts. */
export interface DriverContext {
  name: string;
  url: string;
  /** The validated section, `url` included. */
  section: Readonly<Record<string, unknown>> & { url: string };
  cwd: string;
  policy: RetryPolicy;
  env: Env;
  stallTimeoutMs: number;
}

/**
 * How many transfers run at once when the caller does not say (DVC's `jobs` overrides it).
 * Object stores are latency-bound, so they get DVC's 4 × CPUs, but at least 16 (a 2-core CI box
 * still has 16 requests in flight) and at most 64; a local folder gains little past 4 × CPUs.
 */
export function defaultJobsFor(
  kind: 'local' | 'http' | 'cloud',
  override: number | undefined,
): number {
  if (override !== undefined) return override;
  const cpus = availableParallelism();
  if (kind === 'local') return Math.max(4, Math.min(4 * cpus, 32));
  return Math.max(16, Math.min(4 * cpus, kind === 'http' ? 32 : 64));
}

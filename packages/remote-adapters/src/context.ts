import { availableParallelism } from 'node:os';
import type { RetryPolicy } from './retry.js';

/** Environment variables as drivers read them (process.env unless a caller passes its own). */
export type Env = Readonly<Record<string, string | undefined>>;

/** Options of `openRemote` and of each driver's `create…Remote`, beside the remote section. */
export interface OpenRemoteOptions {
  /**
   * Directory of the config file the section came from (`<repo>/.dvc` for `.dvc/config`):
   * relative local paths and `credentialpath` resolve against it, as in DVC.
   */
  cwd: string;
  /** Retry policy overrides (attempts, delays); the defaults suit real clouds. */
  retry?: Partial<RetryPolicy>;
  /** Environment to read credentials and Cairn switches from; defaults to `process.env`. */
  env?: Env;
}

/** What a driver factory gets after `openRemote` has validated the common parts. */
export interface DriverContext {
  name: string;
  cwd: string;
  policy: RetryPolicy;
  env: Env;
}

/** DVC's default parallelism for object stores is 4 × CPUs; local disks gain little past CPUs. */
export function defaultJobsFor(kind: 'local' | 'network', override: number | undefined): number {
  if (override !== undefined) return override;
  const cpus = availableParallelism();
  return kind === 'local' ? Math.max(2, Math.min(cpus, 16)) : Math.min(4 * cpus, 64);
}

import type { FaultOptions, FaultStats } from './faults.js';

/** What the parent asks the emulator host to start (argv[2], as JSON). */
export type HostStart = (
  | { kind: 'http'; user?: string; password?: string }
  | { kind: 'gcs'; bucket: string }
  | { kind: 's3'; bucket: string }
  | { kind: 'azure'; bucket: string }
) & { faults?: FaultOptions };

export type HostReady = { type: 'ready'; proxyPort: number; backendPort: number };

export type HostRequest =
  | { type: 'faults'; id: number; faults: FaultOptions }
  | { type: 'stats'; id: number }
  | { type: 'stop'; id: number };

export type HostResponse =
  | { type: 'ok'; id: number }
  | { type: 'stats'; id: number; stats: FaultStats }
  | { type: 'failed'; message: string };

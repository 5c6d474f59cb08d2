// Public API of @cairn/remote-adapters: explicit named exports only. The drivers live behind the
// subpaths `@cairn/remote-adapters/local`, `/http`, `/s3`, `/gcs`, `/azure`; `openRemote` imports
// the one a URL needs on demand, so importing this entry point loads no cloud SDK.
export type {
  RemoteBody,
  RemoteCallOptions,
  RemoteDriver,
  RemoteListEntry,
  RemoteObjectInfo,
  RemoteScheme,
  RemoteWriteOptions,
} from '@cairn/types';
export type { Env, OpenRemoteOptions } from './context.js';
export { RemoteErrorCode } from './errors.js';
export {
  chooseStrategy,
  type ExistenceStrategy,
  listRemoteOids,
  type RemoteQueryOptions,
  remoteHas,
} from './existence.js';
export { keyToOid, oidToKey } from './layout.js';
export { openRemote } from './open-remote.js';
export { checkRemoteSection, SECRET_OPTIONS } from './options.js';
export { REDACTED, redact } from './redact.js';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
export {
  fetchObjects,
  pushObjects,
  TransferErrorCode,
  type TransferFailure,
  type TransferOptions,
  type TransferSummary,
} from './transfer.js';

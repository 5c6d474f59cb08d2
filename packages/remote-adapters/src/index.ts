// Public API of @cairn/remote-adapters: explicit named exports only. The cloud drivers live behind
// the subpaths `@cairn/remote-adapters/s3`, `/gcs`, `/azure` (and `/local`, `/http`); `openRemote`
// imports them on demand, so importing this entry point loads no cloud SDK.
export type { DriverContext, Env, OpenRemoteOptions } from './context.js';
export {
  type Failure,
  type FailureKind,
  RemoteErrorCode,
} from './errors.js';
export { openRemote } from './open-remote.js';
export {
  AzureOptions,
  GcsOptions,
  HttpOptions,
  LocalOptions,
  parseRemoteOptions,
  remoteSchemeOf,
  S3Options,
  SECRET_OPTIONS,
} from './options.js';
export { REDACTED, Redactor, redact } from './redact.js';
export {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  isTransientNetworkError,
  isTransientStatus,
  RetryExhausted,
  type RetryOptions,
  type RetryPolicy,
  resolveRetryPolicy,
  withRetry,
} from './retry.js';

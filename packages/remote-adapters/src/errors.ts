import { CairnError, type CairnErrorCode, isCairnError } from '@cairn/types';
import type { Redactor } from './redact.js';

/** Every code this package throws; documented in the README. */
export const RemoteErrorCode = {
  /** The key (or the bucket/container it lives in) does not exist. */
  notFound: 'CAIRN_REMOTE_NOT_FOUND',
  /** Credentials missing, wrong or not allowed to do this. */
  auth: 'CAIRN_REMOTE_AUTH',
  /** The remote section is invalid: unknown option, bad value, unsupported URL. */
  config: 'CAIRN_REMOTE_CONFIG',
  /** The transfer failed (network, server error, short body) after the allowed retries. */
  io: 'CAIRN_REMOTE_IO',
  /** The backend cannot do this (listing a plain HTTP remote, deleting on a read-only server). */
  unsupported: 'CAIRN_REMOTE_UNSUPPORTED',
  /** The caller's AbortSignal fired. */
  aborted: 'CAIRN_REMOTE_ABORTED',
  /** A key that is not a clean relative posix path. */
  invalidKey: 'CAIRN_REMOTE_INVALID_KEY',
} as const satisfies Record<string, CairnErrorCode>;
export type RemoteErrorCode = (typeof RemoteErrorCode)[keyof typeof RemoteErrorCode];

/** How a driver judges a raw backend error. */
export type FailureKind = 'not-found' | 'auth' | 'transient' | 'unsupported' | 'config' | 'fatal';

export interface Failure {
  kind: FailureKind;
  /** Short description from the backend (status, error code, message); redacted before use. */
  detail: string;
}

const CODE_OF_KIND: Record<FailureKind, RemoteErrorCode> = {
  'not-found': RemoteErrorCode.notFound,
  auth: RemoteErrorCode.auth,
  transient: RemoteErrorCode.io,
  unsupported: RemoteErrorCode.unsupported,
  config: RemoteErrorCode.config,
  fatal: RemoteErrorCode.io,
};

const HINT_OF_KIND: Partial<Record<FailureKind, string>> = {
  auth: 'Check the credentials of this remote (usually in .dvc/config.local) and its permissions.',
  transient: 'The remote kept failing after retries; try again, or lower --jobs.',
};

/** Identifies the remote in messages: its name and its URL without secrets. */
export interface RemoteIdentity {
  name: string;
  displayUrl: string;
  redactor: Redactor;
}

export interface RemoteErrorOptions {
  key?: string;
  hint?: string;
  cause?: unknown;
  attempts?: number;
}

/**
 * A `CairnError` about one remote (and maybe one key). The message and the cause chain are
 * redacted: backend errors can echo URLs with SAS tokens or request headers, so the original
 * error object is replaced by a plain copy of its redacted name, code and message.
 */
export function remoteError(
  remote: RemoteIdentity,
  code: RemoteErrorCode,
  what: string,
  options: RemoteErrorOptions = {},
): CairnError {
  const subject = `remote "${remote.name}" (${remote.displayUrl})`;
  const message = remote.redactor.redact(`${subject}: ${what}`);
  const details: Record<string, unknown> = { remote: remote.name, url: remote.displayUrl };
  if (options.key !== undefined) details.key = options.key;
  if (options.attempts !== undefined) details.attempts = options.attempts;
  return new CairnError(code, message, {
    details,
    ...(options.hint === undefined ? {} : { hint: remote.redactor.redact(options.hint) }),
    ...(options.cause === undefined
      ? {}
      : { cause: sanitizeCause(options.cause, remote.redactor) }),
  });
}

/** Builds the error for a failure the driver classified; `op` is a verb phrase like `read`. */
export function failureError(
  remote: RemoteIdentity,
  op: string,
  key: string | undefined,
  failure: Failure,
  cause: unknown,
  attempts: number,
): CairnError {
  const target = key === undefined ? '' : ` ${key}`;
  const tries = attempts > 1 ? ` (after ${attempts} attempts)` : '';
  const what =
    failure.kind === 'not-found'
      ? `cannot ${op}${target}: not found (${failure.detail})`
      : `cannot ${op}${target}: ${failure.detail}${tries}`;
  const hint = HINT_OF_KIND[failure.kind];
  return remoteError(remote, CODE_OF_KIND[failure.kind], what, {
    ...(key === undefined ? {} : { key }),
    ...(hint === undefined ? {} : { hint }),
    cause,
    attempts,
  });
}

/** A redacted, plain copy of an error: keeps name, code, status and message, drops the rest. */
export function sanitizeCause(cause: unknown, redactor: Redactor): Error {
  if (isCairnError(cause)) return cause;
  const source = cause instanceof Error ? cause : new Error(String(cause));
  const copy = new Error(redactor.redact(source.message));
  copy.name = source.name;
  const { code } = source as { code?: unknown };
  if (typeof code === 'string') Object.assign(copy, { code });
  copy.stack = redactor.redact(`${source.name}: ${copy.message}`);
  return copy;
}

export function abortedError(remote: RemoteIdentity, op: string, key?: string): CairnError {
  return remoteError(remote, RemoteErrorCode.aborted, `${op}${key ? ` ${key}` : ''} was aborted`, {
    ...(key === undefined ? {} : { key }),
  });
}

import type { Readable } from 'node:stream';
import type { CairnError } from '@cairn/types';
import { isCairnError } from '@cairn/types';
import {
  abortedError,
  type Failure,
  failureError,
  RemoteErrorCode,
  type RemoteIdentity,
  remoteError,
} from './errors.js';
import { keyProblem } from './keys.js';
import { RetryExhausted, type RetryPolicy, withRetry } from './retry.js';

/**
 * What every driver shares: the remote's identity for messages, the retry policy, and the driver's
 * own classification of raw backend errors. `run` is the one place where an operation is retried
 * and where raw errors become `CairnError`s.
 */
export class DriverKit {
  constructor(
    readonly remote: RemoteIdentity,
    readonly policy: RetryPolicy,
    readonly classify: (error: unknown) => Failure,
  ) {}

  /** Throws `CAIRN_REMOTE_INVALID_KEY` unless `key` is a clean relative posix path. */
  checkKey(key: string): void {
    const problem = keyProblem(key);
    if (problem !== undefined) {
      throw remoteError(this.remote, RemoteErrorCode.invalidKey, `invalid key: ${problem}`, {
        key: String(key),
      });
    }
  }

  /**
   * Runs one operation with retries. `retry: false` for steps that must not be repeated (a body
   * stream that cannot be replayed). Rethrows Cairn errors as they are, turns the rest into one.
   */
  async run<T>(
    op: string,
    key: string | undefined,
    fn: (attempt: number) => Promise<T>,
    options: { signal?: AbortSignal | undefined; retry?: boolean } = {},
  ): Promise<T> {
    const { signal } = options;
    if (signal?.aborted) throw abortedError(this.remote, op, key);
    try {
      return await withRetry(fn, {
        policy: options.retry === false ? { ...this.policy, attempts: 1 } : this.policy,
        isRetryable: (error) => !isCairnError(error) && this.classify(error).kind === 'transient',
        signal,
      });
    } catch (error) {
      if (signal?.aborted) throw abortedError(this.remote, op, key);
      const attempts = error instanceof RetryExhausted ? error.attempts : 1;
      const last = error instanceof RetryExhausted ? error.lastError : error;
      throw this.toError(op, key, last, attempts);
    }
  }

  /** The CairnError for a raw failure of `op` on `key`. */
  toError(op: string, key: string | undefined, error: unknown, attempts = 1): CairnError {
    if (isCairnError(error)) return error;
    return failureError(this.remote, op, key, this.classify(error), error, attempts);
  }

  isTransient(error: unknown): boolean {
    return !isCairnError(error) && this.classify(error).kind === 'transient';
  }
}

/** Wires an AbortSignal to a stream: aborting destroys it with `CAIRN_REMOTE_ABORTED`. */
export function bindSignal(
  stream: Readable,
  signal: AbortSignal | undefined,
  onAbort: () => Error,
): Readable {
  if (!signal) return stream;
  const abort = () => {
    // No crash when nobody listens yet: the error stays in the stream for its consumer.
    stream.on('error', () => {});
    stream.destroy(onAbort());
  };
  if (signal.aborted) abort();
  else {
    signal.addEventListener('abort', abort, { once: true });
    stream.once('close', () => signal.removeEventListener('abort', abort));
  }
  return stream;
}

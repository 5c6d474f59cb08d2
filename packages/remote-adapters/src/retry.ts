/**
 * Retries with capped exponential backoff and full jitter (delay drawn uniformly from
 * [0, min(maxDelayMs, baseDelayMs · 2^n)]), so many parallel transfers that fail together do not
 * come back together. Only errors the caller classifies as transient are retried, a bounded number
 * of times, and only operations that are safe to repeat are wrapped in it.
 */

export interface RetryPolicy {
  /** Total tries, the first one included (≥ 1). */
  attempts: number;
  /** Backoff ceiling before the first retry, doubled for each further one. */
  baseDelayMs: number;
  /** Upper bound of one backoff. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  attempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
});

export function resolveRetryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...overrides };
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1) {
    throw new RangeError(`retry attempts must be an integer ≥ 1, got ${policy.attempts}`);
  }
  if (policy.baseDelayMs < 0 || policy.maxDelayMs < 0) {
    throw new RangeError('retry delays must not be negative');
  }
  return policy;
}

/** The backoff before retry number `retry` (1 for the first retry). */
export function backoffDelay(policy: RetryPolicy, retry: number, random = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

export interface RetryOptions {
  policy: RetryPolicy;
  /** True when the error may go away by itself (5xx, 429, connection reset, throttling). */
  isRetryable: (error: unknown) => boolean;
  signal?: AbortSignal | undefined;
  /** Called before each backoff; for logging and tests. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/** Thrown by `withRetry` when it gives up: the last error and how many tries were made. */
export class RetryExhausted extends Error {
  override readonly name = 'RetryExhausted';
  constructor(
    readonly lastError: unknown,
    readonly attempts: number,
  ) {
    super(lastError instanceof Error ? lastError.message : String(lastError), {
      cause: lastError,
    });
  }
}

/**
 * Runs `fn` until it succeeds, a non-retryable error occurs, or the attempts are used up; then
 * throws `RetryExhausted` carrying the last error. `fn` gets the 1-based attempt number.
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const { policy, isRetryable, signal } = options;
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (attempt >= policy.attempts || !isRetryable(error)) {
        throw new RetryExhausted(error, attempt);
      }
      const delay = backoffDelay(policy, attempt);
      options.onRetry?.(error, attempt, delay);
      await sleep(delay, signal);
    }
  }
}

/** setTimeout as a promise that rejects with the signal's reason when aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const TRANSIENT_NET_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ECONNABORTED',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
  'TimeoutError',
  'RequestTimeout',
]);

const TRANSIENT_MESSAGES = [
  /socket hang up/i,
  /\baborted\b/i,
  /premature close/i,
  /other side closed/i,
  /ECONNRESET|ETIMEDOUT|EPIPE/,
  /network (error|socket disconnected)/i,
  /timed? ?out/i,
];

/** HTTP statuses worth another try. */
export function isTransientStatus(status: number | undefined): boolean {
  return status !== undefined && (status === 408 || status === 429 || status >= 500);
}

/**
 * Network-level failures that a retry can fix, looked up along the `cause` chain (SDKs wrap the
 * socket error). Drivers add their SDK-specific signals (status codes, throttling names) on top.
 */
export function isTransientNetworkError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    if (typeof e !== 'object') return false;
    const { code, name, message, cause } = e as {
      code?: unknown;
      name?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string' && TRANSIENT_NET_CODES.has(code)) return true;
    if (typeof name === 'string' && TRANSIENT_NET_CODES.has(name)) return true;
    if (typeof message === 'string' && TRANSIENT_MESSAGES.some((re) => re.test(message))) {
      return true;
    }
    e = cause;
  }
  return false;
}

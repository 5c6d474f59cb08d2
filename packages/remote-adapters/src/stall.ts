/**
 * Watchdogs for transfers that stop making progress without failing. node-fetch 2, which the GCS
 * client sends every request through, never notices a response whose connection closes before
 * its announced length: the body neither ends nor errors, and the request hangs forever. A
 * watchdog turns such a stall into a transient error that is retried or resumed like any
 * dropped connection.
 */

/** How long a transfer may go without a byte moving before it is given up (default). */
export const DEFAULT_STALL_TIMEOUT_MS = 60_000;

/** A transfer made no progress for the stall timeout. Transient (`ETIMEDOUT`). */
export class StallError extends Error {
  override readonly name = 'StallError';
  readonly code = 'ETIMEDOUT';

  constructor(what: string, ms: number) {
    super(`${what} made no progress for ${ms} ms (timed out)`);
  }
}

/** True for a `StallError`, also when it is the cause (or a redacted copy) inside another error. */
export function isStall(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    if (typeof e !== 'object') return false;
    if ((e as { name?: unknown }).name === 'StallError') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** A timer that calls `onStall` unless it is `touch`ed (or stopped) within `ms` each time. */
export class Watchdog {
  #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly ms: number,
    readonly onStall: () => void,
  ) {}

  /** Progress: restart the countdown. */
  touch(): void {
    this.stop();
    this.#timer = setTimeout(this.onStall, this.ms);
    this.#timer.unref?.();
  }

  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/**
 * Runs `fn`, rejecting with a `StallError` if it has not settled after `ms`. What `fn` started is
 * abandoned, not cancelled: use it only around requests whose connection is already gone when
 * they stall.
 */
export async function withDeadline<T>(fn: () => Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new StallError(what, ms)), ms);
    timer.unref?.();
  });
  try {
    return await Promise.race([fn(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

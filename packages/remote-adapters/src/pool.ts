/**
 * Runs `fn` over `items` with at most `jobs` calls in flight. Items are taken in order; an
 * error thrown by `fn` stops the pool and is rethrown (callers that want to go on record
 * failures themselves). An aborted signal stops taking new items.
 */
export async function runPool<T>(
  items: Iterable<T>,
  jobs: number,
  fn: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const iterator = items[Symbol.iterator]();
  let failed = false;
  const worker = async () => {
    for (;;) {
      if (failed || signal?.aborted) return;
      const next = iterator.next();
      if (next.done) return;
      try {
        await fn(next.value);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, jobs) }, worker);
  const results = await Promise.allSettled(workers);
  for (const result of results) if (result.status === 'rejected') throw result.reason;
}

import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { DriverKit } from './driver-kit.js';
import { RemoteErrorCode, remoteError } from './errors.js';
import { Redactor } from './redact.js';
import { isTransientNetworkError } from './retry.js';
import { isStall, StallError, Watchdog, withDeadline } from './stall.js';
import { resilientRead } from './streams.js';

const remote = { name: 'r', displayUrl: 'mem://r', redactor: new Redactor() };
const kit = new DriverKit(remote, { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 }, () => ({
  kind: 'transient',
  detail: 'flaky',
}));

describe('stall watchdogs', () => {
  it('gives up a call that never settles with a transient StallError, found through causes', async () => {
    const error: unknown = await withDeadline(() => new Promise(() => {}), 20, 'write k').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StallError);
    expect((error as StallError).message).toBe('write k made no progress for 20 ms (timed out)');
    expect(isTransientNetworkError(error)).toBe(true);
    const wrapped = remoteError(remote, RemoteErrorCode.io, 'cannot write k', { cause: error });
    expect(isStall(wrapped)).toBe(true);
    expect(isStall(new Error('other'))).toBe(false);
    await expect(withDeadline(async () => 7, 20, 'x')).resolves.toBe(7);
  });

  it('fires only when not touched in time', () => {
    // Fake timers: with real ones, a loaded machine can delay a 10 ms sleep past 30 ms.
    vi.useFakeTimers();
    try {
      let fired = 0;
      const dog = new Watchdog(30, () => fired++);
      dog.touch();
      for (let i = 0; i < 4; i++) {
        vi.advanceTimersByTime(20);
        dog.touch();
      }
      expect(fired).toBe(0);
      vi.advanceTimersByTime(30);
      expect(fired).toBe(1);
      vi.advanceTimersByTime(100); // fires once per missed touch, not again
      expect(fired).toBe(1);
      dog.touch();
      dog.stop();
      vi.advanceTimersByTime(100);
      expect(fired).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('resumes a download whose body stops arriving without ending or failing', async () => {
    const content = Buffer.from('0123456789abcdefghij');
    const offsets: number[] = [];
    const body = await resilientRead(
      kit,
      'k',
      async (offset) => {
        offsets.push(offset);
        const stream = new PassThrough();
        if (offset === 0)
          stream.write(content.subarray(0, 8)); // then silence, like node-fetch 2
        else stream.end(content.subarray(offset));
        return { stream, size: content.length };
      },
      { canResume: true, stallTimeoutMs: 30 },
    );
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe(content.toString());
    expect(offsets).toEqual([0, 8]);
  });

  it('does not count the time the consumer takes', async () => {
    const body = await resilientRead(
      kit,
      'k',
      async () => {
        const stream = new PassThrough();
        stream.end(Buffer.alloc(3));
        return { stream, size: 3 };
      },
      { canResume: true, stallTimeoutMs: 20 },
    );
    let bytes = 0;
    for await (const chunk of body) {
      await new Promise((resolve) => setTimeout(resolve, 60));
      bytes += (chunk as Buffer).length;
    }
    expect(bytes).toBe(3);
  });
});

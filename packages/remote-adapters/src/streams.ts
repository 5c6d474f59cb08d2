import { Readable } from 'node:stream';
import { isCairnError, type RemoteBody } from '@cairn/types';
import type { DriverKit } from './driver-kit.js';
import { abortedError, RemoteErrorCode, remoteError } from './errors.js';
import { backoffDelay, type RetryPolicy, sleep } from './retry.js';
import { StallError, Watchdog } from './stall.js';

/** True when a failed upload of `body` can be started again from its first byte. */
export function isReplayable(body: RemoteBody): boolean {
  return typeof body === 'function' || body instanceof Uint8Array;
}

/** A fresh stream over the body (the stream itself when it was given as one). */
export function openBody(body: RemoteBody): Readable {
  if (typeof body === 'function') return body();
  if (body instanceof Uint8Array) {
    // An empty chunk in a byte stream reads as "nothing yet" and stalls it: send no chunk at all.
    const chunks =
      body.length === 0 ? [] : [Buffer.from(body.buffer, body.byteOffset, body.length)];
    return Readable.from(chunks, { objectMode: false });
  }
  return body;
}

/** A chunk of a byte stream as a Buffer (no copy). */
export function toBytes(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
  if (typeof chunk === 'string') return Buffer.from(chunk);
  throw new TypeError(`a remote body must yield bytes, got ${typeof chunk}`);
}

/**
 * Cuts a byte stream into buffers of exactly `size` bytes (the last one shorter). Always yields at
 * least one buffer, an empty one for an empty stream, so callers can treat "one chunk" as "one
 * request". With `buffers`, each full chunk is copied into a buffer of `size` bytes it supplies
 * (one the caller is done with), so a long upload does not leave a chunk of garbage per part.
 */
export async function* fixedChunks(
  source: AsyncIterable<unknown>,
  size: number,
  buffers?: () => Buffer,
): AsyncGenerator<Buffer, void, undefined> {
  let parts: Buffer[] = [];
  let length = 0;
  let yielded = false;
  const full = (pieces: Buffer[]) => {
    if (buffers === undefined) return Buffer.concat(pieces, size);
    const target = buffers();
    let at = 0;
    for (const piece of pieces) at += piece.copy(target, at);
    return target;
  };
  for await (const raw of source) {
    let buf = toBytes(raw);
    while (length + buf.length >= size) {
      const take = size - length;
      parts.push(buf.subarray(0, take));
      yield full(parts);
      yielded = true;
      parts = [];
      length = 0;
      buf = buf.subarray(take);
    }
    if (buf.length > 0) {
      parts.push(buf);
      length += buf.length;
    }
  }
  if (length > 0 || !yielded) yield Buffer.concat(parts, length);
}

/**
 * The first chunk of a body and whether more follow: the decision between one request and a
 * multipart/resumable/block upload. `rest` continues after `first` (and the peeked second chunk).
 */
export interface PeekedBody {
  first: Buffer;
  /** Undefined when the whole body fit in `first`. */
  rest: AsyncGenerator<Buffer, void, undefined> | undefined;
}

export async function peekBody(
  stream: Readable,
  chunkSize: number,
  buffers?: () => Buffer,
): Promise<PeekedBody> {
  const chunks = fixedChunks(stream, chunkSize, buffers);
  const first = await chunks.next();
  if (first.done) return { first: Buffer.alloc(0), rest: undefined };
  if (first.value.length < chunkSize) return { first: first.value, rest: undefined };
  const second = await chunks.next();
  if (second.done) return { first: first.value, rest: undefined };
  const secondChunk = second.value;
  async function* rest(): AsyncGenerator<Buffer, void, undefined> {
    yield secondChunk;
    yield* chunks;
  }
  return { first: first.value, rest: rest() };
}

/** Throws when a body's real length differs from the `size` the caller announced. */
export function checkBodySize(
  kit: DriverKit,
  key: string,
  actual: number,
  expected: number | undefined,
): void {
  if (expected !== undefined && actual !== expected) {
    throw remoteError(
      kit.remote,
      RemoteErrorCode.io,
      `cannot write ${key}: the body has ${actual} bytes, ${expected} were announced; nothing was stored`,
      { key },
    );
  }
}

/** One opened download: the body stream and what is known about the whole object. */
export interface OpenedRead {
  stream: Readable;
  /** Size of the whole object (not of this range), when the backend said so. */
  size: number | undefined;
  /** An ETag/generation that a resumed range request must match, so two versions never mix. */
  version?: string | undefined;
}

export interface ResilientReadOptions {
  signal?: AbortSignal | undefined;
  /** False when the backend cannot serve byte ranges: a broken transfer is then just an error. */
  canResume: boolean;
  /** How often and how patiently to resume (default: the kit's policy). */
  resumePolicy?: RetryPolicy;
  /**
   * Treat a body that delivers no byte for this long as broken (and resume it), for HTTP stacks
   * that miss a connection closed mid-body. Only counts while the consumer waits for data.
   */
  stallTimeoutMs?: number | undefined;
}

/**
 * Downloads through `open(offset, version)`. Opening is retried by the kit. When the body breaks
 * off mid-way (reset, timeout, or fewer bytes than announced), the download resumes at the
 * current offset with a range request, a bounded number of times; if it cannot finish, the
 * returned stream emits a `CAIRN_REMOTE_IO` error. It never ends early as if it were complete.
 */
export async function resilientRead(
  kit: DriverKit,
  key: string,
  open: (offset: number, version: string | undefined) => Promise<OpenedRead>,
  options: ResilientReadOptions,
): Promise<Readable> {
  const { signal } = options;
  // A body can fail before anyone reads it (a connection cut while the consumer is still
  // opening its file): the error must wait in the stream for the loop below, not crash.
  const opened = async (offset: number, version: string | undefined) => {
    const result = await open(offset, version);
    result.stream.on('error', () => {});
    return result;
  };
  const first = await kit.run('read', key, () => opened(0, undefined), { signal });
  const { size, version } = first;
  const policy = options.resumePolicy ?? kit.policy;
  const maxResumes = options.canResume ? policy.attempts * 4 : 0;

  async function* body(): AsyncGenerator<Buffer, void, undefined> {
    let current: OpenedRead = first;
    let offset = 0;
    let resumes = 0;
    let stalled = 0;
    try {
      for (;;) {
        const startedAt = offset;
        let failure: unknown;
        const stream = current.stream;
        const stallMs = options.stallTimeoutMs;
        const watchdog =
          stallMs === undefined
            ? undefined
            : new Watchdog(stallMs, () =>
                stream.destroy(new StallError(`reading ${key}`, stallMs)),
              );
        try {
          watchdog?.touch();
          for await (const raw of stream) {
            watchdog?.stop();
            const chunk = toBytes(raw);
            offset += chunk.length;
            if (size !== undefined && offset > size) {
              throw remoteError(
                kit.remote,
                RemoteErrorCode.io,
                `cannot read ${key}: received more than the ${size} bytes announced`,
                { key },
              );
            }
            yield chunk;
            watchdog?.touch();
          }
          watchdog?.stop();
          if (size === undefined || offset === size) return;
          failure = new Error(`body ended after ${offset} of ${size} bytes`);
        } catch (error) {
          if (signal?.aborted) throw abortedError(kit.remote, 'read', key);
          if (isCairnError(error)) throw error;
          failure = error;
        } finally {
          watchdog?.stop();
        }
        current.stream.destroy();
        stalled = offset > startedAt ? 1 : stalled + 1;
        // Any break in the body is worth a resume: the object is still there (we were reading
        // it), and a resume asks only for the missing bytes of the same version.
        const resumable =
          size !== undefined &&
          resumes < maxResumes &&
          stalled < policy.attempts &&
          !isCairnError(failure);
        if (!resumable) {
          throw remoteError(
            kit.remote,
            RemoteErrorCode.io,
            `cannot read ${key}: the transfer broke off after ${offset}${
              size === undefined ? '' : ` of ${size}`
            } bytes`,
            {
              key,
              cause: failure,
              hint: 'The partial download was discarded; try again.',
              attempts: resumes + 1,
            },
          );
        }
        resumes++;
        await sleep(backoffDelay(policy, stalled), signal).catch(() => {
          throw abortedError(kit.remote, 'read', key);
        });
        const at = offset;
        current = await kit.run('read', key, () => opened(at, version), { signal });
      }
    } finally {
      current.stream.destroy();
    }
  }

  const out = Readable.from(body(), { objectMode: false, highWaterMark: 1 << 20 });
  if (signal) {
    const abort = () => {
      // The consumer may not be attached yet (the abort came between `read` and the first
      // read): the error must then wait in the stream for it, not crash the process.
      out.on('error', () => {});
      out.destroy(abortedError(kit.remote, 'read', key));
    };
    signal.addEventListener('abort', abort, { once: true });
    out.once('close', () => signal.removeEventListener('abort', abort));
  }
  return out;
}

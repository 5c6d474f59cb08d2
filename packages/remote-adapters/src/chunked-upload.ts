import type { RemoteBody } from '@cairn/types';
import type { DriverKit } from './driver-kit.js';
import { checkBodySize, openBody, peekBody } from './streams.js';

/**
 * The backend steps of an upload that is either one request (small bodies) or a multi-part
 * upload that only becomes visible when committed (S3 multipart, Azure block blobs). Each step
 * gets whole buffers, so the kit can retry any of them on a transient failure.
 */
export interface ChunkedUploadSteps<Session, Part> {
  single(body: Buffer): Promise<void>;
  begin(): Promise<Session>;
  /** `index` starts at 0. */
  part(session: Session, index: number, body: Buffer): Promise<Part>;
  commit(session: Session, parts: Part[]): Promise<void>;
  /**
   * Whether a commit whose answer was lost stored the object after all; asked before a commit is
   * sent again. For backends where a repeated commit fails once the first one has landed (S3
   * implementations other than AWS answer it with NoSuchUpload or a 500). Without it, the commit
   * is simply repeated.
   */
  committed?(session: Session, parts: Part[]): Promise<boolean>;
  /** Best effort: leaves no parts behind; errors are ignored. */
  abort(session: Session): Promise<void>;
}

export interface ChunkedUploadOptions {
  partSize: number;
  /** Parts in flight for this one upload. */
  concurrency: number;
  /** Bytes the caller announced; a body of another length stores nothing. */
  size: number | undefined;
  signal: AbortSignal | undefined;
}

/**
 * Uploads `body` through `steps`: bodies that fit in one part go in one request, larger ones part
 * by part with at most `concurrency` parts (so `concurrency × partSize` bytes) in memory. If the
 * body fails or a part fails after its retries, the upload is aborted and nothing is stored.
 */
export async function chunkedUpload<Session, Part>(
  kit: DriverKit,
  key: string,
  body: RemoteBody,
  steps: ChunkedUploadSteps<Session, Part>,
  options: ChunkedUploadOptions,
): Promise<void> {
  const { signal, size } = options;
  const run = <T>(fn: () => Promise<T>) => kit.run('write', key, fn, { signal });
  if (body instanceof Uint8Array && body.length <= options.partSize) {
    checkBodySize(kit, key, body.length, size);
    const bytes = Buffer.from(body.buffer, body.byteOffset, body.length);
    return run(() => steps.single(bytes));
  }
  // Part buffers are reused once their part is stored: memory stays at about
  // (concurrency + 3) × partSize however large the body, with no garbage per part.
  const spare: Buffer[] = [];
  const owned = new WeakSet<Buffer>();
  const take = () => {
    const buffer = spare.pop() ?? Buffer.allocUnsafe(options.partSize);
    owned.add(buffer);
    return buffer;
  };
  const peeked = await kit.run(
    'write',
    key,
    () => peekBody(openBody(body), options.partSize, take),
    { signal, retry: false },
  );
  if (peeked.rest === undefined) {
    checkBodySize(kit, key, peeked.first.length, size);
    return run(() => steps.single(peeked.first));
  }
  const rest = peeked.rest;
  const session = await run(() => steps.begin());
  try {
    const parts: Part[] = [];
    const inFlight = new Set<Promise<void>>();
    let index = 0;
    let total = 0;
    let failure: unknown;
    const send = (chunk: Buffer) => {
      const at = index++;
      total += chunk.length;
      const sending = run(() => steps.part(session, at, chunk)).then(
        (part) => {
          parts[at] = part;
          if (owned.has(chunk)) spare.push(chunk);
        },
        (error: unknown) => {
          failure ??= error;
        },
      );
      const tracked = sending.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    };
    const chunks = (async function* () {
      yield peeked.first;
      yield* rest;
    })();
    for await (const chunk of chunks) {
      if (failure !== undefined) break;
      send(chunk);
      if (inFlight.size >= options.concurrency) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    if (failure !== undefined) throw failure;
    checkBodySize(kit, key, total, size);
    let sent = false;
    await run(async () => {
      if (sent && (await steps.committed?.(session, parts))) return;
      sent = true;
      await steps.commit(session, parts);
    });
  } catch (error) {
    await steps.abort(session).catch(() => {});
    throw kit.toError('write', key, error);
  }
}

import { isAbsolute, resolve } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type {
  RemoteBody,
  RemoteCallOptions,
  RemoteDriver,
  RemoteListEntry,
  RemoteObjectInfo,
  RemoteWriteOptions,
} from '@cairn/types';
import {
  type Bucket,
  type File,
  IdempotencyStrategy,
  Storage,
  type StorageOptions,
} from '@google-cloud/storage';
import { type DriverContext, defaultJobsFor } from '../context.js';
import { DriverKit } from '../driver-kit.js';
import type { Failure } from '../errors.js';
import { joinKey, keyUnder, trimSlashes } from '../keys.js';
import { type GcsOptions, parseRemoteOptions } from '../options.js';
import { Redactor } from '../redact.js';
import {
  isTransientNetworkError,
  isTransientStatus,
  RetryExhausted,
  type RetryPolicy,
  withRetry,
} from '../retry.js';
import { isStall, StallError, Watchdog, withDeadline } from '../stall.js';
import { checkBodySize, isReplayable, openBody, peekBody, resilientRead } from '../streams.js';

const MiB = 1 << 20;
/** Bodies up to one chunk go in one multipart request; larger ones resumable, chunk by chunk. */
const CHUNK_SIZE = 8 * MiB;
const LIST_PAGE = 1000;

function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown; response?: { status?: unknown } } | undefined)?.code;
  if (typeof code === 'number') return code;
  if (typeof code === 'string' && /^\d{3}$/.test(code)) return Number(code);
  const status = (error as { response?: { status?: unknown } } | undefined)?.response?.status;
  return typeof status === 'number' ? status : undefined;
}

function classifyGcs(error: unknown): Failure {
  const status = statusOf(error);
  const message =
    ((error as { message?: string } | undefined)?.message ?? String(error)).split('\n')[0] ?? '';
  const detail = `${status ? `HTTP ${status}: ` : ''}${message}`;
  if (status === 404) {
    return /bucket/i.test(message) && !/object/i.test(message)
      ? { kind: 'config', detail: `the bucket does not exist (${detail})` }
      : { kind: 'not-found', detail };
  }
  if (status === 401 || status === 403) return { kind: 'auth', detail };
  if (isTransientStatus(status) || isTransientNetworkError(error))
    return { kind: 'transient', detail };
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'ENOTFOUND' || code === 'ECONNREFUSED') return { kind: 'transient', detail };
  return { kind: 'fatal', detail };
}

/** `gs://bucket/prefix` → bucket and root prefix. */
export function parseGcsUrl(url: string): { bucket: string; root: string } {
  const match = /^(?:gs|gcs):\/\/([^/]+)(\/.*)?$/i.exec(url);
  return { bucket: match?.[1] ?? '', root: trimSlashes(decodeURIComponent(match?.[2] ?? '')) };
}

/**
 * Google Cloud Storage through `@google-cloud/storage`. Options as DVC names them:
 * `projectname`, `credentialpath` (a service-account JSON; otherwise Application Default
 * Credentials), and `endpointurl` for an emulator or a private endpoint (`STORAGE_EMULATOR_HOST`
 * is honoured too; custom endpoints get no auth unless `credentialpath` is set).
 *
 * Retries: the driver retries each request (with Cairn's policy, and a deadline per try: the
 * client's HTTP stack can hang on a response cut off mid-body, see stall.ts) and resumes broken
 * downloads. Resumable uploads of large objects go through a second client that retries by
 * itself, because only it can resume an upload chunk by chunk.
 */
export async function createGcsRemote(context: DriverContext): Promise<RemoteDriver> {
  const options = parseRemoteOptions(context, 'gs');
  const { bucket, root } = parseGcsUrl(context.url);
  const redactor = new Redactor();
  const displayUrl = redactor.redact(context.url);
  const kit = new DriverKit(
    { name: context.name, displayUrl, redactor },
    context.policy,
    classifyGcs,
  );
  const plain = new Storage(storageOptions(options, context, false));
  const resumable = new Storage(storageOptions(options, context, true));
  const jobs = defaultJobsFor('cloud', options.jobs);
  return new GcsRemote(
    context.name,
    displayUrl,
    root,
    kit,
    { plain: plain.bucket(bucket), resumable: resumable.bucket(bucket) },
    jobs,
    context.policy,
    context.stallTimeoutMs,
  );
}

function storageOptions(
  options: GcsOptions,
  context: DriverContext,
  clientRetries: boolean,
): StorageOptions {
  const endpoint = options.endpointurl ?? context.env.STORAGE_EMULATOR_HOST;
  const policy = context.policy;
  const keyFilename =
    options.credentialpath === undefined
      ? undefined
      : isAbsolute(options.credentialpath)
        ? options.credentialpath
        : resolve(context.cwd, options.credentialpath);
  return {
    ...(options.projectname === undefined ? {} : { projectId: options.projectname }),
    ...(keyFilename === undefined ? {} : { keyFilename }),
    ...(endpoint === undefined
      ? {}
      : {
          apiEndpoint: /^https?:\/\//i.test(endpoint) ? endpoint : `http://${endpoint}`,
          useAuthWithCustomEndpoint: keyFilename !== undefined,
        }),
    retryOptions: {
      autoRetry: clientRetries && policy.attempts > 1,
      maxRetries: Math.max(1, policy.attempts - 1),
      retryDelayMultiplier: 2,
      maxRetryDelay: Math.max(1, policy.maxDelayMs / 1000),
      totalTimeout: 600,
      // Objects are content-addressed: writing one again writes the same bytes.
      idempotencyStrategy: IdempotencyStrategy.RetryAlways,
      retryableErrorFn: (error) =>
        isTransientStatus(statusOf(error)) || isTransientNetworkError(error),
    },
  };
}

class GcsRemote implements RemoteDriver {
  readonly scheme = 'gs' as const;
  readonly canList = true;

  constructor(
    readonly name: string,
    readonly displayUrl: string,
    readonly root: string,
    readonly kit: DriverKit,
    readonly buckets: { plain: Bucket; resumable: Bucket },
    readonly defaultJobs: number,
    readonly policy: RetryPolicy,
    readonly stallMs: number,
  ) {}

  /** One client call, retried by the kit; a try that stalls is given up after the deadline. */
  #call<T>(
    op: string,
    key: string,
    fn: () => Promise<T>,
    signal: AbortSignal | undefined,
    deadlineMs = this.stallMs,
  ): Promise<T> {
    return this.kit.run(op, key, () => withDeadline(fn, deadlineMs, `${op} ${key}`), { signal });
  }

  async #retryStalls<T>(fn: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    try {
      return await withRetry(fn, { policy: this.policy, isRetryable: isStall, signal });
    } catch (error) {
      throw error instanceof RetryExhausted ? error.lastError : error;
    }
  }

  /** The object through the client that does not retry (the kit does). */
  #file(key: string, generation?: string): File {
    this.kit.checkKey(key);
    return this.buckets.plain.file(joinKey(this.root, key), generation ? { generation } : {});
  }

  async exists(key: string, options?: RemoteCallOptions): Promise<boolean> {
    const file = this.#file(key);
    return this.#call('check', key, async () => (await file.exists())[0], options?.signal);
  }

  async stat(key: string, options?: RemoteCallOptions): Promise<RemoteObjectInfo> {
    const file = this.#file(key);
    return this.#call(
      'stat',
      key,
      async () => {
        const [metadata] = await file.getMetadata();
        return {
          size: Number(metadata.size ?? 0),
          ...(metadata.updated ? { mtime: new Date(metadata.updated) } : {}),
        };
      },
      options?.signal,
    );
  }

  async *list(prefix: string, options?: RemoteCallOptions): AsyncIterable<RemoteListEntry> {
    const full = this.root === '' ? prefix : `${this.root}/${prefix}`;
    let token: string | undefined;
    do {
      const at = token;
      const [files, next] = await this.#call(
        'list',
        prefix,
        () =>
          this.buckets.plain.getFiles({
            prefix: full,
            autoPaginate: false,
            maxResults: LIST_PAGE,
            ...(at ? { pageToken: at } : {}),
          }),
        options?.signal,
      );
      for (const file of files) {
        const key = keyUnder(this.root, file.name);
        if (key !== undefined && key !== '') {
          const size = file.metadata.size;
          yield { key, ...(size === undefined ? {} : { size: Number(size) }) };
        }
      }
      token = (next as { pageToken?: string } | null | undefined)?.pageToken;
    } while (token !== undefined);
  }

  async read(key: string, options?: RemoteCallOptions): Promise<Readable> {
    const signal = options?.signal;
    this.kit.checkKey(key);
    return resilientRead(
      this.kit,
      key,
      async (offset, generation) => {
        const stream = this.#file(key, generation).createReadStream({
          validation: false,
          decompress: false,
          ...(offset > 0 ? { start: offset } : {}),
        });
        // The request starts on the first read; wait for its answer so that "not found" is
        // thrown here, not emitted later by the stream.
        const headers = await new Promise<Record<string, string | string[] | undefined>>(
          (resolve, reject) => {
            stream.once('error', reject);
            stream.once(
              'response',
              (response: {
                statusCode?: number;
                status?: number;
                headers: Record<string, string>;
              }) => {
                const status = response.statusCode ?? response.status ?? 0;
                if (status >= 200 && status < 300) {
                  stream.off('error', reject);
                  resolve(response.headers);
                }
              },
            );
            stream.read(0);
          },
        );
        const header = (name: string) => {
          const value = headers[name];
          return Array.isArray(value) ? value[0] : value;
        };
        const total = /\/(\d+)$/.exec(header('content-range') ?? '')?.[1];
        const length = header('x-goog-stored-content-length') ?? header('content-length');
        const size =
          total !== undefined ? Number(total) : length !== undefined ? Number(length) : undefined;
        return { stream, size, version: header('x-goog-generation') };
      },
      { signal, canResume: true, resumePolicy: this.policy, stallTimeoutMs: this.stallMs },
    );
  }

  async write(key: string, body: RemoteBody, options?: RemoteWriteOptions): Promise<void> {
    const signal = options?.signal;
    this.kit.checkKey(key);
    const size = body instanceof Uint8Array ? body.length : options?.size;
    // Small bodies go in one request that the kit retries; a resumable upload that stalled is
    // sent again from its first byte when the body can be replayed.
    if (!isReplayable(body) || (size !== undefined && size <= CHUNK_SIZE)) {
      return this.#writeOnce(key, body, options);
    }
    await this.kit.run(
      'write',
      key,
      () => this.#retryStalls(() => this.#writeOnce(key, body, options), signal),
      { signal, retry: false },
    );
  }

  async #writeOnce(key: string, body: RemoteBody, options?: RemoteWriteOptions): Promise<void> {
    const signal = options?.signal;
    const size = options?.size;
    const file = this.#file(key);
    const metadata = { contentType: 'application/octet-stream' };
    const peeked =
      body instanceof Uint8Array
        ? { first: Buffer.from(body.buffer, body.byteOffset, body.length), rest: undefined }
        : await this.kit.run('write', key, () => peekBody(openBody(body), CHUNK_SIZE), {
            signal,
            retry: false,
          });
    if (peeked.rest === undefined && peeked.first.length <= CHUNK_SIZE) {
      checkBodySize(this.kit, key, peeked.first.length, size);
      const bytes = peeked.first;
      await this.#call(
        'write',
        key,
        () => file.save(bytes, { resumable: false, validation: 'md5', metadata }),
        signal,
        this.#sendingMs(bytes.length),
      );
      return;
    }
    const rest = peeked.rest;
    const kit = this.kit;
    // Resumable upload, one chunk per request; the object appears when the last chunk lands.
    // A body that fails, or does not have the announced length, errors before the last chunk.
    const target = this.buckets.resumable.file(joinKey(this.root, key)).createWriteStream({
      resumable: true,
      chunkSize: CHUNK_SIZE,
      validation: 'md5',
      metadata,
    });
    const stallMs = this.#sendingMs(CHUNK_SIZE);
    const watchdog = new Watchdog(stallMs, () =>
      target.destroy(new StallError(`write ${key}`, stallMs)),
    );
    target.on('progress', () => watchdog.touch());
    let total = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        watchdog.touch();
        total += chunk.length;
        callback(null, chunk);
      },
      flush(callback) {
        watchdog.touch();
        try {
          checkBodySize(kit, key, total, size);
          callback();
        } catch (error) {
          callback(error as Error);
        }
      },
    });
    const source = Readable.from(
      (async function* () {
        yield peeked.first;
        if (rest) yield* rest;
      })(),
      { objectMode: false },
    );
    watchdog.touch();
    try {
      await this.kit.run(
        'write',
        key,
        () => pipeline(source, counted, target, ...(signal ? [{ signal }] : [])),
        { signal, retry: false },
      );
    } finally {
      watchdog.stop();
    }
  }

  /** How long sending `bytes` in one request may take: the stall timeout plus 256 KiB/s. */
  #sendingMs(bytes: number): number {
    return this.stallMs + Math.ceil(bytes / 256);
  }

  async delete(key: string, options?: RemoteCallOptions): Promise<void> {
    const file = this.#file(key);
    await this.#call(
      'delete',
      key,
      async () => {
        await file.delete({ ignoreNotFound: true });
      },
      options?.signal,
    );
  }

  async dispose(): Promise<void> {}
}

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
import { isTransientNetworkError, isTransientStatus, type RetryPolicy } from '../retry.js';
import { checkBodySize, openBody, peekBody, resilientRead } from '../streams.js';

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
 * Retries: the client retries each request itself (it has to, to resume a resumable upload
 * chunk by chunk), with Cairn's attempt count and transient-error rule; the driver adds the
 * resumption of broken downloads.
 */
export async function createGcsRemote(context: DriverContext): Promise<RemoteDriver> {
  const options = parseRemoteOptions(context, 'gs');
  const { bucket, root } = parseGcsUrl(context.url);
  const redactor = new Redactor();
  const displayUrl = redactor.redact(context.url);
  // The client retries; the kit only classifies and names errors.
  const kit = new DriverKit(
    { name: context.name, displayUrl, redactor },
    { ...context.policy, attempts: 1 },
    classifyGcs,
  );
  const storage = new Storage(storageOptions(options, context));
  const jobs = defaultJobsFor('cloud', options.jobs);
  return new GcsRemote(
    context.name,
    displayUrl,
    root,
    kit,
    storage.bucket(bucket),
    jobs,
    context.policy,
  );
}

function storageOptions(options: GcsOptions, context: DriverContext): StorageOptions {
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
      autoRetry: policy.attempts > 1,
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
    readonly bucket: Bucket,
    readonly defaultJobs: number,
    readonly policy: RetryPolicy,
  ) {}

  #file(key: string, generation?: string): File {
    this.kit.checkKey(key);
    return this.bucket.file(joinKey(this.root, key), generation ? { generation } : {});
  }

  async exists(key: string, options?: RemoteCallOptions): Promise<boolean> {
    const file = this.#file(key);
    return this.kit.run('check', key, async () => (await file.exists())[0], {
      signal: options?.signal,
    });
  }

  async stat(key: string, options?: RemoteCallOptions): Promise<RemoteObjectInfo> {
    const file = this.#file(key);
    return this.kit.run(
      'stat',
      key,
      async () => {
        const [metadata] = await file.getMetadata();
        return {
          size: Number(metadata.size ?? 0),
          ...(metadata.updated ? { mtime: new Date(metadata.updated) } : {}),
        };
      },
      { signal: options?.signal },
    );
  }

  async *list(prefix: string, options?: RemoteCallOptions): AsyncIterable<RemoteListEntry> {
    const full = this.root === '' ? prefix : `${this.root}/${prefix}`;
    let token: string | undefined;
    do {
      const at = token;
      const [files, next] = await this.kit.run(
        'list',
        prefix,
        () =>
          this.bucket.getFiles({
            prefix: full,
            autoPaginate: false,
            maxResults: LIST_PAGE,
            ...(at ? { pageToken: at } : {}),
          }),
        { signal: options?.signal },
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
      { signal, canResume: true, resumePolicy: this.policy },
    );
  }

  async write(key: string, body: RemoteBody, options?: RemoteWriteOptions): Promise<void> {
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
      await this.kit.run(
        'write',
        key,
        () => file.save(peeked.first, { resumable: false, validation: 'md5', metadata }),
        {
          signal,
        },
      );
      return;
    }
    const rest = peeked.rest;
    const kit = this.kit;
    // Resumable upload, one chunk per request; the object appears when the last chunk lands.
    // A body that fails, or does not have the announced length, errors before the last chunk.
    let total = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        total += chunk.length;
        callback(null, chunk);
      },
      flush(callback) {
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
    await this.kit.run(
      'write',
      key,
      () =>
        pipeline(
          source,
          counted,
          file.createWriteStream({
            resumable: true,
            chunkSize: CHUNK_SIZE,
            validation: 'md5',
            metadata,
          }),
          ...(signal ? [{ signal }] : []),
        ),
      { signal, retry: false },
    );
  }

  async delete(key: string, options?: RemoteCallOptions): Promise<void> {
    const file = this.#file(key);
    await this.kit.run(
      'delete',
      key,
      async () => {
        await file.delete({ ignoreNotFound: true });
      },
      { signal: options?.signal },
    );
  }

  async dispose(): Promise<void> {}
}

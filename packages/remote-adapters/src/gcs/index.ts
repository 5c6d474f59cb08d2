import type { IncomingMessage } from 'node:http';
import { isAbsolute, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type {
  RemoteBody,
  RemoteCallOptions,
  RemoteDriver,
  RemoteListEntry,
  RemoteObjectInfo,
  RemoteWriteOptions,
} from '@cairn/types';
import { type Bucket, type File, Storage, type StorageOptions } from '@google-cloud/storage';
import { chunkedUpload } from '../chunked-upload.js';
import { type DriverContext, defaultJobsFor } from '../context.js';
import { DriverKit } from '../driver-kit.js';
import type { Failure } from '../errors.js';
import { drain, HttpClient } from '../http/client.js';
import { joinKey, keyUnder, trimSlashes } from '../keys.js';
import { type GcsOptions, parseRemoteOptions } from '../options.js';
import { Redactor } from '../redact.js';
import { isTransientNetworkError, isTransientStatus, type RetryPolicy } from '../retry.js';
import { withDeadline } from '../stall.js';
import { resilientRead } from '../streams.js';

const MiB = 1 << 20;
/** Bodies up to one chunk go in one multipart request; larger ones resumable, chunk by chunk. */
const CHUNK_SIZE = 8 * MiB;
const LIST_PAGE = 1000;

/** A resumable upload in progress: its session URI and what the server is known to hold. */
interface UploadSession {
  uri: URL;
  persisted: number;
  /** Bytes handed to the session so far (the total once the body ended). */
  total: number;
  /** A request failed midway: ask the server for its offset before sending more. */
  unsure: boolean;
}

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
 * downloads. Objects larger than one chunk go up through a resumable session driven here, one
 * chunk per request: a failed chunk is retried from the bytes the server says it holds, and the
 * object only appears with the last request, so a failed upload leaves nothing behind.
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
  const storage = new Storage(storageOptions(options, context));
  const jobs = defaultJobsFor('cloud', options.jobs);
  return new GcsRemote(
    context.name,
    displayUrl,
    root,
    kit,
    storage.bucket(bucket),
    // The client sends no credentials to a custom endpoint without a key; nor do we.
    endpointOf(options, context) === undefined || options.credentialpath !== undefined,
    jobs,
    context.policy,
    context.stallTimeoutMs,
  );
}

function endpointOf(options: GcsOptions, context: DriverContext): string | undefined {
  return options.endpointurl ?? context.env.STORAGE_EMULATOR_HOST;
}

function storageOptions(options: GcsOptions, context: DriverContext): StorageOptions {
  const endpoint = endpointOf(options, context);
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
    // The kit retries every request, with Cairn's policy, and resumable uploads chunk by chunk.
    retryOptions: { autoRetry: false },
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
    readonly authenticated: boolean,
    readonly defaultJobs: number,
    readonly policy: RetryPolicy,
    readonly stallMs: number,
  ) {}

  /** Clients for resumable-session requests, by protocol (http, https), made on first use. */
  readonly #http: [HttpClient | undefined, HttpClient | undefined] = [undefined, undefined];

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

  /** The object; the client does not retry (the kit does). */
  #file(key: string, generation?: string): File {
    this.kit.checkKey(key);
    return this.bucket.file(joinKey(this.root, key), generation ? { generation } : {});
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
          this.bucket.getFiles({
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
    const file = this.#file(key);
    const metadata = { contentType: 'application/octet-stream' };
    await chunkedUpload(
      this.kit,
      key,
      body,
      {
        single: (bytes) =>
          withDeadline(
            () => file.save(bytes, { resumable: false, validation: 'md5', metadata }),
            this.#sendingMs(bytes.length),
            `write ${key}`,
          ),
        begin: async () => {
          const [uri] = await withDeadline(
            () => file.createResumableUpload({ metadata }),
            this.stallMs,
            `write ${key}`,
          );
          return { uri: new URL(uri), persisted: 0, total: 0, unsure: false };
        },
        part: (session, index, bytes) =>
          this.#sendChunk(session, index * CHUNK_SIZE, bytes, signal),
        commit: (session) => this.#finishUpload(session, signal),
        abort: async (session) => {
          const response = await this.#session(session, 'DELETE', undefined, signal);
          await drain(response);
        },
      },
      // One chunk at a time: a resumable session takes its bytes in order.
      { partSize: CHUNK_SIZE, concurrency: 1, size: options?.size, signal },
    );
  }

  /**
   * Sends the bytes of one chunk the server does not hold yet (after a failed try it is asked
   * first: a request cut off midway may have left part of the chunk there).
   */
  async #sendChunk(
    session: UploadSession,
    start: number,
    bytes: Buffer,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const end = start + bytes.length;
    session.total = Math.max(session.total, end);
    if (session.unsure) {
      const status = await this.#session(session, 'PUT', 'bytes */*', signal);
      await drain(status);
      this.#learnOffset(session, status);
      session.unsure = false;
    }
    if (session.persisted >= end) return;
    if (session.persisted < start) {
      throw new Error(`the upload session holds ${session.persisted} bytes, expected ${start}`);
    }
    const from = session.persisted;
    try {
      const response = await this.#session(
        session,
        'PUT',
        `bytes ${from}-${end - 1}/*`,
        signal,
        bytes.subarray(from - start),
      );
      await drain(response);
      this.#learnOffset(session, response);
    } catch (error) {
      session.unsure = true;
      throw error;
    }
  }

  /** The final empty request that names the total size: the object appears with its answer. */
  async #finishUpload(session: UploadSession, signal: AbortSignal | undefined): Promise<void> {
    const response = await this.#session(session, 'PUT', `bytes */${session.total}`, signal);
    await drain(response);
    if (response.statusCode === 308) {
      this.#learnOffset(session, response);
      session.unsure = true;
      throw new Error(`the upload session holds ${session.persisted} of ${session.total} bytes`);
    }
  }

  /** Reads the persisted size from a `308` answer (`Range: bytes=0-N`; no header: nothing). */
  #learnOffset(session: UploadSession, response: IncomingMessage): void {
    if (response.statusCode !== 308) return;
    const range = /^bytes=0-(\d+)$/.exec(String(response.headers.range ?? ''));
    session.persisted = range ? Number(range[1]) + 1 : 0;
  }

  /** One request to a resumable session URI; statuses other than 2xx and 308 throw. */
  async #session(
    session: UploadSession,
    method: 'PUT' | 'DELETE',
    contentRange: string | undefined,
    signal: AbortSignal | undefined,
    body: Buffer = Buffer.alloc(0),
  ): Promise<IncomingMessage> {
    const https = session.uri.protocol === 'https:';
    const slot = https ? 1 : 0;
    this.#http[slot] ??= new HttpClient({
      https,
      maxSockets: this.defaultJobs,
      verify: true,
      connectTimeoutMs: this.stallMs,
      readTimeoutMs: this.#sendingMs(CHUNK_SIZE),
    });
    const headers: Record<string, string> = {
      ...(await this.#authHeaders()),
      'content-length': String(body.length),
      ...(contentRange ? { 'content-range': contentRange } : {}),
    };
    const client = this.#http[slot] as HttpClient;
    const response = await client.send({ method, url: session.uri, headers, body, signal });
    const status = response.statusCode ?? 0;
    // 499: the answer to a cancelled session.
    if (
      (status >= 200 && status < 300) ||
      status === 308 ||
      (method === 'DELETE' && status === 499)
    ) {
      return response;
    }
    await drain(response);
    throw Object.assign(new Error(`HTTP ${status} ${response.statusMessage ?? ''}`.trim()), {
      code: status,
    });
  }

  /** The client's credentials, unless it sends none (an emulator endpoint without a key). */
  async #authHeaders(): Promise<Record<string, string>> {
    if (!this.authenticated) return {};
    const headers: unknown = await this.bucket.storage.authClient.getRequestHeaders();
    return headers instanceof Headers
      ? Object.fromEntries(headers.entries())
      : (headers as Record<string, string>);
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

  async dispose(): Promise<void> {
    for (const client of this.#http) client?.dispose();
  }
}

import { readFileSync } from 'node:fs';
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
import { type DriverContext, defaultJobsFor } from '../context.js';
import { DriverKit } from '../driver-kit.js';
import { type Failure, RemoteErrorCode, remoteError } from '../errors.js';
import { type HttpOptions, parseRemoteOptions } from '../options.js';
import { Redactor } from '../redact.js';
import { isTransientNetworkError, isTransientStatus } from '../retry.js';
import { checkBodySize, isReplayable, openBody, resilientRead } from '../streams.js';
import { drain, HttpClient, HttpStatusError } from './client.js';

/** Bodies up to this size are buffered, so a failed upload can be retried even from a stream. */
const BUFFER_LIMIT = 8 << 20;

function classifyHttp(error: unknown): Failure {
  if (error instanceof HttpStatusError) {
    const detail = `HTTP ${error.status}${error.statusText ? ` ${error.statusText}` : ''}`;
    if (error.status === 404 || error.status === 410) return { kind: 'not-found', detail };
    if (error.status === 401 || error.status === 403) return { kind: 'auth', detail };
    if (error.status === 405 || error.status === 501) {
      return {
        kind: 'unsupported',
        detail: `${detail}: the server does not allow ${error.method}`,
      };
    }
    if (isTransientStatus(error.status)) return { kind: 'transient', detail };
    return { kind: 'fatal', detail };
  }
  const message = error instanceof Error ? error.message : String(error);
  if (isTransientNetworkError(error)) return { kind: 'transient', detail: message };
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'ENOTFOUND' || code === 'ECONNREFUSED')
    return { kind: 'transient', detail: message };
  return { kind: 'fatal', detail: message };
}

/**
 * DVC's HTTP remote (dvc-http): objects are plain URLs under the remote URL, read with GET (and
 * `Range` to resume), checked with HEAD, uploaded with POST (DVC's default) or PUT (`method`),
 * removed with DELETE where the server allows it. It cannot list, so existence is checked one
 * HEAD per object. Auth: `auth = basic` with `user`/`password` (or `user:password@` in the URL),
 * or `auth = custom` with `custom_auth_header` carrying `password`.
 */
export async function createHttpRemote(context: DriverContext): Promise<RemoteDriver> {
  const options = parseRemoteOptions(context, context.url.startsWith('https') ? 'https' : 'http');
  const url = new URL(context.url);
  const urlUser = decodeURIComponent(url.username);
  const urlPassword = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  const user = options.user ?? (urlUser || undefined);
  const password = options.password ?? (urlPassword || undefined);
  const redactor = new Redactor([password, urlPassword]);
  const displayUrl = redactor.redact(context.url);
  const identity = { name: context.name, displayUrl, redactor };
  if (options.ask_password === true && password === undefined) {
    throw remoteError(
      identity,
      RemoteErrorCode.config,
      'ask_password needs a terminal prompt, which a library cannot show',
      {
        hint: 'Set the password with `dvc remote modify --local <name> password <password>`.',
      },
    );
  }
  const headers: Record<string, string> = { 'user-agent': 'cairn' };
  const auth = options.auth ?? (user !== undefined ? 'basic' : undefined);
  if (auth === 'basic' && user !== undefined) {
    const token = Buffer.from(`${user}:${password ?? ''}`).toString('base64');
    headers.authorization = `Basic ${token}`;
  } else if (auth === 'custom' && options.custom_auth_header) {
    headers[options.custom_auth_header.toLowerCase()] = password ?? '';
  }
  const jobs = defaultJobsFor('http', options.jobs);
  const client = new HttpClient({
    https: url.protocol === 'https:',
    maxSockets: Math.max(jobs * 2, 16),
    verify: sslVerify(options.ssl_verify, context.cwd),
    connectTimeoutMs: (options.connect_timeout ?? 60) * 1000,
    readTimeoutMs: (options.read_timeout ?? 60) * 1000,
  });
  const kit = new DriverKit(identity, context.policy, classifyHttp);
  const method = (options.method ?? 'POST').toUpperCase();
  return new HttpRemote(context.name, url, displayUrl, kit, client, headers, method, jobs);
}

function sslVerify(value: HttpOptions['ssl_verify'], cwd: string): boolean | string {
  if (value === undefined || typeof value === 'boolean') return value ?? true;
  return readFileSync(isAbsolute(value) ? value : resolve(cwd, value), 'utf8');
}

class HttpRemote implements RemoteDriver {
  readonly scheme: 'http' | 'https';
  readonly canList = false;

  constructor(
    readonly name: string,
    readonly root: URL,
    readonly displayUrl: string,
    readonly kit: DriverKit,
    readonly client: HttpClient,
    readonly headers: Record<string, string>,
    readonly method: string,
    readonly defaultJobs: number,
  ) {
    this.scheme = root.protocol === 'https:' ? 'https' : 'http';
  }

  #url(key: string): URL {
    this.kit.checkKey(key);
    const url = new URL(this.root);
    const base = url.pathname.replace(/\/+$/, '');
    url.pathname = `${base}/${key.split('/').map(encodeURIComponent).join('/')}`;
    return url;
  }

  async #head(key: string, signal: AbortSignal | undefined) {
    const url = this.#url(key);
    const response = await this.client.send({ method: 'HEAD', url, headers: this.headers, signal });
    await drain(response);
    return response;
  }

  async exists(key: string, options?: RemoteCallOptions): Promise<boolean> {
    const signal = options?.signal;
    return this.kit.run(
      'check',
      key,
      async () => {
        const response = await this.#head(key, signal);
        const status = response.statusCode ?? 0;
        if (status === 404 || status === 410) return false;
        if (status >= 200 && status < 300) return true;
        throw new HttpStatusError(status, response.statusMessage ?? '', 'HEAD');
      },
      { signal },
    );
  }

  async stat(key: string, options?: RemoteCallOptions): Promise<RemoteObjectInfo> {
    const signal = options?.signal;
    return this.kit.run(
      'stat',
      key,
      async () => {
        const response = await this.#head(key, signal);
        const status = response.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          throw new HttpStatusError(status, response.statusMessage ?? '', 'HEAD');
        }
        const modified = response.headers['last-modified'];
        return {
          size: Number(response.headers['content-length'] ?? 0),
          ...(modified ? { mtime: new Date(modified) } : {}),
        };
      },
      { signal },
    );
  }

  // biome-ignore lint/correctness/useYield: a listing is refused before the first entry
  async *list(prefix: string, _options?: RemoteCallOptions): AsyncIterable<RemoteListEntry> {
    throw remoteError(
      this.kit.remote,
      RemoteErrorCode.unsupported,
      `cannot list ${prefix || 'the remote'}: an HTTP remote has no listing`,
      {
        hint: 'Check objects one by one (exists) instead.',
      },
    );
  }

  async read(key: string, options?: RemoteCallOptions): Promise<Readable> {
    const url = this.#url(key);
    const signal = options?.signal;
    return resilientRead(
      this.kit,
      key,
      async (offset) => {
        const headers = offset > 0 ? { ...this.headers, range: `bytes=${offset}-` } : this.headers;
        const response = await this.client.send({ method: 'GET', url, headers, signal });
        const status = response.statusCode ?? 0;
        if (status === 200 && offset === 0) {
          const length = response.headers['content-length'];
          return { stream: response, size: length === undefined ? undefined : Number(length) };
        }
        if (status === 206 && offset > 0) {
          const total = /\/(\d+)$/.exec(response.headers['content-range'] ?? '')?.[1];
          return { stream: response, size: total === undefined ? undefined : Number(total) };
        }
        await drain(response);
        if (status === 200) {
          // The server ignored the range: resuming is not possible.
          throw new HttpStatusError(416, 'range not honoured', 'GET');
        }
        throw new HttpStatusError(status, response.statusMessage ?? '', 'GET');
      },
      { signal, canResume: true },
    );
  }

  async write(key: string, body: RemoteBody, options?: RemoteWriteOptions): Promise<void> {
    const url = this.#url(key);
    const signal = options?.signal;
    const size = options?.size;
    // A stream given once can only be retried if it is small enough to keep in memory.
    let source = body;
    if (!isReplayable(body) && size !== undefined && size <= BUFFER_LIMIT) {
      source = await this.kit.run('write', key, () => bufferBody(openBody(body)), {
        signal,
        retry: false,
      });
    }
    await this.kit.run(
      'write',
      key,
      async () => {
        const payload = source instanceof Uint8Array ? Buffer.from(source) : openBody(source);
        if (Buffer.isBuffer(payload)) checkBodySize(this.kit, key, payload.length, size);
        const headers: Record<string, string> = {
          ...this.headers,
          'content-type': 'application/octet-stream',
        };
        if (Buffer.isBuffer(payload)) headers['content-length'] = String(payload.length);
        else if (size !== undefined) headers['content-length'] = String(size);
        else headers['transfer-encoding'] = 'chunked';
        const response = await this.client.send({
          method: this.method,
          url,
          headers,
          body: payload,
          signal,
        });
        await drain(response);
        const status = response.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          throw new HttpStatusError(status, response.statusMessage ?? '', this.method);
        }
      },
      { signal, retry: isReplayable(source) },
    );
  }

  async delete(key: string, options?: RemoteCallOptions): Promise<void> {
    const url = this.#url(key);
    const signal = options?.signal;
    await this.kit.run(
      'delete',
      key,
      async () => {
        const response = await this.client.send({
          method: 'DELETE',
          url,
          headers: this.headers,
          signal,
        });
        await drain(response);
        const status = response.statusCode ?? 0;
        if (status === 404 || status === 410 || (status >= 200 && status < 300)) return;
        throw new HttpStatusError(status, response.statusMessage ?? '', 'DELETE');
      },
      { signal },
    );
  }

  async dispose(): Promise<void> {
    this.client.dispose();
  }
}

async function bufferBody(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

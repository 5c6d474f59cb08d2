import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';

/** A non-2xx answer, kept as data for the driver's classification. */
export class HttpStatusError extends Error {
  override readonly name = 'HttpStatusError';
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly method: string,
  ) {
    super(`HTTP ${status}${statusText ? ` ${statusText}` : ''} on ${method}`);
  }
}

export interface HttpClientOptions {
  https: boolean;
  maxSockets: number;
  /** False to accept any certificate (`ssl_verify = false`); a PEM string for a private CA. */
  verify: boolean | string;
  connectTimeoutMs: number;
  readTimeoutMs: number;
}

export interface SendOptions {
  method: string;
  url: URL;
  headers: Record<string, string>;
  /** Bytes, or a stream piped as the body (its error aborts the request). */
  body?: Buffer | Readable;
  signal?: AbortSignal | undefined;
}

/**
 * node:http(s) with one keep-alive agent per remote. `send` resolves with the response once its
 * headers arrived (the body is left to the caller); a socket idle for `readTimeoutMs` fails with
 * ETIMEDOUT.
 */
export class HttpClient {
  readonly #agent: HttpAgent | HttpsAgent;
  readonly #https: boolean;

  constructor(readonly options: HttpClientOptions) {
    this.#https = options.https;
    const common = {
      keepAlive: true,
      maxSockets: options.maxSockets,
      timeout: options.readTimeoutMs,
    };
    this.#agent = options.https
      ? new HttpsAgent({
          ...common,
          rejectUnauthorized: options.verify !== false,
          ...(typeof options.verify === 'string' ? { ca: options.verify } : {}),
        })
      : new HttpAgent(common);
  }

  send(options: SendOptions): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const request = (this.#https ? httpsRequest : httpRequest)(options.url, {
        method: options.method,
        headers: options.headers,
        agent: this.#agent,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      let settled = false;
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        request.destroy();
        reject(error);
      };
      const connectTimer = setTimeout(() => {
        fail(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' }));
      }, this.options.connectTimeoutMs);
      request.once('socket', (socket) => {
        const connected = () => clearTimeout(connectTimer);
        if (!socket.connecting) connected();
        else socket.once('connect', connected);
        socket.setTimeout(this.options.readTimeoutMs);
      });
      request.once('timeout', () => {
        fail(Object.assign(new Error('socket timed out'), { code: 'ETIMEDOUT' }));
      });
      request.once('error', (error) => {
        clearTimeout(connectTimer);
        fail(error);
      });
      request.once('response', (response) => {
        clearTimeout(connectTimer);
        settled = true;
        resolve(response);
      });
      const { body } = options;
      if (body === undefined) request.end();
      else if (Buffer.isBuffer(body)) request.end(body);
      else {
        body.once('error', (error) => fail(error));
        body.pipe(request);
      }
    });
  }

  dispose(): void {
    this.#agent.destroy();
  }
}

/** Reads and drops a response body so the socket goes back to the pool. */
export function drain(response: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    // `complete` can be true before the body was read: only `end` frees the socket.
    if (response.readableEnded || response.destroyed) return resolve();
    response.once('end', resolve);
    response.once('error', () => resolve());
    response.once('close', () => resolve());
    response.resume();
  });
}

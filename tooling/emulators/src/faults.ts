import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the fault-injecting proxy in front of every emulator does to a share of the requests
 * (each share in [0, 1], drawn independently per request; all default to 0).
 */
export interface FaultOptions {
  /** Answer `503 Service Unavailable` without forwarding (after reading the request body). */
  errorShare?: number;
  /** Close the connection without answering, before forwarding. */
  dropShare?: number;
  /** Forward, then cut the connection in the middle of a response body. */
  truncateShare?: number;
  /**
   * Flip bytes of the response bodies of GET requests whose path contains this string (in
   * flight: the stored object stays intact).
   */
  tamperPath?: string;
  /**
   * Forward this many requests (the next ones to come), then close the connection instead of
   * answering: the server did the work, the client never hears of it. Counts down to 0.
   */
  loseAnswers?: number;
  /** Only requests whose method is in this list are faulted (default: all). */
  methods?: string[];
  /** Only requests whose URL (path and query) contains this string are faulted (default: all). */
  urlContains?: string;
}

export interface FaultStats {
  requests: number;
  errors: number;
  drops: number;
  truncations: number;
  tampered: number;
  /** Answers withheld by `loseAnswers`. */
  lost: number;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  port: number;
  setFaults(options: FaultOptions): void;
  takeStats(): FaultStats;
  close(): Promise<void>;
}

function emptyStats(): FaultStats {
  return { requests: 0, errors: 0, drops: 0, truncations: 0, tampered: 0, lost: 0 };
}

/**
 * A reverse proxy on 127.0.0.1 (random free port) in front of `target`. Headers, including
 * `Host`, pass through untouched so that signatures (SigV4, SharedKey) still match.
 */
export async function startFaultProxy(
  target: { host: string; port: number },
  initial: FaultOptions = {},
): Promise<FaultProxy> {
  let faults: FaultOptions = { ...initial };
  let stats = emptyStats();

  const server: Server = createServer((req, res) => {
    stats.requests++;
    const faultable =
      (!faults.methods || faults.methods.includes(req.method ?? '')) &&
      (faults.urlContains === undefined || (req.url ?? '').includes(faults.urlContains));
    const roll = Math.random();
    const errorShare = faultable ? (faults.errorShare ?? 0) : 0;
    const dropShare = faultable ? (faults.dropShare ?? 0) : 0;
    if (roll < errorShare) {
      stats.errors++;
      req.resume();
      req.once('end', () => {
        res.writeHead(503, { 'content-type': 'text/plain', connection: 'close' });
        res.end('fault injected by the Cairn emulator proxy\n');
      });
      return;
    }
    if (roll < errorShare + dropShare) {
      stats.drops++;
      req.socket.destroy();
      return;
    }
    // Captured now: once the response is cut, `res.socket` may already be detached.
    const socket = req.socket;
    const truncate = faultable && Math.random() < (faults.truncateShare ?? 0);
    const lose = faultable && (faults.loseAnswers ?? 0) > 0;
    if (lose) faults = { ...faults, loseAnswers: (faults.loseAnswers ?? 0) - 1 };
    const tamper =
      faults.tamperPath !== undefined &&
      req.method === 'GET' &&
      (req.url ?? '').includes(faults.tamperPath);
    const upstream = request(
      {
        host: target.host,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (up: IncomingMessage) => {
        if (lose) {
          // The server has answered, so it has done the work: consume its answer, say nothing.
          stats.lost++;
          up.resume();
          up.on('end', () => socket.destroy());
          return;
        }
        res.writeHead(up.statusCode ?? 502, up.statusMessage, up.rawHeaders);
        const length = Number(up.headers['content-length'] ?? Number.NaN);
        const cutAt = truncate && length > 1 ? Math.floor(length / 2) : undefined;
        let sent = 0;
        let flipped = false;
        up.on('data', (chunk: Buffer) => {
          let out = chunk;
          if (
            tamper &&
            !flipped &&
            up.statusCode !== undefined &&
            up.statusCode < 300 &&
            out.length > 0
          ) {
            out = Buffer.from(out);
            out[0] = (out[0] ?? 0) ^ 0xff;
            flipped = true;
            stats.tampered++;
          }
          if (cutAt !== undefined && sent + out.length >= cutAt) {
            res.write(out.subarray(0, cutAt - sent));
            stats.truncations++;
            up.destroy();
            // Give the bytes a moment to leave, then cut the connection mid-body.
            setTimeout(() => socket.destroy(), 5);
            return;
          }
          sent += out.length;
          res.write(out);
        });
        up.on('end', () => res.end());
        up.on('error', () => socket.destroy());
      },
    );
    upstream.on('error', () => socket.destroy());
    req.on('error', () => upstream.destroy());
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    setFaults(options) {
      faults = { ...options };
    },
    takeStats() {
      const current = stats;
      stats = emptyStats();
      return current;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

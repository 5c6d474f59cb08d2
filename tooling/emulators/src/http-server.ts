import { timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';

/**
 * A plain HTTP file server standing in for a DVC HTTP remote (DagsHub-style): GET (with
 * `Range`), HEAD, PUT and POST (store the body, atomically), DELETE, optional basic auth.
 * Objects are files under `root`.
 */
export interface HttpRemoteServerOptions {
  root: string;
  user?: string | undefined;
  password?: string | undefined;
}

export async function startHttpRemoteServer(
  options: HttpRemoteServerOptions,
): Promise<{ server: Server; port: number }> {
  const expected =
    options.user === undefined
      ? undefined
      : Buffer.from(
          `Basic ${Buffer.from(`${options.user}:${options.password ?? ''}`).toString('base64')}`,
        );
  let counter = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (expected) {
      const given = Buffer.from(req.headers.authorization ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        req.resume();
        res.writeHead(401, { 'www-authenticate': 'Basic realm="cairn"' }).end('unauthorized\n');
        return;
      }
    }
    const url = new URL(req.url ?? '/', 'http://x');
    const segments = decodeURIComponent(url.pathname).split('/').filter(Boolean);
    if (segments.some((s) => s === '..' || s === '.')) {
      req.resume();
      res.writeHead(400).end('bad path\n');
      return;
    }
    const path = join(options.root, ...segments);
    switch (req.method) {
      case 'GET':
      case 'HEAD': {
        const info = await stat(path).catch(() => undefined);
        if (!info?.isFile()) {
          res
            .writeHead(404, { 'content-type': 'text/plain' })
            .end(req.method === 'GET' ? 'not found\n' : undefined);
          return;
        }
        const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
        let start = 0;
        let end = info.size - 1;
        if (range) {
          start = Number(range[1]);
          if (range[2]) end = Math.min(end, Number(range[2]));
          if (start > end && info.size > 0) {
            res.writeHead(416, { 'content-range': `bytes */${info.size}` }).end();
            return;
          }
        }
        const headers = {
          'content-type': 'application/octet-stream',
          'content-length': String(Math.max(0, end - start + 1)),
          'accept-ranges': 'bytes',
          'last-modified': info.mtime.toUTCString(),
          ...(range ? { 'content-range': `bytes ${start}-${end}/${info.size}` } : {}),
        };
        res.writeHead(range ? 206 : 200, headers);
        if (req.method === 'HEAD' || info.size === 0) {
          res.end();
          return;
        }
        await pipeline(createReadStream(path, { start, end }), res).catch(() => res.destroy());
        return;
      }
      case 'PUT':
      case 'POST': {
        await mkdir(dirname(path), { recursive: true });
        const temp = `${path}.${process.pid}.${++counter}.upload`;
        try {
          await pipeline(req, createWriteStream(temp));
          // A chunked body that ended without its last chunk is an aborted upload.
          if (!req.complete) throw new Error('incomplete body');
          await rename(temp, path);
        } catch {
          await unlink(temp).catch(() => {});
          res.destroy();
          return;
        }
        res.writeHead(201, { 'content-type': 'text/plain' }).end('stored\n');
        return;
      }
      case 'DELETE': {
        try {
          await unlink(path);
          res.writeHead(204).end();
        } catch {
          res.writeHead(404).end('not found\n');
        }
        return;
      }
      default:
        req.resume();
        res.writeHead(405, { allow: 'GET, HEAD, PUT, POST, DELETE' }).end();
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}

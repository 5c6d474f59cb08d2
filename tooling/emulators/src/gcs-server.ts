import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Crc32c } from './crc32c.js';

/**
 * A test double of the Google Cloud Storage JSON API, just big enough for the real
 * `@google-cloud/storage` client: buckets (create, get), objects (metadata, `alt=media` download
 * with `Range`, list with prefix/delimiter/pageToken, delete) and the three upload kinds
 * (`media`, `multipart`, and `resumable` with chunked `308` + `Range` round trips). Objects report
 * `md5Hash` and `crc32c`; an upload whose `X-Goog-Hash` does not match is refused. It is not
 * GCS: no auth, ACLs, versions or preconditions.
 */

interface StoredObject {
  bucket: string;
  name: string;
  size: number;
  md5: string;
  crc32c: string;
  generation: number;
  contentType: string;
  updated: Date;
  file: string;
}

interface UploadSession {
  bucket: string;
  name: string;
  contentType: string;
  file: string;
  offset: number;
  done?: StoredObject;
}

const MAX_RESULTS = 1000;

export async function startGcsServer(
  root: string,
  initialBuckets: readonly string[] = [],
): Promise<{ server: Server; port: number }> {
  const buckets = new Set<string>(initialBuckets);
  const objects = new Map<string, StoredObject>();
  const sessions = new Map<string, UploadSession>();
  let generation = Date.now() * 1000;
  let port = 0;
  await mkdir(join(root, 'objects'), { recursive: true });
  await mkdir(join(root, 'uploads'), { recursive: true });

  const keyOf = (bucket: string, name: string) => `${bucket}\0${name}`;
  const fileOf = (bucket: string, name: string) =>
    join(root, 'objects', createHash('sha1').update(keyOf(bucket, name)).digest('hex'));

  const resource = (o: StoredObject) => ({
    kind: 'storage#object',
    id: `${o.bucket}/${o.name}/${o.generation}`,
    selfLink: `http://127.0.0.1:${port}/storage/v1/b/${o.bucket}/o/${encodeURIComponent(o.name)}`,
    mediaLink: `http://127.0.0.1:${port}/download/storage/v1/b/${o.bucket}/o/${encodeURIComponent(o.name)}?generation=${o.generation}&alt=media`,
    name: o.name,
    bucket: o.bucket,
    generation: String(o.generation),
    metageneration: '1',
    contentType: o.contentType,
    storageClass: 'STANDARD',
    size: String(o.size),
    md5Hash: o.md5,
    crc32c: o.crc32c,
    etag: o.md5,
    timeCreated: o.updated.toISOString(),
    updated: o.updated.toISOString(),
  });

  const bucketResource = (name: string) => ({
    kind: 'storage#bucket',
    id: name,
    name,
    location: 'US',
    storageClass: 'STANDARD',
    metageneration: '1',
  });

  const json = (res: ServerResponse, status: number, body: unknown, headers = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=UTF-8',
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  };
  const error = (res: ServerResponse, status: number, message: string) =>
    json(res, status, {
      error: { code: status, message, errors: [{ message, reason: String(status) }] },
    });

  /** Hashes a finished file and makes it the object's current generation. */
  const commit = async (
    bucket: string,
    name: string,
    contentType: string,
    temp: string,
    goog: string | undefined,
  ): Promise<StoredObject | string> => {
    const md5 = createHash('md5');
    const crc = new Crc32c();
    let size = 0;
    for await (const chunk of createReadStream(temp, { highWaterMark: 1 << 20 })) {
      md5.update(chunk as Buffer);
      crc.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    const object: StoredObject = {
      bucket,
      name,
      size,
      md5: md5.digest('base64'),
      crc32c: crc.base64(),
      generation: ++generation,
      contentType,
      updated: new Date(),
      file: fileOf(bucket, name),
    };
    for (const part of (goog ?? '').split(',')) {
      const [algo, value] = part.trim().split(/=(.*)/s);
      if (algo === 'md5' && value && value !== object.md5) return 'md5 mismatch';
      if (algo === 'crc32c' && value && value !== object.crc32c) return 'crc32c mismatch';
    }
    await rename(temp, object.file);
    objects.set(keyOf(bucket, name), object);
    return object;
  };

  const tempFile = () => join(root, 'uploads', randomBytes(12).toString('hex'));

  const readBody = async (req: IncomingMessage): Promise<Buffer> => {
    const parts: Buffer[] = [];
    for await (const chunk of req) parts.push(chunk as Buffer);
    return Buffer.concat(parts);
  };

  const handleUpload = async (
    req: IncomingMessage,
    res: ServerResponse,
    bucket: string,
    url: URL,
  ) => {
    const type = url.searchParams.get('uploadType');
    const uploadId = url.searchParams.get('upload_id');
    if (uploadId !== null) return continueResumable(req, res, uploadId);
    if (!buckets.has(bucket)) {
      req.resume();
      return error(res, 404, `bucket ${bucket} not found`);
    }
    if (type === 'media') {
      const name = url.searchParams.get('name');
      if (!name) return error(res, 400, 'name is required');
      const temp = tempFile();
      try {
        await pipeline(req, createWriteStream(temp));
      } catch {
        await unlink(temp).catch(() => {});
        return res.destroy();
      }
      const result = await commit(
        bucket,
        name,
        String(req.headers['content-type'] ?? 'application/octet-stream'),
        temp,
        headerOf(req, 'x-goog-hash'),
      );
      if (typeof result === 'string') {
        await unlink(temp).catch(() => {});
        return error(res, 400, result);
      }
      return json(res, 200, resource(result));
    }
    if (type === 'multipart') {
      const boundary = /boundary="?([^";]+)"?/.exec(String(req.headers['content-type']))?.[1];
      if (!boundary) return error(res, 400, 'multipart upload without a boundary');
      const body = await readBody(req);
      const parts = splitMultipart(body, boundary);
      const [meta, media] = parts;
      if (!meta || !media) return error(res, 400, 'multipart upload needs metadata and media');
      const metadata = JSON.parse(meta.body.toString('utf8') || '{}') as {
        name?: string;
        contentType?: string;
      };
      const name = metadata.name ?? url.searchParams.get('name');
      if (!name) return error(res, 400, 'name is required');
      const temp = tempFile();
      await writeFile(temp, media.body);
      const result = await commit(
        bucket,
        name,
        metadata.contentType ?? media.type ?? 'application/octet-stream',
        temp,
        headerOf(req, 'x-goog-hash'),
      );
      if (typeof result === 'string') {
        await unlink(temp).catch(() => {});
        return error(res, 400, result);
      }
      return json(res, 200, resource(result));
    }
    if (type === 'resumable') {
      const body = await readBody(req);
      const metadata = (body.length ? JSON.parse(body.toString('utf8')) : {}) as {
        name?: string;
        contentType?: string;
      };
      const name = url.searchParams.get('name') ?? metadata.name;
      if (!name) return error(res, 400, 'name is required');
      const id = randomBytes(16).toString('hex');
      const file = tempFile();
      await writeFile(file, '');
      sessions.set(id, {
        bucket,
        name,
        contentType:
          headerOf(req, 'x-upload-content-type') ??
          metadata.contentType ??
          'application/octet-stream',
        file,
        offset: 0,
      });
      const location = `http://${req.headers.host}/upload/storage/v1/b/${bucket}/o?uploadType=resumable&name=${encodeURIComponent(name)}&upload_id=${id}`;
      res.writeHead(200, { location, 'content-length': 0 });
      return res.end();
    }
    req.resume();
    return error(res, 400, `unsupported uploadType ${type}`);
  };

  const continueResumable = async (req: IncomingMessage, res: ServerResponse, id: string) => {
    const session = sessions.get(id);
    if (!session) {
      req.resume();
      return error(res, 404, 'no such upload session');
    }
    if (req.method === 'DELETE') {
      sessions.delete(id);
      await rm(session.file, { force: true });
      res.writeHead(499).end();
      return;
    }
    const range = /^bytes (\*|(\d+)-(\d+|\*))\/(\*|\d+)$/.exec(
      headerOf(req, 'content-range') ?? 'bytes */*',
    );
    if (!range) {
      req.resume();
      return error(res, 400, 'bad Content-Range');
    }
    const total = range[4] === '*' ? undefined : Number(range[4]);
    const incomplete = () => {
      res.writeHead(308, {
        'content-length': 0,
        ...(session.offset > 0 ? { range: `bytes=0-${session.offset - 1}` } : {}),
      });
      res.end();
    };
    if (session.done) {
      req.resume();
      return json(res, 200, resource(session.done));
    }
    if (range[1] !== '*') {
      const start = Number(range[2]);
      if (start > session.offset) {
        req.resume();
        return error(res, 400, `chunk starts at ${start}, ${session.offset} bytes are persisted`);
      }
      // Bytes the server already has are skipped; a request cut off midway keeps nothing of it.
      const before = session.offset;
      let skip = session.offset - start;
      const handle = await open(session.file, 'r+');
      let position = session.offset;
      try {
        for await (const raw of req) {
          let chunk = raw as Buffer;
          if (skip > 0) {
            const drop = Math.min(skip, chunk.length);
            chunk = chunk.subarray(drop);
            skip -= drop;
          }
          if (chunk.length > 0) {
            await handle.write(chunk, 0, chunk.length, position);
            position += chunk.length;
          }
        }
        if (!req.complete) throw new Error('aborted');
      } catch {
        await handle.close();
        await truncate(session.file, before);
        res.destroy();
        return;
      }
      await handle.close();
      session.offset = position;
    } else {
      req.resume();
    }
    const last = total !== undefined ? session.offset >= total : range[3] === '*';
    if (!last) return incomplete();
    const result = await commit(
      session.bucket,
      session.name,
      session.contentType,
      session.file,
      headerOf(req, 'x-goog-hash'),
    );
    if (typeof result === 'string') {
      sessions.delete(id);
      return error(res, 400, result);
    }
    session.done = result;
    return json(res, 200, resource(result));
  };

  const download = async (
    req: IncomingMessage,
    res: ServerResponse,
    object: StoredObject,
  ): Promise<void> => {
    const range = /^bytes=(\d+)-(\d*)$/.exec(headerOf(req, 'range') ?? '');
    let start = 0;
    let end = object.size - 1;
    if (range) {
      start = Number(range[1]);
      if (range[2]) end = Math.min(end, Number(range[2]));
      if (start > end && object.size > 0) {
        res.writeHead(416, { 'content-range': `bytes */${object.size}` }).end();
        return;
      }
    }
    res.writeHead(range ? 206 : 200, {
      'content-type': object.contentType,
      'content-length': Math.max(0, end - start + 1),
      'x-goog-generation': String(object.generation),
      'x-goog-stored-content-length': String(object.size),
      'x-goog-hash': `crc32c=${object.crc32c},md5=${object.md5}`,
      etag: object.md5,
      ...(range ? { 'content-range': `bytes ${start}-${end}/${object.size}` } : {}),
    });
    if (object.size === 0 || end < start) {
      res.end();
      return;
    }
    await pipeline(createReadStream(object.file, { start, end }), res).catch(() => res.destroy());
  };

  const list = (res: ServerResponse, bucket: string, url: URL) => {
    const prefix = url.searchParams.get('prefix') ?? '';
    const delimiter = url.searchParams.get('delimiter') ?? '';
    const max = Math.min(
      Number(url.searchParams.get('maxResults') ?? MAX_RESULTS) || MAX_RESULTS,
      MAX_RESULTS,
    );
    const token = url.searchParams.get('pageToken');
    const after = token ? Buffer.from(token, 'base64url').toString('utf8') : undefined;
    const names: string[] = [];
    for (const object of objects.values()) {
      if (object.bucket === bucket && object.name.startsWith(prefix)) names.push(object.name);
    }
    names.sort();
    const items: StoredObject[] = [];
    const prefixes = new Set<string>();
    let next: string | undefined;
    let count = 0;
    for (const name of names) {
      if (after !== undefined && name <= after) continue;
      if (count >= max) {
        next = Buffer.from(items.at(-1)?.name ?? [...prefixes].at(-1) ?? '').toString('base64url');
        break;
      }
      const cut = delimiter ? name.indexOf(delimiter, prefix.length) : -1;
      if (cut !== -1) {
        const folder = name.slice(0, cut + delimiter.length);
        if (!prefixes.has(folder)) {
          prefixes.add(folder);
          count++;
        }
        continue;
      }
      items.push(objects.get(keyOf(bucket, name)) as StoredObject);
      count++;
    }
    json(res, 200, {
      kind: 'storage#objects',
      ...(items.length ? { items: items.map(resource) } : {}),
      ...(prefixes.size ? { prefixes: [...prefixes] } : {}),
      ...(next ? { nextPageToken: next } : {}),
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.split('/').map((s) => decodeURIComponent(s));
    // [''] + ['upload' | 'download']? + ['storage', 'v1']? + ['b', bucket, 'o', object]: the
    // `storage/v1` part is absent when a client is pointed here by STORAGE_EMULATOR_HOST.
    const upload = path[1] === 'upload';
    const download_ = path[1] === 'download';
    let at = upload || download_ ? 2 : 1;
    if (path[at] === 'storage' && path[at + 1] === 'v1') at += 2;
    if (path[at] !== 'b') {
      req.resume();
      return error(res, 404, `unknown path ${url.pathname}`);
    }
    at -= 2;
    const bucket = path[at + 3];
    if (upload && bucket) return handleUpload(req, res, bucket, url);
    if (bucket === undefined || bucket === '') {
      if (req.method === 'POST') {
        const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as {
          name?: string;
        };
        if (!body.name) return error(res, 400, 'bucket name is required');
        if (buckets.has(body.name)) return error(res, 409, 'bucket exists');
        buckets.add(body.name);
        return json(res, 200, bucketResource(body.name));
      }
      req.resume();
      return json(res, 200, { kind: 'storage#buckets', items: [...buckets].map(bucketResource) });
    }
    req.resume();
    if (!buckets.has(bucket)) return error(res, 404, `bucket ${bucket} not found`);
    if (path[at + 4] === undefined) return json(res, 200, bucketResource(bucket));
    if (path[at + 4] !== 'o') return error(res, 404, `unknown path ${url.pathname}`);
    const name = path.slice(at + 5).join('/');
    if (name === '') {
      if (req.method === 'GET') return list(res, bucket, url);
      return error(res, 405, 'method not allowed');
    }
    const object = objects.get(keyOf(bucket, name));
    if (!object) return error(res, 404, `no such object: ${bucket}/${name}`);
    switch (req.method) {
      case 'GET':
        if (download_ || url.searchParams.get('alt') === 'media') return download(req, res, object);
        return json(res, 200, resource(object));
      case 'DELETE':
        objects.delete(keyOf(bucket, name));
        await unlink(object.file).catch(() => {});
        res.writeHead(204).end();
        return;
      default:
        return error(res, 405, 'method not allowed');
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) error(res, 500, String(e));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  // Leftover uploads are removed when the emulator stops.
  server.on('close', () => {
    void stat(root).then(() => rm(join(root, 'uploads'), { recursive: true, force: true }));
  });
  return { server, port };
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The parts of a `multipart/related` body: their content type and bytes. */
function splitMultipart(
  body: Buffer,
  boundary: string,
): Array<{ type: string | undefined; body: Buffer }> {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Array<{ type: string | undefined; body: Buffer }> = [];
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    const part = body.subarray(start, next);
    const headerEnd = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, headerEnd).toString('utf8');
    let content = part.subarray(headerEnd + 4);
    if (content.subarray(-2).toString() === '\r\n') content = content.subarray(0, -2);
    const type = /content-type:\s*([^\r\n;]+)/i.exec(head)?.[1];
    parts.push({ type, body: content });
    at = next;
  }
  return parts;
}

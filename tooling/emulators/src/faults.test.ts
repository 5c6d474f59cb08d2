import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from './faults.js';

const BODY = Buffer.from('x'.repeat(64 * 1024));

/** GET through the proxy: the status, the bytes received, and whether the body arrived whole. */
function get(
  port: number,
  path = '/object',
): Promise<{ status: number; bytes: Buffer; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (chunk: Buffer) => parts.push(chunk));
      const done = () =>
        resolve({
          status: res.statusCode ?? 0,
          bytes: Buffer.concat(parts),
          complete: res.complete,
        });
      res.on('end', done);
      res.on('error', done);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('fault proxy', () => {
  let upstream: Server;
  let proxy: FaultProxy;
  /** Requests the upstream server has answered. */
  let served = 0;

  beforeAll(async () => {
    upstream = createServer((_req, res) => {
      served++;
      res.writeHead(200, { 'content-length': String(BODY.length) });
      res.end(BODY);
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const { port } = upstream.address() as AddressInfo;
    proxy = await startFaultProxy({ host: '127.0.0.1', port });
  });

  afterAll(async () => {
    await proxy.close();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  });

  it('forwards untouched without faults and counts requests', async () => {
    proxy.takeStats();
    const answer = await get(proxy.port);
    expect(answer).toMatchObject({ status: 200, complete: true });
    expect(answer.bytes.equals(BODY)).toBe(true);
    expect(proxy.takeStats()).toEqual({
      requests: 1,
      errors: 0,
      drops: 0,
      truncations: 0,
      tampered: 0,
      lost: 0,
    });
  });

  it('answers 503, drops, truncates and tampers as told', async () => {
    proxy.setFaults({ errorShare: 1 });
    expect((await get(proxy.port)).status).toBe(503);

    proxy.setFaults({ dropShare: 1 });
    await expect(get(proxy.port)).rejects.toThrow();

    proxy.setFaults({ truncateShare: 1 });
    const cut = await get(proxy.port);
    expect(cut.complete).toBe(false);
    expect(cut.bytes.length).toBeLessThan(BODY.length);

    proxy.setFaults({ tamperPath: 'obj' });
    const flipped = await get(proxy.port);
    expect(flipped.complete).toBe(true);
    expect(flipped.bytes.equals(BODY)).toBe(false);
    expect((await get(proxy.port, '/other')).bytes.equals(BODY)).toBe(true);

    proxy.setFaults({ errorShare: 1, methods: ['PUT'] });
    expect((await get(proxy.port)).status).toBe(200);
    proxy.setFaults({});
    expect(proxy.takeStats()).toMatchObject({ errors: 1, drops: 1, truncations: 1, tampered: 1 });
  });

  it('loses the answers to the next matching requests after the server has handled them', async () => {
    proxy.setFaults({ loseAnswers: 2, urlContains: 'commit' });
    const before = served;
    expect((await get(proxy.port, '/object?part=1')).status).toBe(200);
    await expect(get(proxy.port, '/object?commit')).rejects.toThrow();
    await expect(get(proxy.port, '/object?commit')).rejects.toThrow();
    expect(served - before).toBe(3);
    expect((await get(proxy.port, '/object?commit')).status).toBe(200);
    proxy.setFaults({});
    expect(proxy.takeStats()).toMatchObject({ requests: 4, lost: 2 });
  });
});

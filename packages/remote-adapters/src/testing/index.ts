/**
 * The conformance suite every remote driver must pass, as a function that registers Vitest tests.
 * Run it against a driver factory:
 *
 *   describeRemoteConformance({ name: 's3 (s3rver)', open: (root) => openRemote('t', { url: `s3://b/${root}`, … }, { cwd }) });
 *
 * Each test opens a driver on a fresh root (`open` gets a unique path segment), so tests are
 * independent and can run against a real bucket; everything a test wrote is deleted afterwards.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { isCairnError, type RemoteDriver } from '@cairn/types';
import { afterEach, describe, expect, it } from 'vitest';

export interface ConformanceTarget {
  /** Title of the `describe` block, e.g. `s3 (s3rver)`. */
  name: string;
  /** Opens a driver rooted at a fresh location; `root` is a unique, URL-safe path segment. */
  open(root: string): Promise<RemoteDriver>;
  /** Size of the object that must take the multipart/resumable/block path (default 20 MiB + 17). */
  largeObjectBytes?: number;
  /** How many objects the concurrency/listing test writes (default 1050: more than one page). */
  manyObjects?: number;
  /** Strings that must never appear in `displayUrl` or in error messages (passwords, keys). */
  secrets?: string[];
  /** Per-test timeout in ms (default 180 000). */
  timeoutMs?: number;
}

const MiB = 1 << 20;

/** DVC 3's key for an object with these bytes: `files/md5/<2 hex>/<30 hex>`. */
export function dvcKey(content: Uint8Array | string): string {
  const hex = createHash('md5').update(content).digest('hex');
  return `files/md5/${hex.slice(0, 2)}/${hex.slice(2)}`;
}

/** Reads a stream to its end, returning its md5 and length (no buffering of big bodies). */
export async function digestStream(stream: Readable): Promise<{ md5: string; size: number }> {
  const hash = createHash('md5');
  let size = 0;
  for await (const chunk of stream) {
    const buf = chunk as Buffer;
    hash.update(buf);
    size += buf.length;
  }
  return { md5: hash.digest('hex'), size };
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

/**
 * A stream of `size` random bytes, produced chunk by chunk, and the md5 it will have. With
 * `gate`, production stops after `gate.after` bytes until `gate.open` resolves.
 */
export function randomBody(
  size: number,
  gate?: { after: number; reached: () => void; open: Promise<void> },
): { stream: Readable; md5: Promise<string> } {
  const hash = createHash('md5');
  let resolveMd5: (md5: string) => void = () => {};
  const md5 = new Promise<string>((resolve) => {
    resolveMd5 = resolve;
  });
  async function* chunks(): AsyncGenerator<Buffer> {
    let produced = 0;
    while (produced < size) {
      if (gate && produced >= gate.after) {
        gate.reached();
        await gate.open;
        gate = undefined;
      }
      const limit = gate ? Math.max(1, gate.after - produced) : MiB;
      const chunk = randomBytes(Math.min(MiB, size - produced, limit));
      hash.update(chunk);
      produced += chunk.length;
      yield chunk;
    }
    resolveMd5(hash.digest('hex'));
  }
  if (size === 0) resolveMd5(createHash('md5').digest('hex'));
  return { stream: Readable.from(chunks(), { objectMode: false }), md5 };
}

async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function collect(iterable: AsyncIterable<{ key: string; size?: number }>) {
  const out = new Map<string, number | undefined>();
  for await (const entry of iterable) out.set(entry.key, entry.size);
  return out;
}

function expectCode(error: unknown, code: string): void {
  expect(isCairnError(error), `expected a CairnError, got ${String(error)}`).toBe(true);
  expect((error as { code: string }).code).toBe(code);
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the operation to fail, and it succeeded');
}

/** Registers the conformance tests for one driver. */
export function describeRemoteConformance(target: ConformanceTarget): void {
  const large = target.largeObjectBytes ?? 20 * MiB + 17;
  const timeout = target.timeoutMs ?? 180_000;

  describe(`remote conformance: ${target.name}`, () => {
    let opened: RemoteDriver[] = [];

    async function fresh(): Promise<RemoteDriver> {
      const driver = await target.open(`conformance-${randomUUID()}`);
      opened.push(driver);
      return driver;
    }

    afterEach(async () => {
      const drivers = opened;
      opened = [];
      for (const driver of drivers) {
        try {
          if (driver.canList) {
            const keys: string[] = [];
            for await (const entry of driver.list('')) keys.push(entry.key);
            if (driver.deleteMany) await driver.deleteMany(keys);
            else await mapLimit(keys, 16, (key) => driver.delete(key));
          }
        } finally {
          await driver.dispose();
        }
      }
    }, timeout);

    function assertNoSecret(text: string) {
      for (const secret of target.secrets ?? []) expect(text).not.toContain(secret);
    }

    it('describes itself without secrets', async () => {
      const driver = await fresh();
      expect(driver.name).toBeTruthy();
      expect(driver.displayUrl).toBeTruthy();
      expect(driver.defaultJobs).toBeGreaterThanOrEqual(1);
      assertNoSecret(driver.displayUrl);
    });

    it('round-trips an empty object', async () => {
      const driver = await fresh();
      const key = dvcKey('');
      await driver.write(key, new Uint8Array(0), { size: 0 });
      expect(await driver.exists(key)).toBe(true);
      expect((await driver.stat(key)).size).toBe(0);
      expect((await readAll(await driver.read(key))).length).toBe(0);
    });

    it('round-trips a small object given as bytes', async () => {
      const driver = await fresh();
      const key = dvcKey('hello\n');
      expect(key).toBe('files/md5/b1/946ac92492d2347c6235b4d2611184');
      await driver.write(key, Buffer.from('hello\n'));
      expect((await readAll(await driver.read(key))).toString()).toBe('hello\n');
      expect(await driver.stat(key)).toMatchObject({ size: 6 });
    });

    it('round-trips a multi-MiB object from a stream factory of unknown size', async () => {
      const driver = await fresh();
      const data = randomBytes(3 * MiB + 5);
      const key = dvcKey(data);
      let opens = 0;
      await driver.write(key, () => {
        opens++;
        return Readable.from([data.subarray(0, MiB), data.subarray(MiB)], { objectMode: false });
      });
      expect(opens).toBeGreaterThanOrEqual(1);
      const back = await digestStream(await driver.read(key));
      expect(back).toEqual({ md5: key.replace(/^files\/md5\/(..)\//, '$1'), size: data.length });
    });

    it(
      `round-trips a ${(large / MiB).toFixed(0)} MiB object from a plain stream (multipart/resumable path)`,
      async () => {
        const driver = await fresh();
        const body = randomBody(large);
        const key = 'files/md5/00/large-object';
        await driver.write(key, body.stream, { size: large });
        expect((await driver.stat(key)).size).toBe(large);
        const back = await digestStream(await driver.read(key));
        expect(back).toEqual({ md5: await body.md5, size: large });
      },
      timeout,
    );

    it('reports missing keys: exists false, stat and read fail with CAIRN_REMOTE_NOT_FOUND', async () => {
      const driver = await fresh();
      const key = 'files/md5/ff/0000000000000000000000000000ff';
      expect(await driver.exists(key)).toBe(false);
      // One call at a time: a second call started early could reject before anyone awaits it.
      for (const failing of [() => driver.stat(key), () => driver.read(key)]) {
        const error = await caught(failing());
        expectCode(error, 'CAIRN_REMOTE_NOT_FOUND');
        const message = (error as Error).message;
        expect(message).toContain(driver.name);
        expect(message).toContain(key);
        assertNoSecret(message);
      }
    });

    it('overwrites an existing key', async () => {
      const driver = await fresh();
      const key = 'files/md5/aa/overwritten';
      await driver.write(key, Buffer.from('first version'));
      await driver.write(key, Buffer.from('the second, longer version'));
      expect((await readAll(await driver.read(key))).toString()).toBe('the second, longer version');
      expect((await driver.stat(key)).size).toBe(26);
    });

    it('deletes, and deleting a missing key is not an error', async () => {
      const driver = await fresh();
      const keys = ['files/md5/12/a', 'files/md5/12/b', 'files/md5/34/c'];
      await Promise.all(keys.map((key) => driver.write(key, Buffer.from(key))));
      await driver.delete(keys[0]!);
      expect(await driver.exists(keys[0]!)).toBe(false);
      expectCode(await caught(driver.read(keys[0]!)), 'CAIRN_REMOTE_NOT_FOUND');
      await driver.delete(keys[0]!);
      if (driver.deleteMany) {
        await driver.deleteMany(keys.slice(1));
        for (const key of keys) expect(await driver.exists(key)).toBe(false);
      }
      expect(await driver.exists(keys[2]!)).toBe(driver.deleteMany === undefined);
    });

    it(
      'writes many objects concurrently in the DVC layout and lists them by prefix',
      async () => {
        const driver = await fresh();
        const count = target.manyObjects ?? (driver.canList ? 1050 : 200);
        const contents = Array.from({ length: count }, (_, i) => `object number ${i}\n`);
        const keys = contents.map((content) => dvcKey(content));
        await mapLimit(
          contents.map((content, i) => [content, keys[i]!] as const),
          Math.min(32, driver.defaultJobs),
          async ([content, key]) => driver.write(key, Buffer.from(content)),
        );
        for (const i of [0, 7, count - 1]) {
          expect((await readAll(await driver.read(keys[i]!))).toString()).toBe(contents[i]);
        }
        if (!driver.canList) {
          expectCode(await caught(collect(driver.list(''))), 'CAIRN_REMOTE_UNSUPPORTED');
          const present = await Promise.all(keys.map((key) => driver.exists(key)));
          expect(present.every(Boolean)).toBe(true);
          return;
        }
        const all = await collect(driver.list(''));
        expect([...all.keys()].sort()).toEqual([...keys].sort());
        for (const [i, key] of keys.entries()) {
          const size = all.get(key);
          if (size !== undefined) expect(size).toBe(Buffer.byteLength(contents[i]!));
        }
        expect((await collect(driver.list('files/md5/'))).size).toBe(count);
        const prefix = keys[0]!.slice(0, 'files/md5/xx/'.length);
        const expected = keys.filter((key) => key.startsWith(prefix)).sort();
        expect([...(await collect(driver.list(prefix))).keys()].sort()).toEqual(expected);
        const partial = keys[0]!.slice(0, 'files/md5/x'.length);
        expect([...(await collect(driver.list(partial))).keys()].sort()).toEqual(
          keys.filter((key) => key.startsWith(partial)).sort(),
        );
        expect((await collect(driver.list('files/md5/zz/'))).size).toBe(0);
        expect((await collect(driver.list('nothing-here/'))).size).toBe(0);
      },
      timeout,
    );

    it(
      'never shows a partial object while a write is in progress',
      async () => {
        const driver = await fresh();
        const key = 'files/md5/ab/atomic';
        const fresher = 'files/md5/ab/atomic-new';
        const old = randomBytes(MiB + 3);
        await driver.write(key, old);
        let reached: () => void = () => {};
        const reachedGate = new Promise<void>((resolve) => {
          reached = resolve;
        });
        let open: () => void = () => {};
        const gateOpen = new Promise<void>((resolve) => {
          open = resolve;
        });
        const size = 12 * MiB;
        const next = randomBody(size, { after: 10 * MiB, reached, open: gateOpen });
        const fresh2 = randomBody(size, { after: 10 * MiB, reached: () => {}, open: gateOpen });
        const writing = driver.write(key, next.stream, { size });
        const writingNew = driver.write(fresher, fresh2.stream, { size });
        await reachedGate;
        // Give the driver time to push what it has (a first part, a chunk, a block) to the backend.
        await new Promise((resolve) => setTimeout(resolve, 300));
        const during = await digestStream(await driver.read(key));
        expect(during).toEqual({
          md5: createHash('md5').update(old).digest('hex'),
          size: old.length,
        });
        expect((await driver.stat(key)).size).toBe(old.length);
        expect(await driver.exists(fresher)).toBe(false);
        open();
        await Promise.all([writing, writingNew]);
        expect(await digestStream(await driver.read(key))).toEqual({ md5: await next.md5, size });
        expect((await driver.stat(fresher)).size).toBe(size);
      },
      timeout,
    );

    it('rejects a body whose length differs from the announced size, storing nothing', async () => {
      const driver = await fresh();
      const key = 'files/md5/cd/wrong-size';
      const error = await caught(driver.write(key, Buffer.alloc(50, 1), { size: 100 }));
      expectCode(error, 'CAIRN_REMOTE_IO');
      expect(await driver.exists(key)).toBe(false);
    });

    it(
      'stores nothing when the body stream fails mid-upload',
      async () => {
        const driver = await fresh();
        for (const [key, before] of [
          ['files/md5/de/broken-small', 100_000],
          ['files/md5/de/broken-large', 9 * MiB],
        ] as const) {
          async function* failing(): AsyncGenerator<Buffer> {
            let sent = 0;
            while (sent < before) {
              const chunk = randomBytes(Math.min(MiB, before - sent));
              sent += chunk.length;
              yield chunk;
            }
            throw new Error('disk read failed');
          }
          const body = Readable.from(failing(), { objectMode: false });
          const error = await caught(driver.write(key, body));
          expect(isCairnError(error)).toBe(true);
          expect(await driver.exists(key)).toBe(false);
        }
      },
      timeout,
    );

    it('rejects keys that are not clean relative paths', async () => {
      const driver = await fresh();
      for (const key of ['', '/abs', '../escape', 'a//b', 'a/./b', 'a\\b']) {
        expectCode(await caught(driver.write(key, Buffer.from('x'))), 'CAIRN_REMOTE_INVALID_KEY');
        expectCode(await caught(driver.read(key)), 'CAIRN_REMOTE_INVALID_KEY');
      }
    });

    it('honours an AbortSignal', async () => {
      const driver = await fresh();
      const key = 'files/md5/ef/abortable';
      await driver.write(key, randomBytes(4 * MiB));
      const aborted = new AbortController();
      aborted.abort();
      expectCode(
        await caught(
          driver.write('files/md5/ef/never', Buffer.from('x'), { signal: aborted.signal }),
        ),
        'CAIRN_REMOTE_ABORTED',
      );
      const controller = new AbortController();
      const stream = await driver.read(key, { signal: controller.signal });
      const error = await caught(
        (async () => {
          for await (const _chunk of stream) controller.abort();
        })(),
      );
      expectCode(error, 'CAIRN_REMOTE_ABORTED');
    });
  });
}

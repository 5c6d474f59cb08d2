import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Emulator } from '@cairn/emulators';
import type { ProgressEvent, RemoteDriver } from '@cairn/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fetchObjects,
  listRemoteOids,
  oidToKey,
  pushObjects,
  remoteHas,
  type TransferSummary,
} from '../../src/index.js';
import { cachePath } from '../../src/layout.js';
import {
  addDirObject,
  addLargeObject,
  addSmallObjects,
  addToCache,
  expectSameObjects,
  listFiles,
  md5OfFile,
  writeObject,
} from './cache.js';

const MiB = 1 << 20;

export interface TransferTarget {
  name: string;
  /** A driver on a fresh, empty root. */
  open(root: string): Promise<RemoteDriver>;
  /** The emulator behind the driver, for the fault tests (none for the local folder). */
  emulator?: () => Emulator;
  /** Small objects in the bulk test (default 20,000). */
  smallObjects?: number;
  /** Size of the large object (default 200 MiB). */
  largeBytes?: number;
}

/**
 * End-to-end tests of `pushObjects` / `fetchObjects` against one backend: bulk and large
 * round trips, corrupt and missing cache objects, tampered remote objects, and (behind an
 * emulator) injected faults.
 */
export function describeTransfers(target: TransferTarget): void {
  const smallCount = target.smallObjects ?? 20_000;
  const largeBytes = target.largeBytes ?? 200 * MiB;

  describe(`transfers: ${target.name}`, () => {
    let base: string;
    let source: string;
    let small: string[];
    let dir: string;
    let large: string;
    let rootCount = 0;
    const opened: RemoteDriver[] = [];

    const fresh = async (label: string) => {
      const driver = await target.open(`${label}-${process.pid}-${++rootCount}`);
      opened.push(driver);
      return driver;
    };
    const emptyCache = () => mkdtemp(join(base, 'cache-'));

    beforeAll(async () => {
      base = await mkdtemp(join(tmpdir(), 'cairn-transfer-'));
      source = join(base, 'source');
      small = await addSmallObjects(source, smallCount, target.name);
      dir = await addDirObject(
        source,
        small.slice(0, 50).map((md5, i) => ({ md5, relpath: `data/file-${i}.bin` })),
      );
      large = await addLargeObject(source, largeBytes);
    }, 300_000);

    afterAll(async () => {
      for (const driver of opened) await driver.dispose();
      await rm(base, { recursive: true, force: true });
    }, 120_000);

    it(
      `pushes ${smallCount} small objects and a .dir, fetches them into an empty cache byte for byte, and a second run moves nothing`,
      async () => {
        const remote = await fresh('bulk');
        const oids = [...small, dir];
        const events: ProgressEvent[] = [];
        const pushed = await pushObjects({
          cacheDir: source,
          remote,
          oids,
          onProgress: (event) => events.push(event),
        });
        expect(pushed).toMatchObject({ transferred: oids.length, skipped: 0, failed: [] });
        expect(events[0]).toMatchObject({ type: 'start', total: oids.length, unit: 'objects' });
        expect(events.filter((e) => e.type === 'progress')).toHaveLength(oids.length);
        expect(events.at(-1)).toMatchObject({ type: 'done', done: oids.length });

        expect((await remoteHas(remote, oids)).size).toBe(oids.length);
        if (remote.canList) expect(await listRemoteOids(remote)).toEqual([...oids].sort());

        const target = await emptyCache();
        const fetched = await fetchObjects({ cacheDir: target, remote, oids });
        expect(fetched).toMatchObject({ transferred: oids.length, skipped: 0, failed: [] });
        await expectSameObjects(source, target, oids);
        expect((await stat(cachePath(target, dir))).mode & 0o777).toBe(0o444);
        expect((await listFiles(target)).filter((f) => f.endsWith('.cairn-tmp'))).toEqual([]);

        expect(await pushObjects({ cacheDir: source, remote, oids })).toMatchObject({
          transferred: 0,
          skipped: oids.length,
          failed: [],
        });
        expect(await fetchObjects({ cacheDir: target, remote, oids })).toMatchObject({
          transferred: 0,
          skipped: oids.length,
          failed: [],
        });
      },
      600_000,
    );

    it(
      `round-trips a ${Math.round(largeBytes / MiB)} MiB object`,
      async () => {
        const remote = await fresh('large');
        const pushed = await pushObjects({ cacheDir: source, remote, oids: [large] });
        expect(pushed).toMatchObject({ transferred: 1, failed: [], bytes: largeBytes });
        expect((await remote.stat(oidToKey(large))).size).toBe(largeBytes);
        const target = await emptyCache();
        const fetched = await fetchObjects({ cacheDir: target, remote, oids: [large] });
        expect(fetched).toMatchObject({ transferred: 1, failed: [], bytes: largeBytes });
        expect(await md5OfFile(cachePath(target, large))).toBe(large);
        expect((await stat(cachePath(target, large))).mode & 0o777).toBe(0o444);
        await rm(target, { recursive: true, force: true });
      },
      600_000,
    );

    it('never uploads a corrupt or missing cache object, nor a .dir that lists one', async () => {
      const remote = await fresh('corrupt');
      const cache = await emptyCache();
      const good = await addToCache(cache, 'good\n');
      const corruptSmall = 'ba'.repeat(16);
      await writeObject(cache, corruptSmall, 'these bytes do not hash to the name\n');
      const corruptLarge = 'cd'.repeat(16);
      await writeObject(cache, corruptLarge, Buffer.alloc(10 * MiB + 5, 7));
      const missing = 'ef'.repeat(16);
      const listing = await addDirObject(cache, [
        { relpath: 'good', md5: good },
        { relpath: 'gone', md5: missing },
      ]);
      const summary = await pushObjects({
        cacheDir: cache,
        remote,
        oids: [good, corruptSmall, corruptLarge, missing, listing, 'not-an-oid'],
      });
      expect(summary.transferred).toBe(1);
      expect(codes(summary)).toEqual({
        [corruptSmall]: 'CAIRN_CACHE_CORRUPT',
        [corruptLarge]: 'CAIRN_CACHE_CORRUPT',
        [missing]: 'CAIRN_CACHE_MISSING',
        [listing]: 'CAIRN_REMOTE_INCOMPLETE_DIR',
        'not-an-oid': 'CAIRN_REMOTE_INVALID_OID',
      });
      expect([...(await remoteHas(remote, [good, corruptSmall, corruptLarge, missing, listing]))]).toEqual([good]);
      for (const oid of [corruptSmall, corruptLarge]) expect(await remote.exists(oidToKey(oid))).toBe(false);
    }, 120_000);

    it('discards a tampered remote object on fetch and reports it, keeping the others', async () => {
      const remote = await fresh('tamper');
      const cache = await emptyCache();
      const kept = await addToCache(cache, 'kept\n');
      const tamperedSmall = await addToCache(cache, 'original small\n');
      const tamperedLarge = await addToCache(cache, Buffer.alloc(9 * MiB, 3));
      const oids = [kept, tamperedSmall, tamperedLarge];
      expect((await pushObjects({ cacheDir: cache, remote, oids })).failed).toEqual([]);
      await remote.write(oidToKey(tamperedSmall), Buffer.from('evil small\n'));
      await remote.write(oidToKey(tamperedLarge), Buffer.alloc(9 * MiB, 4));

      const target = await emptyCache();
      const summary = await fetchObjects({ cacheDir: target, remote, oids });
      expect(summary.transferred).toBe(1);
      expect(codes(summary)).toEqual({
        [tamperedSmall]: 'CAIRN_REMOTE_CORRUPT',
        [tamperedLarge]: 'CAIRN_REMOTE_CORRUPT',
      });
      expect(summary.failed[0]?.reason).toMatch(/hashes to [0-9a-f]{32}, not [0-9a-f]{32}/);
      expect(await listFiles(target)).toEqual([
        join('files', 'md5', kept.slice(0, 2), kept.slice(2)),
      ]);
    }, 120_000);

    it('stops on abort, leaving no partial object in the cache', async () => {
      const remote = await fresh('abort');
      const oids = small.slice(0, 400);
      expect((await pushObjects({ cacheDir: source, remote, oids })).failed).toEqual([]);
      const target = await emptyCache();
      const controller = new AbortController();
      let done = 0;
      const fetching = fetchObjects({
        cacheDir: target,
        remote,
        oids,
        jobs: 4,
        signal: controller.signal,
        onProgress: (event) => {
          if (event.type === 'progress' && ++done === 50) controller.abort();
        },
      });
      await expect(fetching).rejects.toMatchObject({ code: 'CAIRN_REMOTE_ABORTED' });
      const files = await listFiles(target);
      expect(files.filter((f) => f.endsWith('.cairn-tmp'))).toEqual([]);
      expect(files.length).toBeLessThan(oids.length);
      for (const file of files) {
        const oid = file.split('/').slice(-2).join('');
        expect(await md5OfFile(join(target, file))).toBe(oid);
      }
    }, 120_000);

    if (target.emulator) describeFaults(target as TransferTarget & { emulator: () => Emulator });

    function describeFaults(faulty: TransferTarget & { emulator: () => Emulator }) {
      it(
        'completes push and fetch through retries when 10% of requests fail, drop or break off',
        async () => {
          const emulator = faulty.emulator();
          const remote = await fresh('faults');
          const cache = await emptyCache();
          const oids = [...(await addSmallObjects(cache, 300, `faults-${faulty.name}`))];
          oids.push(await addToCache(cache, Buffer.alloc(20 * MiB + 3, 9)));
          await emulator.takeStats();
          await emulator.setFaults({ errorShare: 0.04, dropShare: 0.03, truncateShare: 0.03 });
          try {
            const pushed = await pushObjects({ cacheDir: cache, remote, oids });
            expect(pushed.failed).toEqual([]);
            expect(pushed.transferred).toBe(oids.length);
            const target = await emptyCache();
            const fetched = await fetchObjects({ cacheDir: target, remote, oids });
            expect(fetched.failed).toEqual([]);
            expect(fetched.transferred).toBe(oids.length);
            await expectSameObjects(cache, target, oids);
          } finally {
            await emulator.setFaults({});
          }
          const stats = await emulator.takeStats();
          expect(stats.errors + stats.drops).toBeGreaterThan(0);
        },
        300_000,
      );

      it('reports every object as failed when uploads and downloads keep failing, and leaves nothing behind', async () => {
        const emulator = faulty.emulator();
        const remote = await fresh('down');
        const cache = await emptyCache();
        const oids = await addSmallObjects(cache, 5, `down-${faulty.name}`);
        await emulator.setFaults({ errorShare: 1, methods: ['PUT', 'POST'] });
        let pushed: TransferSummary;
        try {
          pushed = await pushObjects({ cacheDir: cache, remote, oids });
        } finally {
          await emulator.setFaults({});
        }
        expect(pushed.transferred).toBe(0);
        expect(pushed.failed.map((f) => f.code)).toEqual(oids.map(() => 'CAIRN_REMOTE_IO'));
        expect(pushed.failed[0]?.reason).toMatch(/503.*after \d+ attempts|after \d+ attempts|503/);
        expect((await remoteHas(remote, oids)).size).toBe(0);

        expect((await pushObjects({ cacheDir: cache, remote, oids })).transferred).toBe(oids.length);
        const target = await emptyCache();
        await emulator.setFaults({ errorShare: 1, methods: ['GET'] });
        let fetched: TransferSummary;
        try {
          fetched = await fetchObjects({ cacheDir: target, remote, oids });
        } finally {
          await emulator.setFaults({});
        }
        expect(fetched.transferred).toBe(0);
        expect(fetched.failed.map((f) => f.code)).toEqual(oids.map(() => 'CAIRN_REMOTE_IO'));
        expect(await listFiles(target)).toEqual([]);
      }, 120_000);

      it('catches bytes altered in flight, and fetches the intact object once the network is clean', async () => {
        const emulator = faulty.emulator();
        const remote = await fresh('inflight');
        const cache = await emptyCache();
        const oid = await addToCache(cache, 'bytes that will be flipped on the way\n');
        expect((await pushObjects({ cacheDir: cache, remote, oids: [oid] })).failed).toEqual([]);
        const target = await emptyCache();
        await emulator.setFaults({ tamperPath: oid.slice(2) });
        let summary: TransferSummary;
        try {
          summary = await fetchObjects({ cacheDir: target, remote, oids: [oid] });
        } finally {
          await emulator.setFaults({});
        }
        expect(codes(summary)).toEqual({ [oid]: 'CAIRN_REMOTE_CORRUPT' });
        expect(await listFiles(target)).toEqual([]);
        expect((await emulator.takeStats()).tampered).toBeGreaterThan(0);
        expect(await fetchObjects({ cacheDir: target, remote, oids: [oid] })).toMatchObject({
          transferred: 1,
          failed: [],
        });
      });
    }
  });
}

function codes(summary: TransferSummary): Record<string, string> {
  return Object.fromEntries(summary.failed.map((f) => [f.oid, f.code]));
}

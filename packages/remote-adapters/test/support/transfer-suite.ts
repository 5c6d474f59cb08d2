import { mkdtemp, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { HashPool } from '@cairn/core-io';
import { type Emulator, scratchDir } from '@cairn/emulators';
import type { ProgressEvent, RemoteDriver } from '@cairn/types';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RetryPolicy } from '../../src/index.js';
import {
  fetchObjects,
  listRemoteOids,
  oidToKey,
  pushObjects,
  remoteHas,
  type TransferOptions,
  type TransferSummary,
} from '../../src/index.js';
import { cachePath } from '../../src/layout.js';
import {
  addDirObject,
  addLargeObject,
  addSmallObjects,
  addToCache,
  expectCleanCache,
  expectRemoteIntact,
  expectSameObjects,
  listFiles,
  md5OfFile,
  withPeakBufferMemory,
  writeObject,
} from './cache.js';
import { SOURCE_SMALL_OBJECTS } from './global-source.js';

const MiB = 1 << 20;

export interface TransferTarget {
  name: string;
  /** A driver on a fresh, empty root. */
  open(root: string): Promise<RemoteDriver>;
  /**
   * The emulator for the fault tests, with a driver factory that goes through its fault proxy
   * (none for the local folder). Separate from `open`, which may target a real bucket.
   */
  faults?: {
    emulator: () => Emulator;
    open(root: string, retry?: Partial<RetryPolicy>): Promise<RemoteDriver>;
    /** The request that makes a multi-part upload visible (S3 CompleteMultipartUpload, …). */
    completing?: { methods: string[]; urlContains: string };
  };
  /** A real bucket: slower, so the timeouts are longer. */
  real?: boolean;
  /** Small objects in the bulk test (default `SOURCE_SMALL_OBJECTS`). */
  smallObjects?: number;
  /** Size of the large object (default 200 MiB). */
  largeBytes?: number;
  /** Threads every transfer gets (`TransferOptions.pool`): bulk copies for a local folder. */
  pool?: HashPool;
}

/**
 * End-to-end tests of `pushObjects` / `fetchObjects` against one backend: bulk and large
 * round trips, corrupt and missing cache objects, tampered remote objects, and (behind an
 * emulator) injected faults.
 */
export function describeTransfers(target: TransferTarget): void {
  const smallCount = target.smallObjects ?? SOURCE_SMALL_OBJECTS;
  const largeBytes = target.largeBytes ?? 200 * MiB;
  // Real clouds answer in tens of milliseconds, not microseconds.
  const slow = target.real ? 10 : 1;
  const label = target.name;
  // With `target.pool`, transfers to and from a local folder copy small objects on its threads.
  const withPool = (options: TransferOptions): TransferOptions =>
    target.pool ? { ...options, pool: target.pool } : options;
  const pushWith = (options: TransferOptions) => pushObjects(withPool(options));
  const fetchWith = (options: TransferOptions) => fetchObjects(withPool(options));
  const inBulk = target.pool !== undefined;

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
    const freshFaulty = async (label: string, retry?: Partial<RetryPolicy>) => {
      if (!target.faults) throw new Error('no emulator for fault tests');
      const driver = await target.faults.open(`${label}-${process.pid}-${++rootCount}`, retry);
      opened.push(driver);
      return driver;
    };
    const emptyCache = () => mkdtemp(join(base, 'cache-'));

    beforeAll(async () => {
      base = await mkdtemp(join(scratchDir(), 'cairn-transfer-'));
      // The source cache is built once per run (global setup) when the sizes are the default.
      const shared = inject('transferSource');
      if (shared && shared.smallCount === smallCount && shared.largeBytes === largeBytes) {
        ({ dir: source, small, dirOid: dir, large } = shared);
        return;
      }
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
        const pushed = await pushWith({
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
        const verified = new Map<string, { ino: number; mtimeMs: number; size: number }>();
        const fetched = await fetchWith({
          cacheDir: target,
          remote,
          oids,
          onVerified: (oid, info) => verified.set(oid, info),
        });
        expect(fetched).toMatchObject({ transferred: oids.length, skipped: 0, failed: [] });
        // Each object written was reported with the stat it has in the cache.
        expect(verified.size).toBe(oids.length);
        for (const oid of [dir, small[0] as string]) {
          const info = await stat(cachePath(target, oid));
          expect(verified.get(oid)).toEqual({
            ino: info.ino,
            mtimeMs: info.mtimeMs,
            size: info.size,
          });
        }
        // Every object hashes to its name (the md5 of the source bytes), and a sample is
        // compared byte for byte as well.
        expect(await expectCleanCache(target)).toEqual([...oids].sort());
        await expectSameObjects(source, target, [dir, ...small.filter((_, i) => i % 40 === 0)]);
        expect((await stat(cachePath(target, dir))).mode & 0o777).toBe(0o444);

        // Only missing objects move: nothing the second time, then exactly what was lost.
        expect(await pushWith({ cacheDir: source, remote, oids })).toMatchObject({
          transferred: 0,
          skipped: oids.length,
          failed: [],
          bytes: 0,
        });
        expect(await fetchWith({ cacheDir: target, remote, oids })).toMatchObject({
          transferred: 0,
          skipped: oids.length,
          failed: [],
          bytes: 0,
        });
        const lost = small.slice(100, 120);
        for (const oid of lost) await remote.delete(oidToKey(oid));
        expect(await pushWith({ cacheDir: source, remote, oids })).toMatchObject({
          transferred: lost.length,
          skipped: oids.length - lost.length,
          failed: [],
        });
        expect((await remoteHas(remote, oids)).size).toBe(oids.length);
      },
      600_000 * slow,
    );

    it(
      `round-trips a ${Math.round(largeBytes / MiB)} MiB object`,
      async () => {
        const remote = await fresh('large');
        // Streamed both ways: the Buffer memory in use never grows by anything near the
        // object's size (parts in flight, socket buffers, and garbage the GC has not yet
        // collected: up to ~100 MiB with GCS's 8 MiB chunks copied on the way).
        const memoryCeiling = Math.min(largeBytes * 0.6, 128 * MiB);
        const push = await withPeakBufferMemory(() =>
          pushWith({ cacheDir: source, remote, oids: [large] }),
        );
        expect(push.result).toMatchObject({ transferred: 1, failed: [], bytes: largeBytes });
        expect(push.peakRise).toBeLessThan(memoryCeiling);
        expect((await remote.stat(oidToKey(large))).size).toBe(largeBytes);
        const target = await emptyCache();
        const fetch = await withPeakBufferMemory(() =>
          fetchWith({ cacheDir: target, remote, oids: [large] }),
        );
        expect(fetch.result).toMatchObject({ transferred: 1, failed: [], bytes: largeBytes });
        expect(fetch.peakRise).toBeLessThan(memoryCeiling);
        expect(await md5OfFile(cachePath(target, large))).toBe(large);
        expect((await stat(cachePath(target, large))).mode & 0o777).toBe(0o444);
        expect(await expectCleanCache(target)).toEqual([large]);
        await rm(target, { recursive: true, force: true });
      },
      600_000 * slow,
    );

    it(
      'never uploads a corrupt or missing cache object, nor a .dir that lists one',
      async () => {
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
        const summary = await pushWith({
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
        expect([
          ...(await remoteHas(remote, [good, corruptSmall, corruptLarge, missing, listing])),
        ]).toEqual([good]);
        for (const oid of [corruptSmall, corruptLarge])
          expect(await remote.exists(oidToKey(oid))).toBe(false);
      },
      120_000 * slow,
    );

    it(
      'discards a tampered remote object on fetch and reports it, keeping the others',
      async () => {
        const remote = await fresh('tamper');
        const cache = await emptyCache();
        const kept = await addToCache(cache, 'kept\n');
        const tamperedSmall = await addToCache(cache, 'original small\n');
        const tamperedLarge = await addToCache(cache, Buffer.alloc(9 * MiB, 3));
        const oids = [kept, tamperedSmall, tamperedLarge];
        expect((await pushWith({ cacheDir: cache, remote, oids })).failed).toEqual([]);
        await remote.write(oidToKey(tamperedSmall), Buffer.from('evil small\n'));
        await remote.write(oidToKey(tamperedLarge), Buffer.alloc(9 * MiB, 4));

        const target = await emptyCache();
        const summary = await fetchWith({ cacheDir: target, remote, oids });
        expect(summary.transferred).toBe(1);
        expect(codes(summary)).toEqual({
          [tamperedSmall]: 'CAIRN_REMOTE_CORRUPT',
          [tamperedLarge]: 'CAIRN_REMOTE_CORRUPT',
        });
        expect(summary.failed[0]?.reason).toMatch(/hashes to [0-9a-f]{32}, not [0-9a-f]{32}/);
        expect(summary.failed[0]?.reason).toContain(oidToKey(summary.failed[0]?.oid ?? ''));
        expect(await listFiles(target)).toEqual([
          join('files', 'md5', kept.slice(0, 2), kept.slice(2)),
        ]);
        expect(await expectCleanCache(target)).toEqual([kept]);
      },
      120_000 * slow,
    );

    it(
      'stops on abort, leaving no partial object in the cache',
      async () => {
        const remote = await fresh('abort');
        // Bulk copies report their objects a slice at a time: more than one slice is needed.
        const oids = small.slice(0, inBulk ? 1_500 : 400);
        expect((await pushWith({ cacheDir: source, remote, oids })).failed).toEqual([]);
        const target = await emptyCache();
        const controller = new AbortController();
        let done = 0;
        const fetching = fetchWith({
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
        expect((await expectCleanCache(target)).length).toBeLessThan(oids.length);
      },
      120_000 * slow,
    );

    if (target.faults) describeFaults(target.faults);

    function describeFaults(faulty: NonNullable<TransferTarget['faults']>) {
      it('completes push and fetch through retries when 10% of requests fail, drop or break off', async () => {
        const emulator = faulty.emulator();
        const remote = await freshFaulty('faults');
        const cache = await emptyCache();
        const oids = [...(await addSmallObjects(cache, 300, `faults-${label}`))];
        oids.push(await addToCache(cache, Buffer.alloc(20 * MiB + 3, 9)));
        await emulator.takeStats();
        const fetchedInto = await emptyCache();
        await emulator.setFaults({ errorShare: 0.04, dropShare: 0.03, truncateShare: 0.03 });
        try {
          const pushed = await pushWith({ cacheDir: cache, remote, oids });
          expect(pushed.failed).toEqual([]);
          expect(pushed.transferred).toBe(oids.length);
          const fetched = await fetchWith({ cacheDir: fetchedInto, remote, oids });
          expect(fetched.failed).toEqual([]);
          expect(fetched.transferred).toBe(oids.length);
        } finally {
          await emulator.setFaults({});
        }
        const stats = await emulator.takeStats();
        expect(stats.errors + stats.drops).toBeGreaterThan(0);
        await expectSameObjects(cache, fetchedInto, oids);
        expect(await expectCleanCache(fetchedInto)).toEqual([...oids].sort());
        expect((await expectRemoteIntact(remote, oids)).size).toBe(oids.length);
      }, 300_000);

      const completing = faulty.completing;
      if (completing) {
        it('finishes a large upload whose completing request was carried out but never answered', async () => {
          const emulator = faulty.emulator();
          const remote = await freshFaulty('lost-answer');
          const cache = await emptyCache();
          const oid = await addToCache(cache, Buffer.alloc(17 * MiB + 5, 7));
          await emulator.takeStats();
          await emulator.setFaults({ loseAnswers: 1, ...completing });
          try {
            expect(await pushWith({ cacheDir: cache, remote, oids: [oid] })).toMatchObject({
              failed: [],
              transferred: 1,
            });
          } finally {
            await emulator.setFaults({});
          }
          expect((await emulator.takeStats()).lost).toBe(1);
          const fetchedInto = await emptyCache();
          expect((await fetchWith({ cacheDir: fetchedInto, remote, oids: [oid] })).failed).toEqual(
            [],
          );
          await expectSameObjects(cache, fetchedInto, [oid]);
        }, 120_000);
      }

      it('when retries cannot hide the faults: a per-object summary, only complete objects on the remote and in the cache, and a clean rerun moves just the rest', async () => {
        const emulator = faulty.emulator();
        // Two tries against 55% failing requests: some objects get through, some do not.
        const remote = await freshFaulty('heavy', { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 });
        const cache = await emptyCache();
        const oids = await addSmallObjects(cache, 80, `heavy-${label}`);
        oids.push(await addToCache(cache, Buffer.alloc(9 * MiB + 1, 5)));
        // Uploads and downloads are faulted, not the existence checks: a push whose check of
        // the remote fails stops as a whole (an error, not a summary).
        const faults = { errorShare: 0.3, dropShare: 0.15, truncateShare: 0.1 };

        await emulator.setFaults({ ...faults, methods: ['PUT', 'POST'] });
        let pushed: TransferSummary;
        try {
          pushed = await pushWith({ cacheDir: cache, remote, oids, jobs: 8 });
        } finally {
          await emulator.setFaults({});
        }
        expect(pushed.transferred + pushed.failed.length).toBe(oids.length);
        expect(pushed.failed.length).toBeGreaterThan(0);
        expectClearFailures(pushed);
        // Whatever the remote reports present is complete; everything reported pushed is there.
        const present = await expectRemoteIntact(remote, oids);
        const failedPush = new Set(pushed.failed.map((f) => f.oid));
        for (const oid of oids) if (!failedPush.has(oid)) expect(present.has(oid)).toBe(true);
        // A clean rerun moves what is missing and nothing else.
        const rerun = await pushWith({ cacheDir: cache, remote, oids });
        expect(rerun).toMatchObject({ failed: [], skipped: present.size });
        expect(rerun.transferred).toBe(oids.length - present.size);

        const target2 = await emptyCache();
        await emulator.setFaults({ ...faults, methods: ['GET'] });
        let fetched: TransferSummary;
        try {
          fetched = await fetchWith({ cacheDir: target2, remote, oids, jobs: 8 });
        } finally {
          await emulator.setFaults({});
        }
        expect(fetched.transferred + fetched.failed.length).toBe(oids.length);
        expect(fetched.failed.length).toBeGreaterThan(0);
        expectClearFailures(fetched);
        const cached = await expectCleanCache(target2);
        expect(cached.length).toBe(fetched.transferred);
        for (const failure of fetched.failed) expect(cached).not.toContain(failure.oid);
        const refetch = await fetchWith({ cacheDir: target2, remote, oids });
        expect(refetch).toMatchObject({
          failed: [],
          skipped: fetched.transferred,
          transferred: fetched.failed.length,
        });
        await expectSameObjects(cache, target2, oids);
      }, 300_000);

      it('reports every object as failed when uploads and downloads keep failing, and leaves nothing behind', async () => {
        const emulator = faulty.emulator();
        const remote = await freshFaulty('down');
        const cache = await emptyCache();
        const oids = await addSmallObjects(cache, 5, `down-${label}`);
        await emulator.setFaults({ errorShare: 1, methods: ['PUT', 'POST'] });
        let pushed: TransferSummary;
        try {
          pushed = await pushWith({ cacheDir: cache, remote, oids });
        } finally {
          await emulator.setFaults({});
        }
        expect(pushed.transferred).toBe(0);
        expect(pushed.failed.map((f) => f.code)).toEqual(oids.map(() => 'CAIRN_REMOTE_IO'));
        expect(pushed.failed[0]?.reason).toMatch(/503.*after \d+ attempts|after \d+ attempts|503/);
        expect((await remoteHas(remote, oids)).size).toBe(0);

        expect((await pushWith({ cacheDir: cache, remote, oids })).transferred).toBe(oids.length);
        const target = await emptyCache();
        await emulator.setFaults({ errorShare: 1, methods: ['GET'] });
        let fetched: TransferSummary;
        try {
          fetched = await fetchWith({ cacheDir: target, remote, oids });
        } finally {
          await emulator.setFaults({});
        }
        expect(fetched.transferred).toBe(0);
        expect(fetched.failed.map((f) => f.code)).toEqual(oids.map(() => 'CAIRN_REMOTE_IO'));
        expect(await listFiles(target)).toEqual([]);
      }, 120_000);

      it('catches bytes altered in flight, and fetches the intact object once the network is clean', async () => {
        const emulator = faulty.emulator();
        const remote = await freshFaulty('inflight');
        const cache = await emptyCache();
        const oid = await addToCache(cache, 'bytes that will be flipped on the way\n');
        expect((await pushWith({ cacheDir: cache, remote, oids: [oid] })).failed).toEqual([]);
        const target = await emptyCache();
        await emulator.setFaults({ tamperPath: oid.slice(2) });
        let summary: TransferSummary;
        try {
          summary = await fetchWith({ cacheDir: target, remote, oids: [oid] });
        } finally {
          await emulator.setFaults({});
        }
        expect(codes(summary)).toEqual({ [oid]: 'CAIRN_REMOTE_CORRUPT' });
        expect(await listFiles(target)).toEqual([]);
        expect((await emulator.takeStats()).tampered).toBeGreaterThan(0);
        expect(await fetchWith({ cacheDir: target, remote, oids: [oid] })).toMatchObject({
          transferred: 1,
          failed: [],
        });
      });
    }
  });
}

/**
 * Every failure names its object, carries a stable code and a one-line reason that names the
 * remote key (or the cache object) and how it failed.
 */
function expectClearFailures(summary: TransferSummary): void {
  for (const failure of summary.failed) {
    expect(failure.oid).toMatch(/^[0-9a-f]{32}(\.dir)?$/);
    expect(failure.code).toMatch(/^CAIRN_REMOTE_(IO|CORRUPT)$/);
    expect(failure.reason).not.toContain('\n');
    expect(failure.reason).toContain(failure.oid.slice(2));
  }
}

function codes(summary: TransferSummary): Record<string, string> {
  return Object.fromEntries(summary.failed.map((f) => [f.oid, f.code]));
}

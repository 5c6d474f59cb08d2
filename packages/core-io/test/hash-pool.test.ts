import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProgressEvent } from '@cairn/types';
import { describe, expect, it } from 'vitest';
import { hashBytes, hashFile } from '../src/hash.js';
import { importDist, tempDir } from './helpers.js';

// The pool runs compiled workers, so it is tested from dist/ (built by the global setup); that
// also proves the worker script resolves from the published layout.
const { HashPool, placedPairs, SMALL_FILE_MAX, UNVERIFIED } = await importDist();

function makeFiles(root: string, count: number, folders: number): string[] {
  const paths: string[] = [];
  for (let f = 0; f < folders; f++) mkdirSync(join(root, `d${f}`));
  for (let i = 0; i < count; i++) {
    const path = join(root, `d${i % folders}`, `f${i}.txt`);
    writeFileSync(path, `file ${i}\n`.repeat(i % 7));
    paths.push(path);
  }
  return paths;
}

/** Who copies into a store: worker threads only, or the calling thread alone. */
const STORE_THREADS = [
  ['worker threads', { workers: 2, useCallingThread: false }],
  ['the calling thread', { workers: 1 }],
] as const;

describe('HashPool', () => {
  it('hashes 20,000 small files like hashing them one by one, in input order', async () => {
    const root = await tempDir({ inMemory: true });
    const paths = makeFiles(root, 20_000, 100);
    const pool = new HashPool({ workers: 2 });
    const events: ProgressEvent[] = [];
    try {
      const results = await pool.hashFiles(paths, { onProgress: (e) => events.push(e) });
      const oneByOne = paths.map((path) => hashBytes(readFileSync(path)));
      expect(results).toEqual(oneByOne);
      // And the streaming single-file API agrees on a sample.
      for (const i of [0, 1, 6, 9_999, 19_999]) {
        expect(await hashFile(paths[i] as string)).toEqual(results[i]);
      }
    } finally {
      await pool.close();
    }
    expect(events[0]).toMatchObject({ type: 'start', total: 20_000, unit: 'files' });
    expect(events.at(-1)).toEqual({ type: 'done', id: 'hash', done: 20_000 });
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.at(-1)).toMatchObject({ done: 20_000, total: 20_000 });
  });

  it.each([
    ['worker threads only', { workers: 2, useCallingThread: false }],
    ['a worker thread and the calling thread', { workers: 2 }],
    ['the calling thread alone', { workers: 1 }],
  ] as const)('hashes large, small and empty files with %s', async (_name, options) => {
    const root = await tempDir();
    const big = Buffer.alloc((3 << 20) + 5, 7);
    writeFileSync(join(root, 'big'), big);
    writeFileSync(join(root, 'big-unannounced'), big);
    writeFileSync(join(root, 'small'), 'foo');
    writeFileSync(join(root, 'empty'), '');
    const pool = new HashPool(options);
    try {
      const inputs = [
        { path: join(root, 'big'), size: big.length },
        join(root, 'big-unannounced'),
        join(root, 'small'),
        { path: join(root, 'empty'), size: 0 },
      ];
      const bigMd5 = hashBytes(big, { algorithms: ['md5'] });
      expect(await pool.hashFiles(inputs, { algorithms: ['md5'] })).toEqual([
        bigMd5,
        bigMd5,
        { size: 3, md5: 'acbd18db4cc2f85cedef654fccc4a4d8' },
        { size: 0, md5: 'd41d8cd98f00b204e9800998ecf8427e' },
      ]);
    } finally {
      await pool.close();
    }
  });

  it.each([
    ['a worker thread', { workers: 1, useCallingThread: false }],
    ['the calling thread', { workers: 1 }],
  ] as const)(
    'rejects with CAIRN_HASH_FAILED naming a missing file on %s, and stays usable',
    async (_name, options) => {
      const root = await tempDir();
      writeFileSync(join(root, 'ok'), 'ok');
      const pool = new HashPool(options);
      try {
        await expect(pool.hashFiles([join(root, 'ok'), join(root, 'gone')])).rejects.toMatchObject({
          code: 'CAIRN_HASH_FAILED',
          message: expect.stringContaining(join(root, 'gone')),
          details: { errno: 'ENOENT' },
        });
        expect(await pool.hashFiles([join(root, 'ok')])).toEqual([hashBytes('ok')]);
      } finally {
        await pool.close();
      }
    },
  );

  it.each(STORE_THREADS)(
    'copies small files into a content-addressed folder with %s',
    async (_n, options) => {
      const root = await tempDir({ inMemory: true });
      const paths = makeFiles(root, 300, 3);
      const big = join(root, 'big.bin');
      writeFileSync(big, Buffer.alloc(3 << 20, 7));
      const store = join(root, 'objects');
      const known = hashBytes(readFileSync(paths[5] as string), { algorithms: ['md5'] }).md5;
      mkdirSync(join(store, known.slice(0, 2)), { recursive: true });
      writeFileSync(
        join(store, known.slice(0, 2), known.slice(2)),
        readFileSync(paths[5] as string),
      );
      const pool = new HashPool(options);
      try {
        const results = await pool.hashFiles([...paths, big], {
          algorithms: ['md5'],
          storeInto: { dir: store },
        });
        const bigResult = results.at(-1);
        expect(bigResult?.stored).toBeUndefined(); // too large for one read: left to the caller
        for (const [i, result] of results.slice(0, -1).entries()) {
          const object = join(store, result.md5.slice(0, 2), result.md5.slice(2));
          expect(readFileSync(object)).toEqual(readFileSync(paths[i] as string));
          if (i !== 5) expect(statSync(object).mode & 0o777).toBe(0o444);
          if (result.stored === 'written') {
            expect(statSync(object)).toMatchObject({
              ino: result.objectIno,
              mtimeMs: result.objectMtimeMs,
            });
          }
        }
        // The pre-existing object is reported present, not rewritten; duplicates (files with equal
        // content) are written once and then found.
        expect(results[5]?.stored).toBe('present');
        const written = new Set(results.filter((r) => r.stored === 'written').map((r) => r.md5));
        const distinct = new Set(results.slice(0, -1).map((r) => r.md5));
        expect(written.size).toBe(distinct.size - 1);
        const leftovers = readdirSync(store, { recursive: true }).filter((n) =>
          String(n).endsWith('.cairn-tmp'),
        );
        expect(leftovers).toEqual([]);
      } finally {
        await pool.close();
      }
    },
  );

  it.each(STORE_THREADS)(
    'writes again what was removed since it stored it, with %s',
    async (_n, options) => {
      const root = await tempDir({ inMemory: true });
      const paths = makeFiles(root, 200, 2);
      const store = join(root, 'objects');
      const objectOf = (md5: string) => join(store, md5.slice(0, 2), md5.slice(2));
      const pool = new HashPool(options);
      try {
        const first = await pool.hashFiles(paths, {
          algorithms: ['md5'],
          storeInto: { dir: store },
        });
        const removed = first[0]?.md5 as string;
        const folder = (first.find((r) => r.md5.slice(0, 2) !== removed.slice(0, 2))?.md5 ??
          '') as string;
        rmSync(objectOf(removed));
        rmSync(join(store, folder.slice(0, 2)), { recursive: true });
        const again = await pool.hashFiles(paths, {
          algorithms: ['md5'],
          storeInto: { dir: store },
        });
        for (const [i, result] of again.entries()) {
          expect(readFileSync(objectOf(result.md5))).toEqual(readFileSync(paths[i] as string));
        }
        // Files with equal content: one of them writes it (which one depends on the threads).
        const wrote = (md5: string) => again.some((r) => r.md5 === md5 && r.stored === 'written');
        expect(wrote(removed)).toBe(true);
        expect(wrote(folder)).toBe(true);
      } finally {
        await pool.close();
      }
    },
  );

  it('stores a file of exactly SMALL_FILE_MAX bytes from the bytes it hashed, not one byte more', async () => {
    const root = await tempDir({ inMemory: true });
    const edge = join(root, 'edge.bin');
    const over = join(root, 'over.bin');
    writeFileSync(edge, Buffer.alloc(SMALL_FILE_MAX, 3));
    writeFileSync(over, Buffer.alloc(SMALL_FILE_MAX + 1, 3));
    const store = join(root, 'objects');
    const pool = new HashPool({ workers: 1 });
    try {
      const [atEdge, overEdge] = await pool.hashFiles([edge, over], {
        algorithms: ['md5'],
        storeInto: { dir: store },
      });
      expect(atEdge?.md5).toBe(hashBytes(readFileSync(edge), { algorithms: ['md5'] }).md5);
      expect(overEdge?.md5).toBe(hashBytes(readFileSync(over), { algorithms: ['md5'] }).md5);
      expect(atEdge?.stored).toBe('written');
      const md5 = atEdge?.md5 as string;
      expect(readFileSync(join(store, md5.slice(0, 2), md5.slice(2)))).toEqual(readFileSync(edge));
      expect(overEdge?.stored).toBeUndefined(); // large: streamed by the caller
    } finally {
      await pool.close();
    }
  });

  it('hashes medium files on the calling thread a few at a time, in order', async () => {
    const root = await tempDir();
    const paths = Array.from({ length: 9 }, (_, i) => {
      const path = join(root, `m${i}`);
      writeFileSync(path, Buffer.alloc(600 << 10, i));
      return path;
    });
    const pool = new HashPool({ workers: 1 });
    const seen: number[] = [];
    try {
      const results = await pool.hashFiles(paths, {
        onProgress: (e) => {
          if (e.type === 'progress') seen.push(e.done);
        },
      });
      expect(results).toEqual(paths.map((p) => hashBytes(readFileSync(p))));
      // At most about 1 MiB per turn: two of these files, never all nine at once.
      expect(seen.length).toBeGreaterThanOrEqual(4);
      expect(seen.at(-1)).toBe(9);
    } finally {
      await pool.close();
    }
  });

  it('trusts a known size only as far as the file agrees with it', async () => {
    const root = await tempDir();
    writeFileSync(join(root, 'grew'), 'longer than announced');
    writeFileSync(join(root, 'shrank'), 'ab');
    const pool = new HashPool({ workers: 1 });
    try {
      await pool.warmUp();
      const results = await pool.hashFiles([
        { path: join(root, 'grew'), size: 6 },
        { path: join(root, 'shrank'), size: 100 },
      ]);
      expect(results).toEqual([hashBytes('longer than announced'), hashBytes('ab')]);
    } finally {
      await pool.close();
    }
  });

  it('answers an empty list without starting workers, and refuses work after close', async () => {
    const pool = new HashPool();
    expect(await pool.hashFiles([])).toEqual([]);
    await pool.close();
    await expect(pool.hashFiles(['x'])).rejects.toThrow('closed');
  });

  it('rejects with the abort reason when cancelled', async () => {
    const root = await tempDir();
    const paths = makeFiles(root, 200, 2);
    const pool = new HashPool({ workers: 1 });
    const controller = new AbortController();
    try {
      const pending = pool.hashFiles(paths, { signal: controller.signal });
      controller.abort();
      await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    } finally {
      await pool.close();
    }
  });
});

describe('HashPool.statFiles', () => {
  /** What statFiles promises for one path: lstat's inode, mtimeMs, size and mode. */
  function expectedStats(paths: readonly string[]): number[] {
    return paths.flatMap((path) => {
      const st = lstatSync(path, { throwIfNoEntry: false });
      return st?.isFile() ? [st.ino, st.mtimeMs, st.size, st.mode] : [Number.NaN, 0, 0, 0];
    });
  }

  it.each([
    ['worker threads only', { workers: 2, useCallingThread: false }],
    ['a worker thread and the calling thread', { workers: 2 }],
    ['the calling thread alone', { workers: 1 }],
  ] as const)('gives every path its lstat, in input order, with %s', async (_name, options) => {
    const root = await tempDir({ inMemory: true });
    const paths = makeFiles(root, 5_000, 10);
    // Gone, a folder: no stat (NaN inode), wherever they fall among the chunks.
    paths.splice(1_500, 0, join(root, 'missing'));
    paths.splice(4_000, 0, join(root, 'd3'));
    const pool = new HashPool(options);
    try {
      const stats = await pool.statFiles(paths);
      expect(Array.from(stats)).toEqual(expectedStats(paths));
      expect(stats[1_500 * 4]).toBeNaN();
      expect(stats[4_000 * 4]).toBeNaN();
    } finally {
      await pool.close();
    }
  });

  it('rejects with the error of an lstat that fails in a worker', async () => {
    const root = await tempDir({ inMemory: true });
    const paths = makeFiles(root, 5_000, 10);
    paths[4_500] = join(root, 'x'.repeat(300));
    const pool = new HashPool({ workers: 2, useCallingThread: false });
    try {
      await expect(pool.statFiles(paths)).rejects.toMatchObject({
        code: 'ENAMETOOLONG',
        path: paths[4_500],
      });
    } finally {
      await pool.close();
    }
  });

  it('finishes on the calling thread when its workers die', async () => {
    const root = await tempDir({ inMemory: true });
    const paths = makeFiles(root, 5_000, 10);
    const dying = join(root, 'dying-worker.mjs');
    writeFileSync(dying, 'process.exit(3);\n');
    const pool = new HashPool({
      workers: 2,
      useCallingThread: false,
      workerUrl: new URL(`file://${dying}`),
    });
    try {
      expect(Array.from(await pool.statFiles(paths))).toEqual(expectedStats(paths));
    } finally {
      await pool.close();
    }
  });
});

describe('HashPool.placeFiles', () => {
  it('hard links every pair, shared among threads, and reports each pair that failed', async () => {
    const root = await tempDir({ inMemory: true });
    const srcs = makeFiles(root, 3_000, 10);
    mkdirSync(join(root, 'out'));
    const dsts = srcs.map((_, i) => join(root, 'out', `l${i}`));
    writeFileSync(dsts[1_200] as string, 'already here'); // EEXIST
    srcs[2_500] = join(root, 'missing'); // ENOENT
    const pool = new HashPool({ workers: 2 });
    try {
      const placed = await pool.placeFiles(srcs, dsts, { how: 'link' });
      expect(placed[1_200]).toEqual({ code: 'EEXIST' });
      expect(placed[2_500]).toEqual({ code: 'ENOENT' });
      expect(placed.filter((p) => p.code !== undefined)).toHaveLength(2);
      for (const i of [0, 511, 512, 2_999]) {
        expect(statSync(dsts[i] as string).ino).toBe(statSync(srcs[i] as string).ino);
      }
      expect(readFileSync(dsts[1_200] as string, 'utf8')).toBe('already here');
      expect(statSync(srcs[0] as string).nlink).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it.each(['link', 'copy'] as const)(
    '%s: leaves alone each source whose stat is not the one expected of it',
    async (how) => {
      const root = await tempDir({ inMemory: true });
      const srcs = makeFiles(root, 2_000, 10);
      mkdirSync(join(root, 'out'));
      const dsts = srcs.map((_, i) => join(root, 'out', `v${i}`));
      const expected = srcs.map((src) => {
        const { ino, mtimeMs, size } = lstatSync(src);
        return { ino, mtimeMs, size };
      });
      writeFileSync(srcs[5] as string, 'tampered, longer than before'); // size and mtime differ
      expected[1_500] = { ...(expected[1_500] as (typeof expected)[number]), mtimeMs: 1 };
      const pool = new HashPool({ workers: 2 });
      try {
        const placement = how === 'link' ? { how } : { how, mode: 0o644 };
        const placed = await pool.placeFiles(srcs, dsts, placement, expected);
        expect(placed[5]).toEqual({ code: UNVERIFIED });
        expect(placed[1_500]).toEqual({ code: UNVERIFIED });
        expect(placed.filter((p) => p.code !== undefined)).toHaveLength(2);
        expect(existsSync(dsts[5] as string)).toBe(false);
        expect(existsSync(dsts[1_500] as string)).toBe(false);
        expect(readFileSync(dsts[1_999] as string)).toEqual(readFileSync(srcs[1_999] as string));
      } finally {
        await pool.close();
      }
    },
  );

  it("copies every pair with the given mode and returns each copy's stat", async () => {
    const root = await tempDir({ inMemory: true });
    const srcs = makeFiles(root, 2_000, 10);
    mkdirSync(join(root, 'out'));
    const dsts = srcs.map((_, i) => join(root, 'out', `c${i}`));
    writeFileSync(dsts[700] as string, 'in the way');
    const pool = new HashPool({ workers: 2, useCallingThread: false });
    try {
      const placed = await pool.placeFiles(srcs, dsts, { how: 'copy', mode: 0o640 });
      expect(placed[700]).toEqual({ code: 'EEXIST' });
      for (const i of [0, 699, 701, 1_999]) {
        const copy = lstatSync(dsts[i] as string);
        expect(readFileSync(dsts[i] as string)).toEqual(readFileSync(srcs[i] as string));
        expect(copy.ino).not.toBe(lstatSync(srcs[i] as string).ino);
        expect(copy.mode & 0o777).toBe(0o640);
        expect(placed[i]).toEqual({
          stat: { ino: copy.ino, mtimeMs: copy.mtimeMs, size: copy.size },
        });
      }
    } finally {
      await pool.close();
    }
  });

  it('copies files larger than one read, and gives the mode even where the umask would not', async () => {
    const root = await tempDir({ inMemory: true });
    const srcs = [join(root, 'big'), join(root, 'small')];
    writeFileSync(srcs[0] as string, Buffer.alloc((3 << 20) + 5, 7));
    writeFileSync(srcs[1] as string, 'small');
    const dsts = [join(root, 'big-copy'), join(root, 'small-copy')];
    const umask = process.umask(0o027);
    const pool = new HashPool({ workers: 1 });
    try {
      const placed = await pool.placeFiles(srcs, dsts, { how: 'copy', mode: 0o666 });
      expect(placed.map((p) => p.code)).toEqual([undefined, undefined]);
      for (const [i, dst] of dsts.entries()) {
        // Buffer.equals: a deep equality over 3 MiB takes vitest seconds.
        expect(readFileSync(dst).equals(readFileSync(srcs[i] as string))).toBe(true);
        expect(lstatSync(dst).mode & 0o777).toBe(0o666);
        expect(placed[i]?.stat?.size).toBe(lstatSync(dst).size);
      }
    } finally {
      process.umask(umask);
      await pool.close();
    }
  });
});

describe('HashPool.placeRanges', () => {
  it('builds each range as a thread takes it, places what the range keeps, and hands its data back', async () => {
    const root = await tempDir({ inMemory: true });
    const srcs = makeFiles(root, 4_000, 20);
    mkdirSync(join(root, 'out'));
    const dsts = srcs.map((_, i) => join(root, 'out', `r${i}`));
    writeFileSync(dsts[3_001] as string, 'already here'); // EEXIST
    const pool = new HashPool({ workers: 2 });
    const built: Array<[number, number]> = [];
    try {
      const placed = await pool.placeRanges(
        srcs.length,
        (start, end) => {
          built.push([start, end]);
          // Every tenth pair is left out; the chunk carries the index of each pair it keeps.
          const kept = Array.from({ length: end - start }, (_, k) => start + k).filter(
            (i) => i % 10 !== 0,
          );
          return {
            srcs: kept.map((i) => srcs[i] as string),
            dsts: kept.map((i) => dsts[i] as string),
            indexes: kept,
          };
        },
        { how: 'copy', mode: 0o640 },
      );
      // Consecutive ranges covering every pair, several of them (shared among threads).
      expect(built[0]?.[0]).toBe(0);
      expect(built.at(-1)?.[1]).toBe(srcs.length);
      for (let k = 1; k < built.length; k++) expect(built[k]?.[0]).toBe(built[k - 1]?.[1]);
      expect(built.length).toBeGreaterThan(4);
      const outcome = new Map<number, { code?: string; stat?: { size: number } }>();
      for (const { chunk, result } of placed) {
        placedPairs(chunk, result).forEach((p, k) => {
          outcome.set(chunk.indexes[k] as number, p);
        });
      }
      expect(outcome.size).toBe(3_600);
      expect(outcome.get(3_001)).toEqual({ code: 'EEXIST' });
      expect(readFileSync(dsts[3_001] as string, 'utf8')).toBe('already here');
      expect(existsSync(dsts[10] as string)).toBe(false); // left out
      for (const i of [1, 999, 3_999]) {
        expect(readFileSync(dsts[i] as string)).toEqual(readFileSync(srcs[i] as string));
        expect(outcome.get(i)?.stat?.size).toBe(lstatSync(dsts[i] as string).size);
      }
    } finally {
      await pool.close();
    }
  });
});

describe('HashPool.copyVerified', () => {
  it('copyVerified shares verified copies among the threads, leaving an existing destination alone', async () => {
    const dir = await tempDir();
    const names = Array.from({ length: 300 }, (_, i) => `f${i}`);
    for (const name of names) await writeFile(join(dir, name), name);
    await writeFile(join(dir, 'kept'), 'already here');
    const pool = new HashPool({ workers: 2 });
    try {
      const copied = await pool.copyVerified(
        names.map((name) => join(dir, name)),
        names.map((name) => join(dir, name === 'f7' ? 'kept' : `copy-${name}`)),
        names.map((name) => md5(name)),
        { mode: 0o444, skipExisting: true },
      );
      expect(copied[7]).toEqual({ size: -1, code: 'EEXIST' });
      expect(copied.filter((c) => c.code === undefined)).toHaveLength(299);
      expect(await readFile(join(dir, 'kept'), 'utf8')).toBe('already here');
      expect(await readFile(join(dir, 'copy-f299'), 'utf8')).toBe('f299');
    } finally {
      await pool.close();
    }
  });
});

function md5(bytes: string): string {
  return createHash('md5').update(bytes).digest('hex');
}

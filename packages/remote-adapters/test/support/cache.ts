import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdir, open, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import type { RemoteDriver } from '@cairn/types';
import { oidToKey, remoteHas } from '../../src/index.js';
import { cachePath } from '../../src/layout.js';

const MiB = 1 << 20;

/** Writes `content` into a DVC 3 cache folder under its md5 (read-only, as DVC leaves it). */
export async function addToCache(
  cacheDir: string,
  content: Buffer | string,
  suffix = '',
): Promise<string> {
  const oid = createHash('md5').update(content).digest('hex') + suffix;
  await writeObject(cacheDir, oid, content);
  return oid;
}

/** Writes bytes under `oid` whatever their hash (to build corrupt caches). */
export async function writeObject(
  cacheDir: string,
  oid: string,
  content: Buffer | string,
): Promise<string> {
  const path = cachePath(cacheDir, oid);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content, { mode: 0o444 });
  return path;
}

/**
 * `count` small objects of 1 to 4 KiB (distinct, incompressible) in a cache folder; returns their
 * ids. Folders are created once per prefix, files written in parallel batches.
 */
export async function addSmallObjects(
  cacheDir: string,
  count: number,
  seed: string,
): Promise<string[]> {
  const pool = randomBytes(4096 + count);
  const oids: string[] = [];
  const folders = new Set<string>();
  const batch: Array<Promise<void>> = [];
  for (let i = 0; i < count; i++) {
    const size = 1024 + ((i * 7919) % 3072);
    const content = Buffer.concat([Buffer.from(`${seed}:${i}\n`), pool.subarray(i, i + size)]);
    const oid = createHash('md5').update(content).digest('hex');
    oids.push(oid);
    const path = cachePath(cacheDir, oid);
    const folder = dirname(path);
    if (!folders.has(folder)) {
      folders.add(folder);
      await mkdir(folder, { recursive: true });
    }
    batch.push(writeFile(path, content, { mode: 0o444 }));
    if (batch.length >= 256) await Promise.all(batch.splice(0));
  }
  await Promise.all(batch);
  return oids;
}

/** One object of `bytes` random bytes, written and hashed chunk by chunk. */
export async function addLargeObject(cacheDir: string, bytes: number): Promise<string> {
  const temp = join(cacheDir, `large-${process.pid}.tmp`);
  const hash = createHash('md5');
  const handle = await open(temp, 'w');
  try {
    for (let written = 0; written < bytes; ) {
      const chunk = randomBytes(Math.min(4 * MiB, bytes - written));
      hash.update(chunk);
      await handle.write(chunk);
      written += chunk.length;
    }
  } finally {
    await handle.close();
  }
  const oid = hash.digest('hex');
  const path = cachePath(cacheDir, oid);
  await mkdir(dirname(path), { recursive: true });
  await rename(temp, path);
  await chmod(path, 0o444);
  return oid;
}

/** A `.dir` object listing `entries` the way DVC serialises it; returns its id. */
export async function addDirObject(
  cacheDir: string,
  entries: Array<{ relpath: string; md5: string }>,
): Promise<string> {
  const sorted = [...entries].sort((a, b) => (a.relpath < b.relpath ? -1 : 1));
  const text = JSON.stringify(sorted.map(({ md5, relpath }) => ({ md5, relpath })))
    .replaceAll('","', '", "')
    .replaceAll('},{', '}, {');
  return addToCache(cacheDir, text, '.dir');
}

export async function md5OfFile(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * MiB }))
    hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every file below `dir` (relative paths), temp files included. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) =>
      join(entry.parentPath ?? (entry as { path: string }).path, entry.name).slice(dir.length + 1),
    )
    .sort();
}

/** Fails unless every object of `oids` is byte-identical in both caches (large ones by md5). */
export async function expectSameObjects(
  from: string,
  to: string,
  oids: readonly string[],
): Promise<void> {
  for (const oid of oids) {
    const a = cachePath(from, oid);
    const b = cachePath(to, oid);
    const [sizeA, sizeB] = await Promise.all([stat(a), stat(b)]).then((s) => s.map((x) => x.size));
    const same =
      sizeA !== sizeB
        ? false
        : (sizeA ?? 0) > 16 * MiB
          ? (await md5OfFile(a)) === (await md5OfFile(b))
          : (await readFile(a)).equals(await readFile(b));
    if (!same) throw new Error(`object ${oid} differs between ${from} and ${to}`);
  }
}

/**
 * Fails unless the cache folder holds only complete objects: no temp file of an interrupted
 * download, and every object's md5 equal to its name. Returns the object ids found.
 */
export async function expectCleanCache(cacheDir: string): Promise<string[]> {
  const oids: string[] = [];
  for (const file of await listFiles(cacheDir)) {
    const parts = file.split(sep);
    const oid = `${parts.at(-2) ?? ''}${parts.at(-1) ?? ''}`;
    if (parts.length !== 4 || parts[0] !== 'files' || parts[1] !== 'md5' || !OID.test(oid)) {
      throw new Error(`unexpected file in the cache ${cacheDir}: ${file}`);
    }
    const md5 = await md5OfFile(join(cacheDir, file));
    if (md5 !== oid.slice(0, 32)) throw new Error(`cache object ${oid} hashes to ${md5}`);
    oids.push(oid);
  }
  return oids.sort();
}

const OID = /^[0-9a-f]{32}(\.dir)?$/;

/**
 * Fails unless every object among `oids` that the remote reports present reads back complete
 * (md5 equal to its name). Returns the present ones.
 */
export async function expectRemoteIntact(
  remote: RemoteDriver,
  oids: readonly string[],
): Promise<Set<string>> {
  const present = await remoteHas(remote, oids);
  for (const oid of present) {
    const hash = createHash('md5');
    for await (const chunk of await remote.read(oidToKey(oid))) hash.update(chunk as Buffer);
    const md5 = hash.digest('hex');
    if (md5 !== oid.slice(0, 32)) {
      throw new Error(`${oid} is reported present on the remote but its bytes hash to ${md5}`);
    }
  }
  return present;
}

/**
 * Runs `fn` while sampling the process's Buffer memory every 10 ms; returns its result and the
 * highest rise over the level before it started (to show a large object is streamed).
 */
export async function withPeakBufferMemory<T>(
  fn: () => Promise<T>,
): Promise<{ result: T; peakRise: number }> {
  const before = process.memoryUsage().arrayBuffers;
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
  }, 10);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    return { result, peakRise: peak - before };
  } finally {
    clearInterval(timer);
  }
}

import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { HashPool } from '@cairn/core-io';
import { afterEach, describe, expect, it } from 'vitest';
import vectors from './__fixtures__/dvc-vectors.json' with { type: 'json' };
import { ObjectIndex } from './object-index.js';
import { ObjectStore } from './object-store.js';
import { StateIndex } from './state-index.js';
import { buildTree } from './tree.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'cairn-store-'));
  dirs.push(d);
  return d;
}

describe('ObjectStore', () => {
  it('remembers that a tree is complete until an object is added or removed', async () => {
    const dir = temp();
    const files = join(dir, 'cache', 'files', 'md5');
    const oids: string[] = [];
    for (const text of ['a', 'b', 'c']) {
      writeFileSync(join(dir, text), text);
      oids.push((await new ObjectStore(join(dir, 'cache')).insertFile(join(dir, text))).oid);
    }
    // Folder mtimes in the past: a stamp younger than two seconds is never recorded.
    const age = () => {
      const past = new Date(Date.now() - 60_000);
      for (const name of ['', ...readdirSync(files)]) utimesSync(join(files, name), past, past);
    };
    age();
    const state = StateIndex.inMemory();
    const dirOid = 'd41d8cd98f00b204e9800998ecf8427e.dir';
    const open = () => new ObjectStore(join(dir, 'cache'));
    expect(open().hasTreeContents(dirOid, oids, { memo: state })).toBe(true);
    // Remembered: not even the listing is consulted now.
    const listings = () => {
      const store = open();
      let asked = 0;
      const listing = store.listOids.bind(store);
      store.listOids = (hashName) => {
        asked++;
        return listing(hashName);
      };
      return { store, asked: () => asked };
    };
    const remembered = listings();
    expect(remembered.store.hasTreeContents(dirOid, oids, { memo: state })).toBe(true);
    expect(remembered.asked()).toBe(0);
    // An object removed behind the store's back: its folder's mtime gives it away.
    const gone = remembered.store.path(oids[1] as string);
    renameSync(gone, join(dir, 'moved'));
    expect(open().hasTreeContents(dirOid, oids, { memo: state })).toBe(false);
    renameSync(join(dir, 'moved'), gone);
    // Young folders: answered from the listing every time, never recorded.
    expect(open().hasTreeContents(dirOid, oids, { memo: state })).toBe(true);
    const young = listings();
    expect(young.store.hasTreeContents(dirOid, oids, { memo: state })).toBe(true);
    expect(young.asked()).toBe(1);
  });

  it('reads the file list from the stored .dir object when none is given, and trusts no damaged one', async () => {
    const dir = temp();
    const store = new ObjectStore(join(dir, 'cache'), ObjectIndex.inMemory());
    const oids: string[] = [];
    for (const text of ['a', 'b']) {
      writeFileSync(join(dir, text), text);
      oids.push((await store.insertFile(join(dir, text))).oid);
    }
    const tree = buildTree(oids.map((md5, i) => ({ relpath: `f${i}`, md5 })));
    await store.insertBytes(tree.oid, tree.bytes);
    const listing = store.path(tree.oid);
    const fresh = () => new ObjectStore(join(dir, 'cache'), ObjectIndex.inMemory());
    expect(fresh().hasTreeContents(tree.oid)).toBe(true);
    rmSync(store.path(oids[0] as string));
    expect(fresh().hasTreeContents(tree.oid)).toBe(false);
    writeFileSync(join(dir, 'a'), 'a');
    await store.insertFile(join(dir, 'a'));
    chmodSync(listing, 0o644);
    writeFileSync(listing, Buffer.concat([tree.bytes, Buffer.from(' ')]));
    expect(fresh().hasTreeContents(tree.oid)).toBe(false);
  });

  it('places objects where DVC 3 and DVC 2 look for them', () => {
    const store = new ObjectStore('/repo/.dvc/cache');
    const oid = 'acbd18db4cc2f85cedef654fccc4a4d8';
    expect(relative('/repo', store.path(oid))).toBe(vectors.cache_paths[oid]);
    expect(relative('/repo', store.path(oid, 'md5-dos2unix'))).toBe(vectors.cache_paths.legacy);
    expect(() => store.path('../../etc/passwd')).toThrow(/not an md5 object id/);
  });

  it('stores a file under the md5 of its bytes, read-only, without temp litter', async () => {
    const dir = temp();
    const store = new ObjectStore(join(dir, 'cache'));
    writeFileSync(join(dir, 'foo'), 'foo');
    const first = await store.insertFile(join(dir, 'foo'));
    expect(first).toEqual({ oid: 'acbd18db4cc2f85cedef654fccc4a4d8', size: 3, added: true });
    const path = store.path(first.oid);
    expect(readFileSync(path, 'utf8')).toBe('foo');
    expect(statSync(path).mode & 0o777).toBe(0o444);
    expect((await store.insertFile(join(dir, 'foo'))).added).toBe(false);
    expect(store.listOids()).toEqual([first.oid]);
  });

  it('stores .dir listings only under their own md5', async () => {
    const store = new ObjectStore(join(temp(), 'cache'));
    const tree = buildTree([
      { relpath: 'foo', md5: 'acbd18db4cc2f85cedef654fccc4a4d8' },
      { relpath: 'bar', md5: '37b51d194a7513e45b56f6524f2d51f2' },
    ]);
    expect(tree.oid).toBe('5ea40360f5b4ec688df672a4db9c17d1.dir');
    await store.insertBytes(tree.oid, tree.bytes);
    expect(await store.readTree(tree.oid)).toHaveLength(2);
    await expect(
      store.insertBytes('00000000000000000000000000000000.dir', tree.bytes),
    ).rejects.toThrow(/refusing to store/);
  });

  it('detects an object whose bytes no longer match its name', async () => {
    const dir = temp();
    const store = new ObjectStore(join(dir, 'cache'), ObjectIndex.inMemory());
    writeFileSync(join(dir, 'foo'), 'foo');
    const { oid } = await store.insertFile(join(dir, 'foo'));
    expect(await store.check(oid)).toBe('ok');
    const path = store.path(oid);
    chmodSync(path, 0o644);
    writeFileSync(path, 'evil');
    chmodSync(path, 0o444);
    expect(await store.check(oid)).toBe('corrupt');
    await expect(store.assertValid(oid)).rejects.toMatchObject({ code: 'CAIRN_CACHE_CORRUPT' });
    expect(await store.check('37b51d194a7513e45b56f6524f2d51f2')).toBe('missing');
  });

  it('vouches in bulk only for objects its index saw with their current stat', async () => {
    const dir = temp();
    const store = new ObjectStore(join(dir, 'cache'), ObjectIndex.inMemory());
    const oids: string[] = [];
    for (const text of ['one', 'two', 'three']) {
      writeFileSync(join(dir, text), text);
      oids.push((await store.insertFile(join(dir, text))).oid);
    }
    // 'three' is rewritten behind the index's back (new mtime), 'four' was never stored.
    const tampered = store.path(oids[2] as string);
    chmodSync(tampered, 0o644);
    writeFileSync(tampered, 'evil!');
    oids.push('8cbad96aced40b3838dd9f07f6ef5772');
    const pool = new HashPool({ workers: 1 });
    try {
      const known = await store.checkKnown(oids, 'md5', pool);
      const one = statSync(store.path(oids[0] as string));
      expect(known[0]).toEqual({ ino: one.ino, mtimeMs: one.mtimeMs, size: 3 });
      expect(known[1]).toMatchObject({ size: 3 });
      expect(known.slice(2)).toEqual([undefined, undefined]);
    } finally {
      await pool.close();
    }
    // What is not vouched for goes through check, which hashes it.
    expect(await store.check(oids[2] as string)).toBe('corrupt');
  });

  it('stores a small file synchronously, and refuses one that changed since its stat', async () => {
    const dir = temp();
    const store = new ObjectStore(join(dir, 'cache'), ObjectIndex.inMemory());
    const src = join(dir, 'small.csv');
    writeFileSync(src, 'a,b\n1,2\n');
    const first = store.insertSmallFileSync(src, statSync(src));
    const { createHash } = await import('node:crypto');
    const md5 = createHash('md5').update('a,b\n1,2\n').digest('hex');
    expect(first).toEqual({ oid: md5, size: 8, added: true });
    expect(readFileSync(store.path(first.oid), 'utf8')).toBe('a,b\n1,2\n');
    expect(statSync(store.path(first.oid)).mode & 0o777).toBe(0o444);
    expect(store.insertSmallFileSync(src, statSync(src)).added).toBe(false);
    // Rewritten after its stat was taken: refused, and nothing of it stays in the store.
    const before = statSync(src);
    writeFileSync(src, 'a,b\n3,4\n');
    utimesSync(src, new Date(), new Date(before.mtimeMs + 5_000));
    expect(() => store.insertSmallFileSync(src, before)).toThrow(
      expect.objectContaining({ code: 'CAIRN_FILE_CHANGED' }),
    );
    expect(store.listOids()).toEqual([first.oid]);
  });

  it('checks many objects at once, hashing and recording those its index has not seen', async () => {
    const dir = temp();
    const cache = join(dir, 'cache');
    const filled = new ObjectStore(cache, ObjectIndex.inMemory());
    const oids: string[] = [];
    for (const text of ['one', 'two', 'three']) {
      writeFileSync(join(dir, text), text);
      oids.push((await filled.insertFile(join(dir, text))).oid);
    }
    // A store whose index knows none of them (a cache filled by DVC), one object altered, one
    // absent and a folder where an object should be.
    const store = new ObjectStore(cache, ObjectIndex.inMemory());
    const tampered = store.path(oids[1] as string);
    chmodSync(tampered, 0o644);
    writeFileSync(tampered, 'TWO');
    oids.push('8cbad96aced40b3838dd9f07f6ef5772');
    const folder = '0123456789abcdef0123456789abcdef';
    mkdirSync(store.path(folder), { recursive: true });
    oids.push(folder);
    const pool = new HashPool({ workers: 1 });
    try {
      const checked = await store.checkMany(oids, 'md5', pool);
      expect(checked.map((c) => c.verdict)).toEqual(['ok', 'corrupt', 'ok', 'missing', 'corrupt']);
      const one = statSync(store.path(oids[0] as string));
      expect(checked[0]?.stat).toEqual({ ino: one.ino, mtimeMs: one.mtimeMs, size: 3 });
      // Recorded: vouched for from now on without another read.
      expect((await store.checkKnown(oids.slice(0, 3), 'md5', pool)).map(Boolean)).toEqual([
        true,
        false,
        true,
      ]);
    } finally {
      await pool.close();
    }
  });

  it('rejects a .dir object that would write outside its folder', async () => {
    const store = new ObjectStore(join(temp(), 'cache'));
    const bytes = Buffer.from(
      '[{"md5": "acbd18db4cc2f85cedef654fccc4a4d8", "relpath": "../evil"}]',
    );
    const { createHash } = await import('node:crypto');
    const oid = `${createHash('md5').update(bytes).digest('hex')}.dir`;
    await store.insertBytes(oid, bytes);
    await expect(store.readTree(oid)).rejects.toMatchObject({ code: 'CAIRN_UNSAFE_PATH' });
  });

  it('removes objects and lists both layouts separately', async () => {
    const dir = temp();
    const store = new ObjectStore(join(dir, 'cache'));
    writeFileSync(join(dir, 'bar'), 'bar');
    const { oid } = await store.insertFile(join(dir, 'bar'));
    expect(store.listOids('md5-dos2unix')).toEqual([]);
    expect(await store.remove(oid)).toBe(true);
    expect(await store.remove(oid)).toBe(false);
    expect(store.listOids()).toEqual([]);
  });
});

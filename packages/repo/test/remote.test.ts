import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { openRemote } from '@cairn/remote-adapters';
import { describe, expect, it } from 'vitest';
import { copyObjects } from '../src/index.js';
import { git, newRepo, tempDir, writeTree } from './helpers.js';

const modeOf = (path: string) => statSync(path).mode & 0o7777;
const listFolders = (root: string): string[] =>
  readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(entry.parentPath, entry.name));

const objectPath = (root: string, oid: string) =>
  join(root, 'files', 'md5', oid.slice(0, 2), oid.slice(2));

describe('Repo remotes API', () => {
  it('pushes and fetches every commit with allCommits, and reports cloud status', async () => {
    const repo = await newRepo();
    const store = tempDir();
    await repo.addRemote('Store', store, { default: true });
    expect(repo.listRemotes()).toEqual([{ name: 'store', url: store, isDefault: true }]);

    writeTree(repo.root, { 'model.bin': 'v1' });
    await repo.add(['model.bin']);
    git(repo.root, 'add', '-A');
    git(repo.root, 'commit', '-qm', 'v1');
    writeTree(repo.root, { 'model.bin': 'v2' });
    await repo.add(['model.bin']);
    git(repo.root, 'commit', '-qam', 'v2');

    expect((await repo.cloudStatus()).changes).toEqual({ 'model.bin': 'new' });
    const head = await repo.push();
    expect(head).toMatchObject({ transferred: 1, skipped: 0, failed: [], remotes: ['store'] });
    const all = await repo.push([], { allCommits: true });
    expect(all).toMatchObject({ transferred: 1, skipped: 1 });
    expect((await repo.cloudStatus([], { allCommits: true })).changes).toEqual({});

    rmSync(repo.cacheDir, { recursive: true });
    const fetched = await repo.fetch([], { allCommits: true, jobs: 2 });
    expect(fetched).toMatchObject({ transferred: 2, failed: [] });
    expect((await repo.read('model.bin')).toString()).toBe('v2');
  });

  it('push, fetch and pull of paths inside a tracked folder move those files only', async () => {
    const repo = await newRepo();
    const store = tempDir();
    await repo.addRemote('store', store, { default: true });
    writeTree(repo.root, { 'data/a': 'alpha', 'data/sub/b': 'bravo', 'data/sub/c': 'charlie' });
    const [added] = await repo.add(['data']);
    const dirOid = added?.oid as string;
    const tree = JSON.parse(readFileSync(objectPath(repo.cacheDir, dirOid), 'utf8')) as Array<{
      md5: string;
      relpath: string;
    }>;
    const md5Of = (relpath: string) => tree.find((e) => e.relpath === relpath)?.md5 as string;
    const onRemote = (relpath: string) => existsSync(objectPath(store, md5Of(relpath)));

    // The .dir listing goes too, so that the files can be found from it.
    expect(await repo.push(['data/sub/b'])).toMatchObject({ transferred: 2, failed: [] });
    expect(existsSync(objectPath(store, dirOid))).toBe(true);
    expect(['data/a', 'sub/b', 'sub/c'].map((p) => onRemote(p.replace('data/', '')))).toEqual([
      false,
      true,
      false,
    ]);
    expect((await repo.cloudStatus(['data/sub'])).changes).toEqual({ 'data/sub/c': 'new' });
    await repo.push();

    rmSync(repo.cacheDir, { recursive: true });
    rmSync(join(repo.root, 'data'), { recursive: true });
    expect(await repo.fetch(['data/sub/c'])).toMatchObject({ transferred: 2, failed: [] });
    expect((await repo.read('data/sub/c')).toString()).toBe('charlie');
    expect(existsSync(objectPath(repo.cacheDir, md5Of('a')))).toBe(false);

    const pulled = await repo.pull(['data/sub']);
    expect(pulled.fetch).toMatchObject({ transferred: 1, skipped: 2, failed: [] });
    expect(pulled.checkout).toEqual({
      added: ['data/sub'],
      modified: [],
      failed: [],
      stats: { added: 2, deleted: 0, modified: 0 },
    });
    expect(readdirSync(join(repo.root, 'data'), { recursive: true }).sort()).toEqual([
      'sub',
      'sub/b',
      'sub/c',
    ]);
  });

  it('gc --cloud deletes from the remote what the scope does not use, listings first', async () => {
    const repo = await newRepo();
    const store = tempDir();
    await repo.addRemote('store', store, { default: true });
    writeTree(repo.root, { 'data/a': 'alpha', 'data/b': 'bravo', 'model.bin': 'v1' });
    const [v1] = await repo.add(['data', 'model.bin']);
    git(repo.root, 'add', '-A');
    git(repo.root, 'commit', '-qm', 'v1');
    await repo.push();
    writeTree(repo.root, { 'data/b': 'bravo 2', 'model.bin': 'v2' });
    const [v2] = await repo.add(['data', 'model.bin']);
    git(repo.root, 'commit', '-qam', 'v2');
    await repo.push();
    const remoteOids = () =>
      readdirSync(join(store, 'files', 'md5'), { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => `${e.parentPath.slice(-2)}${e.name}`)
        .sort();
    const before = remoteOids();
    expect(before).toHaveLength(7);

    // History keeps everything; the listing of v1 is read from the remote (gone locally).
    rmSync(repo.cacheDir, { recursive: true });
    await repo.fetch();
    const all = await repo.gc({ allCommits: true, cloud: true });
    expect(all.cloud).toEqual({ remote: 'store', removed: [], kept: 7, missingListings: [] });

    const dry = await repo.gc({ workspace: true, cloud: true, dryRun: true });
    expect(dry.cloud?.removed).toHaveLength(3);
    expect(remoteOids()).toEqual(before);
    const ws = await repo.gc({ workspace: true, cloud: true });
    const md5 = (text: string) => createHash('md5').update(text).digest('hex');
    // The listing goes first.
    expect(ws.cloud?.removed[0]).toBe(v1?.oid);
    expect([...(ws.cloud?.removed ?? [])].sort()).toEqual(
      [v1?.oid, md5('bravo'), md5('v1')].sort(),
    );
    expect(remoteOids()).toEqual([v2?.oid, md5('alpha'), md5('bravo 2'), md5('v2')].sort());
    rmSync(repo.cacheDir, { recursive: true });
    rmSync(join(repo.root, 'data'), { recursive: true });
    await repo.pull();
    expect(readFileSync(join(repo.root, 'data', 'b'), 'utf8')).toBe('bravo 2');
    await expect(repo.gc({ workspace: true, cloud: true, remote: 'nope' })).rejects.toMatchObject({
      code: 'CAIRN_REMOTE_UNKNOWN',
    });
    // A remote that cannot list is refused before the local cache is touched.
    writeTree(repo.root, { 'model.bin': 'v3' });
    await repo.add(['model.bin']);
    await repo.addRemote('web', 'https://example.invalid/store');
    await expect(repo.gc({ workspace: true, cloud: true, remote: 'web' })).rejects.toMatchObject({
      code: 'CAIRN_REMOTE_UNSUPPORTED',
    });
    expect(existsSync(objectPath(repo.cacheDir, md5('v2')))).toBe(true);
  });

  it("cache.shared and a local remote's shared = group: every new folder is 0o2775, whatever the umask", async () => {
    const repo = await newRepo();
    const store = tempDir();
    await repo.addRemote('store', store, { default: true });
    await repo.modifyRemote('store', 'shared', 'group');
    await repo.setConfig('cache.shared', 'group');
    // Enough files for the hash pool's worker threads to store objects too.
    const files: Record<string, string> = { 'model.bin': 'weights' };
    for (let i = 0; i < 2000; i++) files[`data/part-${i % 7}/f${i}.txt`] = `row ${i}\n`;
    const cacheFolders = () => [repo.cacheDir, ...listFolders(repo.cacheDir)];
    const expectShared = (folders: string[]) => {
      expect(folders.length).toBeGreaterThan(200);
      for (const folder of folders) expect([folder, modeOf(folder)]).toEqual([folder, 0o2775]);
    };
    const previous = process.umask(0o022);
    try {
      writeTree(repo.root, files);
      await repo.add(['data', 'model.bin']);
      expectShared(cacheFolders());
      expect((await repo.push()).failed).toEqual([]);
      rmSync(repo.cacheDir, { recursive: true });
      expect((await repo.fetch()).failed).toEqual([]);
      rmSync(join(repo.root, 'data'), { recursive: true });
      expect((await repo.checkout()).failed).toEqual([]);
    } finally {
      process.umask(previous);
    }
    // The cache was made again by the fetch; the remote's root was there before (left alone).
    expectShared(cacheFolders());
    expectShared(listFolders(store));
    // The workspace is not the cache: its folders keep the umask's mode.
    expect(modeOf(join(repo.root, 'data', 'part-0'))).toBe(0o755);
    expect(readFileSync(join(repo.root, 'data', 'part-3', 'f3.txt'), 'utf8')).toBe('row 3\n');
  });

  it('refuses remote options DVC would refuse, when they are set', async () => {
    const repo = await newRepo();
    const configFile = join(repo.root, '.dvc', 'config');
    await repo.addRemote('store', tempDir());
    await repo.addRemote('box', 'ssh://example.com/data');
    const before = readFileSync(configFile, 'utf8');
    await expect(repo.modifyRemote('store', 'jobs', 'many')).rejects.toMatchObject({
      code: 'CAIRN_REMOTE_CONFIG',
      message: expect.stringContaining('option "jobs"'),
    });
    await expect(repo.setConfig('remote.store.bogus', '1')).rejects.toMatchObject({
      code: 'CAIRN_REMOTE_CONFIG',
      message: expect.stringContaining('unknown option "bogus" for a local remote'),
    });
    expect(readFileSync(configFile, 'utf8')).toBe(before);
    await expect(repo.setConfig('remote.cloud.url', 's3://bucket/path')).resolves.toBeUndefined();
    await expect(repo.setConfig('remote.cloud.sse', 'AES256')).resolves.toBeUndefined();
    await expect(repo.modifyRemote('cloud', 'account_key', 'k', 'local')).rejects.toMatchObject({
      code: 'CAIRN_REMOTE_CONFIG',
    });
    // Schemes Cairn does not drive are DVC's to check.
    await expect(repo.modifyRemote('box', 'port', '2222')).resolves.toBeUndefined();
    await repo.modifyRemote('store', 'jobs', '8');
    expect(readFileSync(configFile, 'utf8')).not.toMatch(/many|bogus|account_key/);
    expect(repo.getConfig('remote.store.jobs')?.value).toBe('8');
    expect(repo.getConfig('remote.box.port')?.value).toBe('2222');
    expect(repo.getConfig('remote.cloud.sse')?.value).toBe('AES256');
  });

  it('refuses secrets in .dvc/config but keeps them in config.local', async () => {
    const repo = await newRepo();
    await repo.addRemote('s', 's3://bucket/path');
    await expect(repo.modifyRemote('s', 'secret_access_key', 'k3y')).rejects.toMatchObject({
      code: 'CAIRN_CONFIG_SECRET',
    });
    await repo.modifyRemote('s', 'secret_access_key', 'k3y', 'local');
    expect(readFileSync(join(repo.dvcDir, 'config.local'), 'utf8')).toContain(
      'secret_access_key = k3y',
    );
    expect(readFileSync(join(repo.dvcDir, 'config'), 'utf8')).not.toContain('k3y');
    writeTree(repo.root, { 'x.txt': 'x' });
    await repo.add(['x.txt']);
    await expect(repo.push()).rejects.toMatchObject({ code: 'CAIRN_NO_REMOTE' });
  });
});

describe('copyObjects', () => {
  it('streams what the destination lacks, verifies md5, holds back a .dir whose files failed', async () => {
    const a = tempDir();
    const b = tempDir();
    const good = 'acbd18db4cc2f85cedef654fccc4a4d8'; // md5("foo")
    const bad = '37b51d194a7513e45b56f6524f2d51f2'; // md5("bar"), stored with other bytes
    const listing = JSON.stringify([{ md5: bad, relpath: 'bar' }]);
    const { createHash } = await import('node:crypto');
    const dir = `${createHash('md5').update(listing).digest('hex')}.dir`;
    writeTree(a, {
      [`files/md5/${good.slice(0, 2)}/${good.slice(2)}`]: 'foo',
      [`files/md5/${bad.slice(0, 2)}/${bad.slice(2)}`]: 'not bar',
      [`files/md5/${dir.slice(0, 2)}/${dir.slice(2)}`]: listing,
    });
    const from = await openRemote(a, { name: 'a' });
    const to = await openRemote(b, { name: 'b' });
    try {
      const missing = 'ffffffffffffffffffffffffffffffff';
      const summary = await copyObjects({
        from,
        to,
        oids: [good, bad, dir, missing],
        requires: new Map([[dir, [bad]]]),
      });
      expect(summary).toMatchObject({ transferred: 1, skipped: 0, bytes: 3 });
      expect(Object.fromEntries(summary.failed.map((f) => [f.oid, f.code]))).toEqual({
        [bad]: 'CAIRN_REMOTE_CORRUPT',
        [dir]: 'CAIRN_REMOTE_INCOMPLETE_DIR',
        [missing]: 'CAIRN_REMOTE_NOT_FOUND',
      });
      expect(readFileSync(objectPath(b, good), 'utf8')).toBe('foo');
      expect(existsSync(objectPath(b, bad))).toBe(false);
      expect(existsSync(objectPath(b, dir))).toBe(false);

      // Repaired at the source: the file and then its listing go across; foo is skipped.
      chmodSync(objectPath(a, bad), 0o644);
      writeFileSync(objectPath(a, bad), 'bar');
      const again = await copyObjects({ from, to, oids: [good, bad, dir] });
      expect(again).toMatchObject({ transferred: 2, skipped: 1, failed: [] });
    } finally {
      await from.dispose();
      await to.dispose();
    }
  });
});

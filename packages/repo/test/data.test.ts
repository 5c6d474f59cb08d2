import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { ObjectStore } from '@cairn/cache';
import { describe, expect, it } from 'vitest';
import vectors from './fixtures/dvc-test-vectors.json' with { type: 'json' };
import { git, newRepo, tempDir, writeTree } from './helpers.js';

/** A signal that turns aborted at its `n`th check, as a Ctrl-C in the middle of a command. */
function abortedAtCheck(n: number): AbortSignal {
  let checks = 0;
  const reason = new DOMException('interrupted', 'AbortError');
  return {
    get aborted() {
      return checks >= n;
    },
    reason,
    throwIfAborted() {
      if (++checks >= n) throw reason;
    },
    addEventListener() {},
    removeEventListener() {},
  } as unknown as AbortSignal;
}

function readTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string, prefix: string) => {
    for (const name of readdirSync(dir)) {
      const abs = join(dir, name);
      const rel = prefix ? `${prefix}/${name}` : name;
      if (statSync(abs).isDirectory()) walk(abs, rel);
      else out[rel] = readFileSync(abs, 'latin1');
    }
  };
  walk(root, '');
  return out;
}

describe('add → delete → checkout round trips', () => {
  it('restores files and folders byte for byte, including odd names and empty ones', async () => {
    const repo = await newRepo();
    const files = {
      'data/a.txt': 'a\n',
      'data/nested/deeper/b.bin': Buffer.from([0, 1, 2, 255, 254]),
      'data/with space/ü ñ 名前.txt': 'non-ascii\n',
      'data/empty-file': '',
      'single.csv': 'x,y\n1,2\n',
      'empty.txt': '',
    };
    writeTree(repo.root, files);
    mkdirSync(join(repo.root, 'empty-dir'));
    await repo.add(['data', 'single.csv', 'empty.txt', 'empty-dir']);
    const before = readTree(join(repo.root, 'data'));
    expect(readFileSync(join(repo.root, 'empty-dir.dvc'), 'utf8')).toBe(
      'outs:\n- md5: d751713988987e9331980363e24189ce.dir\n  size: 0\n  nfiles: 0\n  hash: md5\n  path: empty-dir\n',
    );
    for (const p of ['data', 'single.csv', 'empty.txt', 'empty-dir']) {
      rmSync(join(repo.root, p), { recursive: true });
    }
    expect(Object.keys(await repo.status())).toHaveLength(4);
    const result = await repo.checkout();
    expect(result.failed).toEqual([]);
    expect(result.added.sort()).toEqual(['data', 'empty-dir', 'empty.txt', 'single.csv']);
    expect(readTree(join(repo.root, 'data'))).toEqual(before);
    expect(readFileSync(join(repo.root, 'single.csv'), 'utf8')).toBe(files['single.csv']);
    expect(readFileSync(join(repo.root, 'empty.txt'), 'utf8')).toBe('');
    expect(statSync(join(repo.root, 'empty-dir')).isDirectory()).toBe(true);
    expect(await repo.status()).toEqual({});
  });

  it('writes the same pointer, .dir object and cache paths as DVC', async () => {
    const repo = await newRepo();
    const store = new ObjectStore(repo.cacheDir);
    for (const vector of vectors.dir) {
      const name = `d${vectors.dir.indexOf(vector)}`;
      mkdirSync(join(repo.root, name));
      writeTree(join(repo.root, name), vector.files as Record<string, string>);
      const [added] = await repo.add([name]);
      expect(added?.oid).toBe(vector.oid);
      expect(readFileSync(store.path(vector.oid), 'utf8')).toBe(vector.dir_json);
      expect(readFileSync(join(repo.root, `${name}.dvc`), 'utf8')).toBe(
        `outs:\n- md5: ${vector.oid}\n  size: ${vector.size}\n  nfiles: ${vector.nfiles}\n  hash: md5\n  path: ${name}\n`,
      );
    }
    writeFileSync(join(repo.root, 'foo'), 'foo');
    await repo.add(['foo']);
    expect(readFileSync(join(repo.root, 'foo.dvc'), 'utf8')).toBe(vectors.texts['foo.dvc']);
    expect(existsSync(join(repo.root, vectors.cache_paths.acbd18db4cc2f85cedef654fccc4a4d8))).toBe(
      true,
    );
    expect(readFileSync(join(repo.root, '.gitignore'), 'utf8')).toContain('/foo\n');
  });

  it('keeps comments and extra fields of an existing pointer (DVC test_add_preserve_fields)', async () => {
    const repo = await newRepo();
    writeFileSync(join(repo.root, 'foo'), 'foo');
    writeFileSync(
      join(repo.root, 'foo.dvc'),
      '# top comment\ndesc: top desc\nouts:\n- path: foo # out comment\n  desc: out desc\n  type: mytype\n  labels:\n  - label1\n  - label2\n  remote: testremote\nmeta: some metadata\n',
    );
    await repo.add(['foo']);
    expect(readFileSync(join(repo.root, 'foo.dvc'), 'utf8')).toBe(
      '# top comment\ndesc: top desc\nouts:\n- path: foo # out comment\n  desc: out desc\n  type: mytype\n  labels:\n  - label1\n  - label2\n  remote: testremote\n  md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\n  hash: md5\nmeta: some metadata\n',
    );
  });
});

describe('a repository prepared by DVC', () => {
  it('checks out and reports clean, legacy (DVC 2) entries included', async () => {
    const repo = await newRepo();
    // What `dvc add data` + `dvc add foo` leave behind (texts from DVC's own tests), plus a
    // DVC 2 pointer whose object lives in the legacy layout.
    const vector = vectors.dir[0] as (typeof vectors.dir)[number];
    writeFileSync(join(repo.root, 'data.dvc'), vectors.texts['data.dvc(foo,bar)']);
    writeFileSync(join(repo.root, 'foo.dvc'), vectors.texts['foo.dvc']);
    writeFileSync(
      join(repo.root, 'old.dvc'),
      'outs:\n- md5: 37b51d194a7513e45b56f6524f2d51f2\n  size: 3\n  path: old\n',
    );
    const put = (rel: string, content: string) => {
      const path = join(repo.cacheDir, rel);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, content, { mode: 0o444 });
    };
    put('files/md5/5e/a40360f5b4ec688df672a4db9c17d1.dir', vector.dir_json);
    put('files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8', 'foo');
    put('files/md5/37/b51d194a7513e45b56f6524f2d51f2', 'bar');
    put('37/b51d194a7513e45b56f6524f2d51f2', 'bar');
    const result = await repo.checkout();
    expect(result.failed).toEqual([]);
    expect(readTree(join(repo.root, 'data'))).toEqual(vector.files);
    expect(readFileSync(join(repo.root, 'old'), 'utf8')).toBe('bar');
    expect(await repo.status()).toEqual({});
    // Committing unchanged legacy data leaves its pointer byte for byte (DVC test_commit_dos2unix).
    await repo.commit();
    expect(readFileSync(join(repo.root, 'old.dvc'), 'utf8')).toContain('  path: old\n');
    expect(readFileSync(join(repo.root, 'old.dvc'), 'utf8')).not.toContain('hash: md5');
  });
});

describe('checkout safety', () => {
  it('rejects a .dir object with a path leaving the workspace and writes nothing', async () => {
    const repo = await newRepo();
    const bytes = '[{"md5": "acbd18db4cc2f85cedef654fccc4a4d8", "relpath": "../../escaped"}]';
    const { createHash } = await import('node:crypto');
    const oid = `${createHash('md5').update(bytes).digest('hex')}.dir`;
    const store = new ObjectStore(repo.cacheDir);
    await store.insertBytes(oid, Buffer.from(bytes));
    writeFileSync(join(repo.root, 'foo'), 'foo');
    await store.insertFile(join(repo.root, 'foo'));
    writeFileSync(
      join(repo.root, 'evil.dvc'),
      `outs:\n- md5: ${oid}\n  size: 3\n  nfiles: 1\n  hash: md5\n  path: evil\n`,
    );
    await expect(repo.checkout()).rejects.toMatchObject({ code: 'CAIRN_UNSAFE_PATH' });
    expect(existsSync(join(repo.root, '..', 'escaped'))).toBe(false);
    expect(existsSync(join(repo.root, 'evil'))).toBe(false);
  });

  it('reports a corrupt cache object and never links it', async () => {
    const repo = await newRepo();
    writeTree(repo.root, { 'data/good': 'good', 'data/bad': 'bad' });
    await repo.add(['data']);
    rmSync(join(repo.root, 'data'), { recursive: true });
    const store = new ObjectStore(repo.cacheDir);
    const badPath = store.path('bae60998ffe4923b131e3d6e4c19993e');
    chmodSync(badPath, 0o644);
    writeFileSync(badPath, 'tampered');
    chmodSync(badPath, 0o444);
    const result = await repo.checkout();
    expect(result.failed).toEqual([
      expect.objectContaining({ path: 'data/bad', code: 'CAIRN_CACHE_CORRUPT' }),
    ]);
    expect(existsSync(join(repo.root, 'data', 'bad'))).toBe(false);
    expect(readFileSync(join(repo.root, 'data', 'good'), 'utf8')).toBe('good');
    await expect(repo.read('data/bad')).rejects.toMatchObject({ code: 'CAIRN_CACHE_CORRUPT' });
  });

  it('refuses to destroy uncommitted changes without force', async () => {
    const repo = await newRepo();
    writeTree(repo.root, { 'data/a': 'v1', 'model.bin': 'm1' });
    await repo.add(['data', 'model.bin']);
    writeFileSync(join(repo.root, 'data', 'a'), 'v2 (not committed)');
    writeFileSync(join(repo.root, 'data', 'new-file'), 'untracked work');
    writeFileSync(join(repo.root, 'model.bin'), 'm2');
    await expect(repo.checkout()).rejects.toMatchObject({ code: 'CAIRN_CHECKOUT_CONFLICT' });
    expect(readFileSync(join(repo.root, 'data', 'a'), 'utf8')).toBe('v2 (not committed)');
    expect(readFileSync(join(repo.root, 'model.bin'), 'utf8')).toBe('m2');
    await repo.checkout([], { force: true });
    expect(readTree(join(repo.root, 'data'))).toEqual({ a: 'v1' });
    expect(readFileSync(join(repo.root, 'model.bin'), 'utf8')).toBe('m1');
  });

  it('completes, without --force, the files an interrupted checkout left empty or cut short', async () => {
    const repo = await newRepo();
    const big = Buffer.alloc(3 * 1024 * 1024 + 7);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) % 251;
    writeTree(repo.root, { 'data/a': 'alpha', 'data/b': 'bravo', 'data/c': 'charlie' });
    writeFileSync(join(repo.root, 'data', 'big'), big);
    writeFileSync(join(repo.root, 'model.bin'), 'weights');
    await repo.add(['data', 'model.bin']);
    // What a checkout killed between creating files and writing them leaves behind.
    writeFileSync(join(repo.root, 'data', 'a'), '');
    writeFileSync(join(repo.root, 'data', 'b'), 'bra');
    writeFileSync(join(repo.root, 'data', 'big'), big.subarray(0, 2 * 1024 * 1024 + 3));
    writeFileSync(join(repo.root, 'model.bin'), 'wei');
    expect(Object.keys(await repo.status())).toEqual(['data.dvc', 'model.bin.dvc']);
    await repo.checkout();
    expect(readFileSync(join(repo.root, 'data', 'big')).equals(big)).toBe(true);
    rmSync(join(repo.root, 'data', 'big'));
    expect(readTree(join(repo.root, 'data'))).toEqual({ a: 'alpha', b: 'bravo', c: 'charlie' });
    await repo.checkout();
    expect(readFileSync(join(repo.root, 'model.bin'), 'utf8')).toBe('weights');
    expect(await repo.status()).toEqual({});

    // Bytes that are not the object's beginning are someone's work: kept without --force.
    const edited = Buffer.from(big.subarray(0, 1024 * 1024 + 5));
    edited[1024 * 1024 + 1] = (edited[1024 * 1024 + 1] ?? 0) ^ 1;
    writeFileSync(join(repo.root, 'data', 'big'), edited);
    writeFileSync(join(repo.root, 'data', 'b'), 'brx');
    writeFileSync(join(repo.root, 'model.bin'), 'weights, retrained');
    await expect(repo.checkout()).rejects.toMatchObject({
      code: 'CAIRN_CHECKOUT_CONFLICT',
      details: { paths: ['data/b', 'data/big', 'model.bin'] },
    });
    expect(readFileSync(join(repo.root, 'data', 'b'), 'utf8')).toBe('brx');
  });

  it('checks out only the paths named inside a tracked folder, as DVC does', async () => {
    const repo = await newRepo();
    writeTree(repo.root, {
      'data/a': 'alpha',
      'data/sub/b': 'bravo',
      'data/sub/c': 'charlie',
      'data/other/d': 'delta',
    });
    await repo.add(['data']);
    rmSync(join(repo.root, 'data', 'sub'), { recursive: true });
    rmSync(join(repo.root, 'data', 'other'), { recursive: true });
    // Not in the cache: a whole-folder checkout would refuse; one inside it leaves it alone.
    writeFileSync(join(repo.root, 'data', 'a'), 'work in progress');

    const one = await repo.checkout(['data/sub/b'], { cwd: repo.root });
    expect(one).toEqual({
      added: [],
      modified: ['data/sub/b'],
      failed: [],
      stats: { added: 1, deleted: 0, modified: 0 },
    });
    expect(readTree(join(repo.root, 'data'))).toEqual({ a: 'work in progress', 'sub/b': 'bravo' });

    // From a subfolder, a folder inside the output: its extra files are conflicts, then deleted.
    writeFileSync(join(repo.root, 'data', 'sub', 'extra'), 'not tracked');
    const cwd = join(repo.root, 'data');
    await expect(repo.checkout(['sub'], { cwd })).rejects.toMatchObject({
      code: 'CAIRN_CHECKOUT_CONFLICT',
      details: { paths: ['sub/extra'] },
    });
    await repo.checkout(['sub'], { cwd, force: true });
    expect(readTree(join(repo.root, 'data'))).toEqual({
      a: 'work in progress',
      'sub/b': 'bravo',
      'sub/c': 'charlie',
    });

    // A path the recorded version does not hold is reported; nothing of that output is written.
    const missing = await repo.checkout(['data/other', 'data/nope'], { cwd: repo.root });
    expect(missing.failed).toEqual([
      expect.objectContaining({ path: 'data', code: 'CAIRN_NOT_TRACKED' }),
    ]);
    expect(missing.failed[0]?.message).toContain("'data/nope' is not in the version of data");
    expect(existsSync(join(repo.root, 'data', 'other'))).toBe(false);

    // The output itself (or its pointer) is the whole folder again.
    await expect(repo.checkout(['data/other', 'data.dvc'])).rejects.toMatchObject({
      code: 'CAIRN_CHECKOUT_CONFLICT',
      details: { paths: ['data/a'] },
    });
  });

  it('switches versions freely when both are in the cache', async () => {
    const repo = await newRepo();
    writeTree(repo.root, { 'm.bin': 'one' });
    await repo.add(['m.bin']);
    const v1 = readFileSync(join(repo.root, 'm.bin.dvc'), 'utf8');
    writeFileSync(join(repo.root, 'm.bin'), 'two');
    await repo.add(['m.bin']);
    writeFileSync(join(repo.root, 'm.bin.dvc'), v1);
    await repo.checkout();
    expect(readFileSync(join(repo.root, 'm.bin'), 'utf8')).toBe('one');
  });

  it('a settled folder is left alone by its remembered walk, which never hides a change', async () => {
    const repo = await newRepo();
    const age = (rel: string, minutes = 60) => {
      const when = new Date(Date.now() - minutes * 60_000);
      utimesSync(join(repo.root, rel), when, when);
    };
    writeTree(repo.root, { 'dir/a': 'one', 'dir/b': 'x' });
    for (const rel of ['dir/a', 'dir/b']) age(rel);
    await repo.add(['dir']);
    const v1 = readFileSync(join(repo.root, 'dir.dvc'), 'utf8');
    expect(await repo.checkout()).toMatchObject({ added: [], modified: [], failed: [] });
    writeFileSync(join(repo.root, 'dir/a'), 'two');
    age('dir/a');
    await repo.add(['dir']);
    writeFileSync(join(repo.root, 'dir.dvc'), v1);
    expect(await repo.checkout()).toMatchObject({ modified: ['dir'], failed: [] });
    expect(readTree(join(repo.root, 'dir'))).toEqual({ a: 'one', b: 'x' });
    expect(await repo.checkout()).toMatchObject({ modified: [] });
    // Other bytes of the same size under an old mtime: not in the cache, so not replaced.
    writeFileSync(join(repo.root, 'dir/b'), 'y');
    age('dir/b', 30);
    await expect(repo.checkout()).rejects.toMatchObject({ code: 'CAIRN_CHECKOUT_CONFLICT' });
  });
});

describe('status, commit, remove, gc, read', () => {
  it('status reports modified, deleted and not-in-cache outputs', async () => {
    const repo = await newRepo();
    writeTree(repo.root, { 'a.txt': 'a', 'b.txt': 'b', 'dir/c': 'c' });
    await repo.add(['a.txt', 'b.txt', 'dir']);
    writeFileSync(join(repo.root, 'a.txt'), 'changed');
    rmSync(join(repo.root, 'b.txt'));
    rmSync(join(repo.cacheDir, 'files/md5/4a/8a08f09d37b73795649038408b5f33'));
    expect(await repo.status()).toEqual({
      'a.txt.dvc': [{ 'changed outs': { 'a.txt': 'modified' } }],
      'b.txt.dvc': [{ 'changed outs': { 'b.txt': 'deleted' } }],
      'dir.dvc': [{ 'changed outs': { dir: 'not in cache' } }],
    });
    expect(await repo.status(['a.txt'])).toEqual({
      'a.txt.dvc': [{ 'changed outs': { 'a.txt': 'modified' } }],
    });
  });

  it('status of a settled folder sees every kind of change after its walk was remembered', async () => {
    const repo = await newRepo();
    writeTree(repo.root, { 'dir/a': 'aaaa', 'dir/sub/b': 'bbbb', 'dir/sub/c': 'cccc' });
    // Older than the settle window, so the folder's walk is remembered with its hash.
    const past = new Date(Date.now() - 3_600_000);
    const age = (rel: string, when = past) => utimesSync(join(repo.root, rel), when, when);
    for (const rel of ['dir/a', 'dir/sub/b', 'dir/sub/c']) age(rel);
    await repo.add(['dir']);
    expect(await repo.status()).toEqual({});
    expect(await repo.status()).toEqual({});
    const modified = { 'dir.dvc': [{ 'changed outs': { dir: 'modified' } }] };

    // Same size, other bytes, an mtime that is also old: only the mtime differs from the memo.
    writeFileSync(join(repo.root, 'dir/sub/b'), 'BBBB');
    age('dir/sub/b', new Date(Date.now() - 1_800_000));
    expect(await repo.status()).toEqual(modified);
    writeFileSync(join(repo.root, 'dir/sub/b'), 'bbbb');
    age('dir/sub/b');
    expect(await repo.status()).toEqual({});

    renameSync(join(repo.root, 'dir/sub/c'), join(repo.root, 'dir/sub/d'));
    expect(await repo.status()).toEqual(modified);
    renameSync(join(repo.root, 'dir/sub/d'), join(repo.root, 'dir/sub/c'));
    expect(await repo.status()).toEqual({});

    writeFileSync(join(repo.root, 'dir/sub/new'), '');
    age('dir/sub/new');
    expect(await repo.status()).toEqual(modified);
    rmSync(join(repo.root, 'dir/sub/new'));
    expect(await repo.status()).toEqual({});

    // An object of the folder leaves the cache: the remembered walk does not hide it.
    rmSync(join(repo.cacheDir, 'files/md5/74/b87337454200d4d33f80c4663dc5e5'));
    expect(await repo.status()).toEqual({
      'dir.dvc': [{ 'changed outs': { dir: 'not in cache' } }],
    });
  });

  it('commit records new content; remove stops tracking; gc keeps what history uses', async () => {
    const repo = await newRepo();
    writeTree(repo.root, { 'm.bin': 'v1' });
    await repo.add(['m.bin']);
    git(repo.root, 'add', '-A');
    git(repo.root, 'commit', '-qm', 'v1');
    writeFileSync(join(repo.root, 'm.bin'), 'v2');
    expect((await repo.commit()).committed).toEqual(['m.bin']);
    expect(await repo.status()).toEqual({});
    writeTree(repo.root, { 'scratch.bin': 'temporary' });
    await repo.add(['scratch.bin']);
    await repo.remove(['scratch.bin.dvc']);
    expect(existsSync(join(repo.root, 'scratch.bin.dvc'))).toBe(false);
    expect(readFileSync(join(repo.root, '.gitignore'), 'utf8')).not.toContain('/scratch.bin');
    const store = new ObjectStore(repo.cacheDir);
    expect(store.listOids()).toHaveLength(3);
    const dry = await repo.gc({ workspace: true, dryRun: true });
    expect(dry.removed).toHaveLength(2);
    expect(store.listOids()).toHaveLength(3);
    const history = await repo.gc({ workspace: true, allCommits: true });
    expect(history.removed).toHaveLength(1); // scratch only: v1 is in a commit
    const ws = await repo.gc({ workspace: true });
    expect(ws.removed).toHaveLength(1); // v1
    expect(await repo.read('m.bin')).toEqual(Buffer.from('v2'));
    await expect(repo.gc({})).rejects.toMatchObject({ code: 'CAIRN_USAGE' });
  });

  it('commit (interrupted, then whole) and checkout of many pointers, one with two outputs', async () => {
    const repo = await newRepo();
    const names = Array.from({ length: 30 }, (_, i) => `p${i}.txt`);
    writeTree(repo.root, {
      ...Object.fromEntries(names.map((n) => [n, `v1 ${n}`])),
      'pair/a.txt': 'a1',
      'pair/b.txt': 'b1',
    });
    await repo.add(names);
    await repo.add(['pair/a.txt', 'pair/b.txt']);
    // One pointer file tracking both (DVC allows several outs per .dvc file).
    const outOf = (name: string) =>
      readFileSync(join(repo.root, 'pair', `${name}.dvc`), 'utf8').replace('outs:\n', '');
    writeFileSync(
      join(repo.root, 'pair.dvc'),
      `outs:\n${outOf('a.txt')}${outOf('b.txt')}`.replace(/path: ([ab]).txt/g, 'path: pair/$1.txt'),
    );
    rmSync(join(repo.root, 'pair', 'a.txt.dvc'));
    rmSync(join(repo.root, 'pair', 'b.txt.dvc'));
    for (const n of names) writeFileSync(join(repo.root, n), `v2 ${n}`);
    writeTree(repo.root, { 'pair/a.txt': 'a2', 'pair/b.txt': 'b2' });
    // Interrupted midway: the outputs committed before it are recorded, the rest still modified.
    await expect(repo.commit([], { signal: abortedAtCheck(10) })).rejects.toMatchObject({
      name: 'AbortError',
    });
    const left = Object.keys(await repo.status()).length;
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(names.length + 1);
    // Then the rest: what the interrupted commit recorded is unchanged now.
    const committed = await repo.commit();
    expect(committed.committed.length).toBeGreaterThan(0);
    expect(committed.unchanged.length).toBeGreaterThan(0);
    expect(committed.committed.length + committed.unchanged.length).toBe(names.length + 2);
    expect(await repo.status()).toEqual({});
    const pair = readFileSync(join(repo.root, 'pair.dvc'), 'utf8');
    expect(pair).toContain(`md5: ${createHash('md5').update('a2').digest('hex')}`);
    expect(pair).toContain(`md5: ${createHash('md5').update('b2').digest('hex')}`);
    const all = [...names, 'pair/a.txt', 'pair/b.txt'];
    for (const n of all) rmSync(join(repo.root, n));
    // Interrupted while placing (each output is checked once while planning, once while
    // placing): the files placed before it stay, the rest are left for the next checkout.
    await expect(
      repo.checkout([], { signal: abortedAtCheck(all.length + 6) }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    const placed = all.filter((n) => existsSync(join(repo.root, n))).length;
    expect(placed).toBeGreaterThan(0);
    expect(placed).toBeLessThan(all.length);
    const out = await repo.checkout();
    expect(out.added.length).toBe(all.length - placed);
    expect(readFileSync(join(repo.root, 'p7.txt'), 'utf8')).toBe('v2 p7.txt');
    expect(readFileSync(join(repo.root, 'pair', 'b.txt'), 'utf8')).toBe('b2');
    expect(await repo.status()).toEqual({});
  });

  it('remove of many pointers checks every target first and edits each .gitignore once', async () => {
    const repo = await newRepo();
    const names = Array.from({ length: 20 }, (_, i) => `data/r${i}.csv`);
    writeTree(repo.root, {
      ...Object.fromEntries(names.map((n) => [n, n])),
      'data/.gitignore': '# kept\n*.tmp\n',
      'top.bin': 'top',
    });
    await repo.add([...names, 'top.bin']);
    const before = readFileSync(join(repo.root, 'data', '.gitignore'), 'utf8');
    const pointers = names.map((n) => `${n}.dvc`);
    // One target that is not tracked: nothing is removed.
    await expect(repo.remove([...pointers, 'data/nope.dvc'])).rejects.toMatchObject({
      code: 'CAIRN_NOT_TRACKED',
      message: "'data/nope.dvc' is neither a .dvc file nor a pipeline stage",
    });
    expect(existsSync(join(repo.root, 'data', 'r0.csv.dvc'))).toBe(true);
    expect(readFileSync(join(repo.root, 'data', '.gitignore'), 'utf8')).toBe(before);
    const removed = await repo.remove([...pointers, 'top.bin.dvc', 'data/r3.csv.dvc']);
    expect(removed.removed).toEqual([...pointers, 'top.bin.dvc']);
    expect(readFileSync(join(repo.root, 'data', '.gitignore'), 'utf8')).toBe('# kept\n*.tmp\n');
    // Left without a line, as DVC leaves it: deleted.
    expect(existsSync(join(repo.root, '.gitignore'))).toBe(false);
    expect(pointers.some((p) => existsSync(join(repo.root, p)))).toBe(false);
    expect(readFileSync(join(repo.root, 'data', 'r7.csv'), 'utf8')).toBe('data/r7.csv');
    await repo.add(['top.bin']);
    expect(await repo.remove(['top.bin.dvc'], { outs: true })).toEqual({
      removed: ['top.bin.dvc'],
      deletedOutputs: ['top.bin'],
    });
    expect(existsSync(join(repo.root, 'top.bin'))).toBe(false);
  });

  it('gc removes temporary files of dead writers from the cache, not those of live ones', async () => {
    const repo = await newRepo();
    writeTree(repo.root, { 'k.bin': 'kept' });
    await repo.add(['k.bin']);
    const prefix = join(repo.cacheDir, 'files/md5/ab');
    mkdirSync(prefix, { recursive: true });
    // A pid far above any pid_max is never alive; this process is.
    const dead = join(prefix, '.cdef.99999999.a1.cairn-tmp');
    const live = join(prefix, `.cdef.${process.pid}.a2.cairn-tmp`);
    const top = join(repo.cacheDir, 'files/md5/.incoming.99999999.1x0.cairn-tmp');
    for (const path of [dead, live, top]) writeFileSync(path, 'half an object');
    expect((await repo.gc({ workspace: true, dryRun: true })).staleTemps).toBe(0);
    expect(existsSync(dead)).toBe(true);
    const result = await repo.gc({ workspace: true });
    expect(result).toMatchObject({ removed: [], kept: 1, staleTemps: 2 });
    expect([existsSync(dead), existsSync(top), existsSync(live)]).toEqual([false, false, true]);
    expect(await repo.read('k.bin')).toEqual(Buffer.from('kept'));
  });

  it('reads files inside tracked folders from the cache', async () => {
    const repo = await newRepo();
    writeTree(repo.root, { 'ds/x/y.txt': 'deep' });
    await repo.add(['ds']);
    rmSync(join(repo.root, 'ds'), { recursive: true });
    expect((await repo.read('ds/x/y.txt')).toString()).toBe('deep');
    await expect(repo.read('ds/nope')).rejects.toMatchObject({ code: 'CAIRN_NOT_TRACKED' });
  });

  it('hardlink cache.type links the workspace to read-only cache objects', async () => {
    const repo = await newRepo();
    await repo.setConfig('cache.type', 'hardlink');
    writeTree(repo.root, { 'big.bin': 'payload' });
    await repo.add(['big.bin']);
    const info = lstatSync(join(repo.root, 'big.bin'));
    expect(info.nlink).toBe(2);
    expect(info.mode & 0o222).toBe(0);
    // Unprotected, edited and committed: linked to its new object again, as DVC's commit does.
    writeTree(repo.root, { 'ds/a': 'alpha', 'ds/b': 'bravo' });
    await repo.add(['ds']);
    await repo.unprotect(['big.bin', 'ds/a']);
    writeFileSync(join(repo.root, 'big.bin'), 'payload 2');
    writeFileSync(join(repo.root, 'ds', 'a'), 'alpha 2');
    expect((await repo.commit()).committed.sort()).toEqual(['big.bin', 'ds']);
    for (const file of ['big.bin', 'ds/a', 'ds/b']) {
      const linked = lstatSync(join(repo.root, file));
      expect([file, linked.nlink, linked.mode & 0o222]).toEqual([file, 2, 0]);
    }
    expect(readFileSync(join(repo.root, 'big.bin'), 'utf8')).toBe('payload 2');
    expect(await repo.status()).toEqual({});
  });

  it('hardlink add makes settled files their own objects, copying nothing', async () => {
    const repo = await newRepo();
    await repo.setConfig('cache.type', 'hardlink');
    const big = Buffer.alloc(3 << 20, 7);
    writeTree(repo.root, { 'ds/a': 'alpha', 'ds/sub/b': 'bravo', 'ds/empty': '' });
    writeFileSync(join(repo.root, 'ds', 'big.bin'), big);
    writeFileSync(join(repo.root, 'model.bin'), big.subarray(1));
    const past = new Date(Date.now() - 3_600_000);
    for (const f of ['ds/a', 'ds/sub/b', 'ds/empty', 'ds/big.bin', 'model.bin']) {
      utimesSync(join(repo.root, f), past, past);
    }
    const inodes = (files: string[]) => files.map((f) => lstatSync(join(repo.root, f)).ino);
    const before = inodes(['ds/a', 'ds/sub/b', 'ds/big.bin', 'model.bin']);
    await repo.add(['ds', 'model.bin']);
    // Same inodes: the workspace files themselves became the read-only objects.
    expect(inodes(['ds/a', 'ds/sub/b', 'ds/big.bin', 'model.bin'])).toEqual(before);
    const store = new ObjectStore(repo.cacheDir);
    const md5 = (bytes: string | Buffer) => createHash('md5').update(bytes).digest('hex');
    expect(lstatSync(store.path(md5(big))).ino).toBe(before[2]);
    expect(lstatSync(store.path(md5(big.subarray(1)))).ino).toBe(before[3]);
    expect(lstatSync(join(repo.root, 'ds', 'a')).mode & 0o777).toBe(0o444);
    // An empty file is never linked (as DVC): the empty object stays apart.
    expect(lstatSync(join(repo.root, 'ds', 'empty')).nlink).toBe(1);
    expect(await repo.status()).toEqual({});
    rmSync(join(repo.root, 'ds'), { recursive: true });
    await repo.checkout();
    expect(readFileSync(join(repo.root, 'ds', 'big.bin')).equals(big)).toBe(true);
    expect(readTree(join(repo.root, 'ds'))).toMatchObject({ a: 'alpha', 'sub/b': 'bravo' });
  });

  it('hardlink add of a folder never links a file to a corrupt object of its hash', async () => {
    const repo = await newRepo();
    await repo.setConfig('cache.type', 'hardlink');
    const store = new ObjectStore(repo.cacheDir);
    // An object named for 'good' that holds other bytes, already in the cache.
    const goodObject = store.path(createHash('md5').update('good').digest('hex'));
    mkdirSync(join(goodObject, '..'), { recursive: true });
    writeFileSync(goodObject, 'tampered', { mode: 0o444 });
    writeTree(repo.root, { 'ds/a': 'good', 'ds/sub/b': 'other', 'ds/empty': '' });
    await repo.add(['ds']);
    expect(readTree(join(repo.root, 'ds'))).toEqual({ a: 'good', 'sub/b': 'other', empty: '' });
    expect(readFileSync(goodObject, 'utf8')).toBe('good');
    for (const name of ['a', 'sub/b']) {
      expect(lstatSync(join(repo.root, 'ds', name)).nlink).toBe(2);
    }
    expect(await repo.status()).toEqual({});
    // Added again: the links stay as they are.
    const before = lstatSync(join(repo.root, 'ds', 'a')).ino;
    await repo.add(['ds']);
    expect(lstatSync(join(repo.root, 'ds', 'a')).ino).toBe(before);
    expect(await repo.status()).toEqual({});
  });

  it('move renames tracked data, its pointer and .gitignore entries, as dvc move', async () => {
    const repo = await newRepo();
    writeTree(repo.root, { 'data/a': 'alpha', 'data/sub/b': 'bravo', 'model.bin': 'weights' });
    const [data] = await repo.add(['data', 'model.bin']);
    mkdirSync(join(repo.root, 'archive'));

    // Into an existing folder: the pointer follows, named after the data.
    const moved = await repo.move('data', 'archive');
    expect(moved).toEqual({
      from: 'data',
      to: 'archive/data',
      pointer: 'archive/data.dvc',
      oldPointer: 'data.dvc',
      gitignore: ['.gitignore', 'archive/.gitignore'],
    });
    expect(existsSync(join(repo.root, 'data.dvc'))).toBe(false);
    expect(readFileSync(join(repo.root, 'archive', 'data.dvc'), 'utf8')).toBe(
      `outs:\n- md5: ${data?.oid}\n  size: 10\n  nfiles: 2\n  hash: md5\n  path: data\n`,
    );
    expect(readFileSync(join(repo.root, '.gitignore'), 'utf8')).toBe('/model.bin\n');
    expect(readFileSync(join(repo.root, 'archive', '.gitignore'), 'utf8')).toBe('/data\n');
    expect(readTree(join(repo.root, 'archive', 'data'))).toEqual({ a: 'alpha', 'sub/b': 'bravo' });
    expect(await repo.status()).toEqual({});

    // A pointer named otherwise stays, its path rewritten (comments kept).
    writeFileSync(
      join(repo.root, 'weights.dvc'),
      `# the model\n${readFileSync(join(repo.root, 'model.bin.dvc'), 'utf8')}`,
    );
    rmSync(join(repo.root, 'model.bin.dvc'));
    await repo.move('model.bin', 'models/v1.bin');
    expect(readFileSync(join(repo.root, 'weights.dvc'), 'utf8')).toMatch(
      /^# the model\nouts:\n- md5: .*\n {2}path: models\/v1\.bin\n$/s,
    );
    expect(readFileSync(join(repo.root, 'models', 'v1.bin'), 'utf8')).toBe('weights');
    expect(await repo.status()).toEqual({});

    // A pointer holding other outputs stays put, so their paths keep their meaning.
    writeTree(repo.root, { 'a.txt': 'a', 'b.txt': 'b' });
    const [a, b] = await repo.add(['a.txt', 'b.txt']);
    rmSync(join(repo.root, 'b.txt.dvc'));
    writeFileSync(
      join(repo.root, 'a.txt.dvc'),
      `outs:\n- md5: ${a?.oid}\n  size: 1\n  hash: md5\n  path: a.txt\n- md5: ${b?.oid}\n  size: 1\n  hash: md5\n  path: b.txt\n`,
    );
    expect(await repo.move('a.txt', 'letters/a.txt')).toMatchObject({ pointer: 'a.txt.dvc' });
    expect(readFileSync(join(repo.root, 'a.txt.dvc'), 'utf8')).toContain('path: letters/a.txt\n');
    expect(await repo.status()).toEqual({});

    await expect(repo.move('nothing', 'x')).rejects.toMatchObject({ code: 'CAIRN_NOT_TRACKED' });
    writeFileSync(join(repo.root, 'taken'), 'mine');
    await expect(repo.move('models/v1.bin', 'taken')).rejects.toMatchObject({
      code: 'CAIRN_MOVE_EXISTS',
    });
    await expect(repo.move('models/v1.bin', '.dvc/x')).rejects.toMatchObject({
      code: 'CAIRN_OUTSIDE_REPO',
    });
    expect(readFileSync(join(repo.root, 'taken'), 'utf8')).toBe('mine');
  });

  it('unprotect replaces cache links by writable copies, leaving the cache intact', async () => {
    const repo = await newRepo();
    await repo.setConfig('cache.type', 'symlink,hardlink');
    writeTree(repo.root, { 'model.bin': 'weights', 'data/a': 'alpha', 'data/sub/b': 'bravo' });
    const [model] = await repo.add(['model.bin', 'data']);
    expect(lstatSync(join(repo.root, 'model.bin')).isSymbolicLink()).toBe(true);
    expect((await repo.unprotect(['model.bin', 'data'])).sort()).toEqual([
      'data/a',
      'data/sub/b',
      'model.bin',
    ]);
    for (const file of ['model.bin', 'data/a', 'data/sub/b']) {
      const info = lstatSync(join(repo.root, file));
      expect([info.isFile(), info.nlink, info.mode & 0o200]).toEqual([true, 1, 0o200]);
    }
    expect(await repo.status()).toEqual({});
    // Edits go to the copy, never into the cache.
    writeFileSync(join(repo.root, 'model.bin'), 'retrained');
    const object = join(
      repo.cacheDir,
      'files',
      'md5',
      model?.oid.slice(0, 2) ?? '',
      model?.oid.slice(2) ?? '',
    );
    expect(readFileSync(object, 'utf8')).toBe('weights');
    expect(await repo.unprotect(['model.bin'])).toEqual([]);
    await expect(repo.unprotect(['gone'])).rejects.toMatchObject({ code: 'CAIRN_NOT_FOUND' });
  });

  it('checkout with relink moves every file to the configured link type, contents intact', async () => {
    const repo = await newRepo();
    writeTree(repo.root, { 'data/a': 'alpha', 'data/sub/b': 'bravo', 'data/empty': '' });
    await repo.add(['data']);
    const files = ['a', 'sub/b'].map((f) => join(repo.root, 'data', f));
    expect(files.map((f) => lstatSync(f).nlink)).toEqual([1, 1]);
    await repo.setConfig('cache.type', 'hardlink');
    expect((await repo.checkout([], { relink: true })).failed).toEqual([]);
    expect(files.map((f) => lstatSync(f).nlink)).toEqual([2, 2]);
    await repo.setConfig('cache.type', 'symlink');
    await repo.checkout([], { relink: true });
    expect(files.map((f) => lstatSync(f).isSymbolicLink())).toEqual([true, true]);
    await repo.setConfig('cache.type', 'copy');
    await repo.checkout([], { relink: true });
    expect(files.map((f) => [lstatSync(f).isFile(), lstatSync(f).nlink])).toEqual([
      [true, 1],
      [true, 1],
    ]);
    expect(readTree(join(repo.root, 'data'))).toEqual({ a: 'alpha', 'sub/b': 'bravo', empty: '' });
    expect(await repo.status()).toEqual({});
  });

  it.each(['hardlink', 'copy'] as const)(
    'checks out thousands of files (%s), empty and shared objects and a corrupt one included',
    async (type) => {
      const repo = await newRepo();
      const files: Record<string, string> = {};
      for (let i = 0; i < 3_000; i++)
        files[`ds/d${i % 20}/f${i}`] = i % 500 === 7 ? '' : `${i % 1_500}`;
      writeTree(repo.root, files);
      await repo.add(['ds']);
      await repo.setConfig('cache.type', type);
      rmSync(join(repo.root, 'ds'), { recursive: true });
      const store = new ObjectStore(repo.cacheDir);
      const corrupt = store.path('e4da3b7fbbce2345d7772b0674a318d5'); // md5 of '5': ds/d5/f5 and f1505
      chmodSync(corrupt, 0o644);
      writeFileSync(corrupt, 'tampered');
      chmodSync(corrupt, 0o444);
      const result = await repo.checkout();
      expect(result.failed.map((f) => f.path).sort()).toEqual(['ds/d5/f1505', 'ds/d5/f5']);
      for (const [path, content] of Object.entries(files)) {
        const abs = join(repo.root, path);
        if (content === '5') {
          expect(existsSync(abs)).toBe(false);
          continue;
        }
        expect(readFileSync(abs, 'utf8')).toBe(content);
        // Each object is linked to by its two workspace files (an empty file is created).
        expect(lstatSync(abs).nlink).toBe(type === 'copy' || content === '' ? 1 : 3);
        if (type === 'copy') expect(lstatSync(abs).mode & 0o222).not.toBe(0); // writable copies
      }
      expect(await repo.status()).toEqual({ 'ds.dvc': [{ 'changed outs': { ds: 'modified' } }] });
    },
  );

  it('checks out thousands of files from a cache it has no record of, verifying each', async () => {
    const repo = await newRepo();
    const files: Record<string, string> = {};
    for (let i = 0; i < 1_500; i++) files[`ds/d${i % 10}/f${i}`] = `${i}`;
    writeTree(repo.root, files);
    await repo.add(['ds']);
    await repo.setConfig('cache.type', 'copy');
    rmSync(join(repo.root, 'ds'), { recursive: true });
    // What the object index recorded is gone (a cache filled by DVC, say): no object is vouched
    // for by a stat, so each is hashed before it is copied.
    rmSync(join(repo.root, '.dvc', 'tmp'), { recursive: true, force: true });
    const corrupt = new ObjectStore(repo.cacheDir).path('e4da3b7fbbce2345d7772b0674a318d5');
    chmodSync(corrupt, 0o644);
    writeFileSync(corrupt, 'tampered');
    const result = await repo.checkout();
    expect(result.failed.map((f) => f.path)).toEqual(['ds/d5/f5']);
    for (const [path, content] of Object.entries(files)) {
      if (path === 'ds/d5/f5') expect(existsSync(join(repo.root, path))).toBe(false);
      else expect(readFileSync(join(repo.root, path), 'utf8')).toBe(content);
    }
  });

  it('add with glob expands wildcards as DVC --glob does', async () => {
    const repo = await newRepo();
    writeTree(repo.root, { 'a.csv': 'a', 'b.csv': 'b', 'notes.txt': 'n', 'sub/c.csv': 'c' });
    await expect(repo.add(['*.csv'])).rejects.toMatchObject({ code: 'CAIRN_NOT_FOUND' });
    const added = await repo.add(['*.csv', 'sub/*.csv'], { glob: true });
    expect(added.map((r) => r.pointer)).toEqual(['a.csv.dvc', 'b.csv.dvc', 'sub/c.csv.dvc']);
    await expect(repo.add(['*.parquet'], { glob: true })).rejects.toMatchObject({
      code: 'CAIRN_GLOB_NO_MATCH',
      message: "Glob ['*.parquet'] has no matches.",
    });
  });

  it('add of many targets writes each .gitignore once, and keeps what it did before a failure', async () => {
    const repo = await newRepo();
    const names = Array.from({ length: 40 }, (_, i) => `t${String(i).padStart(2, '0')}.csv`);
    writeTree(repo.root, {
      ...Object.fromEntries(names.map((n) => [`data/${n}`, `row ${n}\n`])),
      'data/.gitignore': '# kept\n/t05.csv',
    });
    const added = await repo.add(names.map((n) => `data/${n}`));
    expect(added.map((r) => r.pointer)).toEqual(names.map((n) => `data/${n}.dvc`));
    // Reported for each entry this add wrote; t05's was there already.
    expect(added.filter((r) => r.gitignore === undefined).map((r) => r.path)).toEqual([
      'data/t05.csv',
    ]);
    expect(readFileSync(join(repo.root, 'data', '.gitignore'), 'utf8')).toBe(
      `# kept\n/t05.csv\n${names
        .filter((n) => n !== 't05.csv')
        .map((n) => `/${n}\n`)
        .join('')}`,
    );
    expect(await repo.status()).toEqual({});
    // A target that fails after others were stored: those keep their pointers and entries.
    writeTree(repo.root, {
      'more/a.csv': 'a',
      'more/b.csv': 'b',
      'more/skip.csv': 's',
      '.dvcignore': 'skip.csv\n',
    });
    await expect(repo.add(['more/a.csv', 'more/b.csv', 'more/skip.csv'])).rejects.toMatchObject({
      code: 'CAIRN_IGNORED',
    });
    expect(readFileSync(join(repo.root, 'more', '.gitignore'), 'utf8')).toBe('/a.csv\n/b.csv\n');
    expect(existsSync(join(repo.root, 'more', 'b.csv.dvc'))).toBe(true);
    expect(await repo.status()).toEqual({});
  });

  it('add of many targets stops between them when aborted, keeping those done', async () => {
    const repo = await newRepo();
    const names = Array.from({ length: 10 }, (_, i) => `s${i}.csv`);
    writeTree(repo.root, Object.fromEntries(names.map((n) => [n, n])));
    // Ctrl-C once a few targets are through.
    const signal = abortedAtCheck(5);
    await expect(repo.add(names, { signal })).rejects.toMatchObject({ name: 'AbortError' });
    const done = names.filter((n) => existsSync(join(repo.root, `${n}.dvc`)));
    expect(done.length).toBeGreaterThan(0);
    expect(done.length).toBeLessThan(names.length);
    expect(done).toEqual(names.slice(0, done.length));
    // Each pointer written has its .gitignore entry, and what they track is in the cache.
    expect(readFileSync(join(repo.root, '.gitignore'), 'utf8')).toBe(
      done.map((n) => `/${n}\n`).join(''),
    );
    expect(await repo.status()).toEqual({});
  });

  it('add with out tracks data from outside the repository under a path of it', async () => {
    const repo = await newRepo();
    const outside = tempDir();
    writeTree(outside, { 'images/a.png': 'png-a', 'images/b.png': 'png-b', 'labels.csv': 'l' });
    const [added] = await repo.add([join(outside, 'images')], { out: 'data/images' });
    expect(added).toMatchObject({ path: 'data/images', pointer: 'data/images.dvc', nfiles: 2 });
    expect(readTree(join(repo.root, 'data', 'images'))).toEqual({
      'a.png': 'png-a',
      'b.png': 'png-b',
    });
    expect(readFileSync(join(repo.root, 'data', '.gitignore'), 'utf8')).toBe('/images\n');
    expect(readTree(join(outside, 'images'))).toEqual({ 'a.png': 'png-a', 'b.png': 'png-b' });
    expect(await repo.status()).toEqual({});

    await expect(
      repo.add([join(outside, 'labels.csv')], { out: 'data/images' }),
    ).rejects.toMatchObject({
      code: 'CAIRN_OUTPUT_EXISTS',
    });
    await repo.add([join(outside, 'labels.csv')], { out: 'data/images', force: true });
    expect(readFileSync(join(repo.root, 'data', 'images'), 'utf8')).toBe('l');
    expect(await repo.status()).toEqual({});
    await expect(
      repo.add([join(outside, 'labels.csv')], { out: '../elsewhere' }),
    ).rejects.toMatchObject({
      code: 'CAIRN_OUTSIDE_REPO',
    });
  });

  it('add with noCommit writes the pointer only; commit stores it later', async () => {
    const repo = await newRepo();
    writeTree(repo.root, { 'data/a': 'alpha', 'data/sub/b': 'bravo', 'model.bin': 'weights' });
    const added = await repo.add(['data', 'model.bin'], { noCommit: true });
    expect(added.map((r) => [r.path, r.stored])).toEqual([
      ['data', 0],
      ['model.bin', 0],
    ]);
    expect(existsSync(repo.cacheDir)).toBe(false);
    const pointer = readFileSync(join(repo.root, 'data.dvc'), 'utf8');
    expect(pointer).toContain(`md5: ${added[0]?.oid}`);
    expect(await repo.status()).toEqual({
      'data.dvc': [{ 'changed outs': { data: 'not in cache' } }],
      'model.bin.dvc': [{ 'changed outs': { 'model.bin': 'not in cache' } }],
    });

    expect(await repo.commit()).toEqual({ committed: [], unchanged: ['data', 'model.bin'] });
    expect(await repo.status()).toEqual({});
    expect(readFileSync(join(repo.root, 'data.dvc'), 'utf8')).toBe(pointer);
    rmSync(join(repo.root, 'data'), { recursive: true });
    await repo.checkout();
    expect(readTree(join(repo.root, 'data'))).toEqual({ a: 'alpha', 'sub/b': 'bravo' });
  });

  it('refuses targets it must not track', async () => {
    const repo = await newRepo();
    writeTree(repo.root, {
      'code.py': 'print(1)',
      'd/f': 'x',
      'lib/util.py': 'pass',
      'data1.csv': '1',
      'data[1].csv': 'one',
    });
    git(repo.root, 'add', 'code.py', 'lib/util.py', 'data1.csv');
    await expect(repo.add(['code.py'])).rejects.toMatchObject({ code: 'CAIRN_TRACKED_BY_GIT' });
    await expect(repo.add(['lib'])).rejects.toMatchObject({ code: 'CAIRN_TRACKED_BY_GIT' });
    // A name with pattern characters is itself, not a pattern matching data1.csv.
    await repo.add(['data[1].csv']);
    await expect(repo.add(['missing'])).rejects.toMatchObject({ code: 'CAIRN_NOT_FOUND' });
    await expect(repo.add(['.dvc/config'])).rejects.toMatchObject({ code: 'CAIRN_BAD_TARGET' });
    await repo.add(['d']);
    await expect(repo.add(['d/f'])).rejects.toMatchObject({ code: 'CAIRN_OVERLAPPING_OUTPUT' });
  });
});

describe('diff (dvc diff)', () => {
  it('lists added, deleted, modified and renamed files and folders between revisions and the workspace', async () => {
    const repo = await newRepo();
    expect(await repo.diff()).toEqual({ added: [], deleted: [], modified: [], renamed: [] });
    writeTree(repo.root, { 'data/a': 'alpha', 'data/sub/b': 'bravo', 'model.bin': 'm1' });
    const [data, model] = await repo.add(['data', 'model.bin']);
    git(repo.root, 'add', '-A');
    git(repo.root, 'commit', '-qm', 'v1');
    expect(await repo.diff()).toEqual({
      added: [],
      deleted: [],
      modified: [],
      renamed: [],
      'not in cache': [],
    });

    writeFileSync(join(repo.root, 'data', 'a'), 'alpha 2');
    renameSync(join(repo.root, 'data', 'sub', 'b'), join(repo.root, 'data', 'sub', 'b2'));
    writeTree(repo.root, { 'data/c': 'charlie', 'new/x': 'x-ray' });
    rmSync(join(repo.root, 'model.bin'));
    const [, fresh] = await repo.add(['data', 'new']);
    const ws = await repo.diff();
    const md5 = (text: string) => createHash('md5').update(text).digest('hex');
    expect(ws).toEqual({
      added: [
        { path: 'data/c', hash: md5('charlie') },
        { path: 'new/', hash: fresh?.oid },
        { path: 'new/x', hash: md5('x-ray') },
      ],
      deleted: [{ path: 'model.bin', hash: model?.oid }],
      modified: [
        { path: 'data/', hash: { old: data?.oid, new: expect.stringMatching(/\.dir$/) } },
        { path: 'data/a', hash: { old: md5('alpha'), new: md5('alpha 2') } },
      ],
      renamed: [{ path: { old: 'data/sub/b', new: 'data/sub/b2' }, hash: md5('bravo') }],
      'not in cache': [],
    });
    // Limited to a path inside a folder: only what lies below it.
    expect(await repo.diff({ targets: ['sub'], cwd: join(repo.root, 'data') })).toMatchObject({
      added: [],
      modified: [],
      renamed: [{ path: { old: 'data/sub/b', new: 'data/sub/b2' } }],
    });
    await expect(repo.diff({ targets: ['nowhere'] })).rejects.toMatchObject({
      code: 'CAIRN_NOT_TRACKED',
    });

    // Between commits (model.bin.dvc is still committed: only its workspace file is gone);
    // without the old listing in the cache the folder shows as a whole.
    git(repo.root, 'add', '-A');
    git(repo.root, 'commit', '-qm', 'v2');
    const { 'not in cache': _, ...changes } = ws;
    expect(await repo.diff({ aRev: 'HEAD~1', bRev: 'HEAD' })).toStrictEqual({
      ...changes,
      deleted: [],
    });
    expect(await repo.diff({ aRev: 'HEAD', bRev: 'main' })).toEqual({
      added: [],
      deleted: [],
      modified: [],
      renamed: [],
    });
    rmSync(join(repo.cacheDir, 'files', 'md5', (data?.oid ?? '').slice(0, 2)), { recursive: true });
    const unknown = await repo.diff({ aRev: 'HEAD~1' });
    expect(unknown.modified.map((m) => m.path)).toEqual(['data/']);
    expect(unknown.renamed).toEqual([]);
    expect(unknown['not in cache']).toContainEqual({ path: 'data/', hash: data?.oid });
  });
});

describe('dataStatus (dvc data status)', () => {
  it('separates committed, uncommitted and not-in-cache changes, per file when granular', async () => {
    const repo = await newRepo();
    const empty = await repo.dataStatus();
    expect(empty.git.isEmpty).toBe(true);
    writeTree(repo.root, { 'data/a': 'alpha', 'data/sub/b': 'bravo', 'model.bin': 'm1' });
    await repo.add(['data', 'model.bin']);
    // Pointers written, not yet committed to git: committed changes against the empty HEAD.
    expect((await repo.dataStatus()).committed).toMatchObject({ added: ['data/', 'model.bin'] });
    git(repo.root, 'add', '-A');
    git(repo.root, 'commit', '-qm', 'v1');
    const clean = await repo.dataStatus();
    expect([clean.committed, clean.uncommitted].flatMap((c) => Object.values(c).flat())).toEqual(
      [],
    );
    expect(clean.unchanged).toEqual(['data/', 'model.bin']);

    writeFileSync(join(repo.root, 'data', 'a'), 'alpha 2');
    renameSync(join(repo.root, 'data', 'sub', 'b'), join(repo.root, 'data', 'sub', 'b2'));
    writeFileSync(join(repo.root, 'model.bin'), 'm2');
    await repo.add(['model.bin']);
    const whole = await repo.dataStatus();
    expect(whole.committed).toMatchObject({ modified: ['model.bin'] });
    expect(whole.uncommitted).toMatchObject({ modified: ['data/'], added: [], renamed: [] });
    const granular = await repo.dataStatus({ granular: true });
    expect(granular.uncommitted).toEqual({
      added: [],
      deleted: [],
      modified: ['data/', 'data/a'],
      renamed: [{ old: 'data/sub/b', new: 'data/sub/b2' }],
      unknown: [],
    });
    const sub = await repo.dataStatus({
      granular: true,
      targets: ['sub'],
      cwd: join(repo.root, 'data'),
    });
    expect(sub.uncommitted.modified).toEqual([]);
    expect(sub.uncommitted.renamed).toHaveLength(1);

    const store = tempDir();
    await repo.addRemote('store', store, { default: true });
    // A `push: false` output is never expected on a remote (DVC leaves it out too).
    writeTree(repo.root, { 'private.bin': 'local only' });
    await repo.add(['private.bin']);
    writeFileSync(
      join(repo.root, 'private.bin.dvc'),
      `${readFileSync(join(repo.root, 'private.bin.dvc'), 'utf8')}  push: false\n`,
    );
    expect((await repo.dataStatus({ notInRemote: true })).not_in_remote).toEqual([
      'data/',
      'model.bin',
    ]);
    await repo.push();
    expect((await repo.dataStatus({ notInRemote: true, granular: true })).not_in_remote).toEqual(
      [],
    );

    // A pointer file of the last commit that cannot be read is left out and reported.
    writeFileSync(join(repo.root, 'broken.dvc'), 'outs: [oops\n');
    git(repo.root, 'add', 'broken.dvc');
    git(repo.root, 'commit', '-qm', 'broken pointer');
    rmSync(join(repo.root, 'broken.dvc'));
    expect((await repo.dataStatus()).skippedRevisions).toEqual([
      expect.objectContaining({ file: 'broken.dvc', message: expect.any(String) }),
    ]);

    rmSync(repo.cacheDir, { recursive: true });
    expect((await repo.dataStatus()).not_in_cache).toEqual(['data/', 'model.bin', 'private.bin']);
    // Without the listing, the folder's files are unknown.
    expect((await repo.dataStatus({ granular: true })).uncommitted.unknown).toEqual([
      'data/a',
      'data/sub/b2',
    ]);
  });
});

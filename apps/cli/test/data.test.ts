import { spawn } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cairn, GIT_ENV, gitRepo, run, tempDir } from './helpers.js';

async function initRepo(): Promise<string> {
  const dir = await gitRepo();
  expect((await cairn(['init'], { cwd: dir })).exitCode).toBe(0);
  return dir;
}

describe('cairn add / status / checkout', () => {
  it('tracks data, guards CI with status -q and restores it', async () => {
    const dir = await initRepo();
    mkdirSync(join(dir, 'data', 'imgs'), { recursive: true });
    writeFileSync(join(dir, 'data', 'imgs', 'a.png'), 'png-a');
    writeFileSync(join(dir, 'data', 'labels.csv'), 'id,label\n1,cat\n');
    const add = await cairn(['add', 'data', '--json'], { cwd: dir });
    expect(add.exitCode).toBe(0);
    const added = JSON.parse(add.stdout).added[0];
    expect(added).toMatchObject({
      path: 'data',
      pointer: 'data.dvc',
      nfiles: 2,
      size: 20,
      stored: 2,
    });
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toBe('/data\n');
    await run('git', ['add', 'data.dvc', '.gitignore'], dir);

    const clean = await cairn(['status', '-q'], { cwd: dir });
    expect(clean).toMatchObject({ exitCode: 0, stdout: '' });
    expect((await cairn(['status'], { cwd: dir })).stdout).toBe(
      'Data and pipelines are up to date.',
    );

    writeFileSync(join(dir, 'data', 'labels.csv'), 'id,label\n1,dog\n');
    const dirty = await cairn(['status', '-q'], { cwd: dir });
    expect(dirty).toMatchObject({ exitCode: 1, stdout: '' });
    expect((await cairn(['status'], { cwd: dir })).stdout).toBe(
      'data.dvc:\n\tchanged outs:\n\t\tmodified:           data',
    );
    const json = await cairn(['status', '--json'], { cwd: dir });
    expect(JSON.parse(json.stdout)).toEqual({
      'data.dvc': [{ 'changed outs': { data: 'modified' } }],
    });

    const refused = await cairn(['checkout'], { cwd: dir });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('data/labels.csv');
    expect(refused.stderr).toContain('--force');
    const forced = await cairn(['checkout', '--force'], { cwd: dir });
    expect(forced).toMatchObject({ exitCode: 0, stdout: 'M       data' });
    expect(readFileSync(join(dir, 'data', 'labels.csv'), 'utf8')).toBe('id,label\n1,cat\n');

    rmSync(join(dir, 'data'), { recursive: true });
    expect((await cairn(['checkout', 'data.dvc'], { cwd: dir })).stdout).toBe('A       data');
    expect(readFileSync(join(dir, 'data', 'imgs', 'a.png'), 'utf8')).toBe('png-a');
    rmSync(join(dir, 'data'), { recursive: true });
    expect((await cairn(['checkout', '--summary'], { cwd: dir })).stdout).toBe('2 files added');
    expect((await cairn(['checkout', '--summary'], { cwd: dir })).stdout).toBe('No changes.');
    const relinked = await cairn(['checkout', '--relink'], { cwd: dir });
    expect(relinked.stdout).toBe('M       data\nRelinked successfully');

    // A path inside the folder: only it is restored; the uncommitted edit beside it stays.
    rmSync(join(dir, 'data', 'imgs'), { recursive: true });
    writeFileSync(join(dir, 'data', 'labels.csv'), 'id,label\n1,bird\n');
    const inside = await cairn(['checkout', 'imgs/a.png'], { cwd: join(dir, 'data') });
    expect(inside).toMatchObject({ exitCode: 0, stdout: 'M       imgs/a.png' });
    expect(readFileSync(join(dir, 'data', 'imgs', 'a.png'), 'utf8')).toBe('png-a');
    expect(readFileSync(join(dir, 'data', 'labels.csv'), 'utf8')).toBe('id,label\n1,bird\n');
    const absent = await cairn(['checkout', 'data/imgs/b.png'], { cwd: dir });
    expect(absent.exitCode).toBe(1);
    expect(absent.stdout).toContain("'data/imgs/b.png' is not in the version of data");
  });

  it('add --no-commit writes the pointer only; commit stores the data', async () => {
    const dir = await initRepo();
    writeFileSync(join(dir, 'model.bin'), 'weights');
    const add = await cairn(['add', '--no-commit', 'model.bin'], { cwd: dir });
    expect(add.exitCode).toBe(0);
    expect(add.stdout).toContain('not cached: run `cairn commit` to store it');
    expect(existsSync(join(dir, 'model.bin.dvc'))).toBe(true);
    expect(existsSync(join(dir, '.dvc', 'cache'))).toBe(false);
    expect((await cairn(['status', '--json'], { cwd: dir })).stdout).toContain('not in cache');
    expect((await cairn(['commit'], { cwd: dir })).exitCode).toBe(0);
    expect(await cairn(['status', '-q'], { cwd: dir })).toMatchObject({ exitCode: 0 });
  });

  it("diff prints DVC's groups and summary, and its JSON", async () => {
    const dir = await initRepo();
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'a.csv'), 'a');
    writeFileSync(join(dir, 'data', 'b.csv'), 'b');
    await cairn(['add', 'data'], { cwd: dir });
    await run('git', ['add', '-A'], dir);
    await run('git', ['commit', '-qm', 'v1'], dir);
    expect(await cairn(['diff'], { cwd: dir })).toMatchObject({ exitCode: 0, stdout: '' });
    expect(JSON.parse((await cairn(['diff', '--json'], { cwd: dir })).stdout)).toEqual({});

    writeFileSync(join(dir, 'data', 'a.csv'), 'a2');
    writeFileSync(join(dir, 'data', 'c.csv'), 'c');
    rmSync(join(dir, 'data', 'b.csv'));
    const text = await cairn(['diff'], { cwd: dir });
    expect(text).toMatchObject({ exitCode: 0 });
    expect(text.stdout).toBe(
      [
        'Added:',
        '    data/c.csv',
        '',
        'Deleted:',
        '    data/b.csv',
        '',
        'Modified:',
        '    data/',
        '    data/a.csv',
        '',
        'files summary: 1 added, 1 deleted, 1 modified',
      ].join('\n'),
    );
    const json = JSON.parse((await cairn(['diff', '--json'], { cwd: dir })).stdout);
    expect(Object.keys(json)).toEqual(['added', 'deleted', 'modified', 'renamed', 'not in cache']);
    expect(json.added).toEqual([{ path: 'data/c.csv' }]);
    const hashes = await cairn(['diff', '--show-hash', '--targets', 'data/a.csv'], { cwd: dir });
    expect(hashes.stdout).toBe(
      'Modified:\n    0cc175b9..693a9fdd  data/a.csv\n\nfiles summary: 1 modified',
    );
    const unknown = await cairn(['diff', 'no-such-rev'], { cwd: dir });
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain("unknown git revision 'no-such-rev'");
  });

  it('unprotect makes a hardlinked file writable; a missing path exits 1', async () => {
    const dir = await initRepo();
    await cairn(['config', 'cache.type', 'hardlink'], { cwd: dir });
    writeFileSync(join(dir, 'model.bin'), 'weights');
    await cairn(['add', 'model.bin'], { cwd: dir });
    expect(statSync(join(dir, 'model.bin')).nlink).toBe(2);
    const result = await cairn(['unprotect', 'model.bin', '--json'], { cwd: dir });
    expect(JSON.parse(result.stdout)).toEqual({ unprotected: ['model.bin'] });
    expect(statSync(join(dir, 'model.bin')).nlink).toBe(1);
    const missing = await cairn(['unprotect', 'nope'], { cwd: dir });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain("can't unprotect non-existing data 'nope'");
  });

  it('move renames the data and its pointer, and says what to stage', async () => {
    const dir = await initRepo();
    writeFileSync(join(dir, 'raw.csv'), 'a,b\n');
    await cairn(['add', 'raw.csv'], { cwd: dir });
    const moved = await cairn(['move', 'raw.csv', 'data/raw.csv'], { cwd: dir });
    expect(moved.exitCode).toBe(0);
    // The root .gitignore held only raw.csv's entry: deleted, as DVC deletes it.
    expect(moved.stdout).toContain('git add data/raw.csv.dvc data/.gitignore');
    expect(moved.stdout).toContain('git rm -q --cached --ignore-unmatch raw.csv.dvc .gitignore');
    expect(existsSync(join(dir, '.gitignore'))).toBe(false);
    expect(readFileSync(join(dir, 'data', 'raw.csv'), 'utf8')).toBe('a,b\n');
    expect(await cairn(['status', '-q'], { cwd: dir })).toMatchObject({ exitCode: 0 });
    const again = await cairn(['move', 'raw.csv', 'x.csv'], { cwd: dir });
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain("'raw.csv' is not a tracked output");
  });

  it('gc -c deletes from the remote what the workspace no longer uses', async () => {
    const dir = await initRepo();
    const store = tempDir();
    await cairn(['remote', 'add', '-d', 'store', store], { cwd: dir });
    writeFileSync(join(dir, 'model.bin'), 'v1');
    await cairn(['add', 'model.bin'], { cwd: dir });
    await cairn(['push'], { cwd: dir });
    writeFileSync(join(dir, 'model.bin'), 'v2');
    await cairn(['add', 'model.bin'], { cwd: dir });
    await cairn(['push'], { cwd: dir });
    const gc = await cairn(['gc', '-w', '-c', '-f'], { cwd: dir });
    expect(gc).toMatchObject({ exitCode: 0 });
    expect(gc.stdout).toContain("Removed 1 objects from remote 'store'; 1 kept.");
    const left = readdirSync(join(store, 'files', 'md5'), { recursive: true, withFileTypes: true });
    expect(left.filter((e) => e.isFile()).map((e) => `${basename(e.parentPath)}${e.name}`)).toEqual(
      ['1b267619c4812cc46ee281747884ca50'],
    );
  });

  it("data status prints DVC's groups with their hints", async () => {
    const dir = await initRepo();
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'a.csv'), 'a');
    await cairn(['add', 'data'], { cwd: dir });
    await run('git', ['add', '-A'], dir);
    await run('git', ['commit', '-qm', 'v1'], dir);
    expect((await cairn(['data', 'status'], { cwd: dir })).stdout).toBe('No changes.');
    writeFileSync(join(dir, 'data', 'a.csv'), 'a2');
    const text = await cairn(['data', 'status', '--granular'], { cwd: dir });
    expect(text).toMatchObject({ exitCode: 0 });
    expect(text.stdout).toBe(
      [
        'DVC uncommitted changes:',
        '  (use "cairn commit <file>..." to track changes)',
        '  (use "cairn checkout <file>..." to discard changes)',
        '        modified: data/',
        '        modified: data/a.csv',
      ].join('\n'),
    );
    const json = await cairn(['data', 'status', '--json'], { cwd: dir });
    expect(JSON.parse(json.stdout)).toEqual({ uncommitted: { modified: ['data/'] } });
    // A pointer file of the last commit that cannot be read: left out, with a warning.
    writeFileSync(join(dir, 'broken.dvc'), 'outs: [oops\n');
    await run('git', ['add', 'broken.dvc'], dir);
    await run('git', ['commit', '-qm', 'broken'], dir);
    rmSync(join(dir, 'broken.dvc'));
    const warned = await cairn(['data', 'status'], { cwd: dir });
    expect(warned.exitCode).toBe(0);
    expect(warned.stderr).toMatch(/^warning: skipped broken\.dvc at [0-9a-f]{8}: /);
  });

  it('install writes git hooks that check out the data on a branch switch', async () => {
    const dir = await initRepo();
    writeFileSync(join(dir, 'model.bin'), 'v1');
    await cairn(['add', 'model.bin'], { cwd: dir });
    await run('git', ['add', '-A'], dir);
    await run('git', ['commit', '-qm', 'v1'], dir);
    const installed = await cairn(['install', '--json'], { cwd: dir });
    expect(JSON.parse(installed.stdout).hooks).toEqual(
      ['post-checkout', 'pre-commit', 'pre-push'].map((h) => join(dir, '.git', 'hooks', h)),
    );
    await run('git', ['checkout', '-q', '-b', 'v2'], dir);
    writeFileSync(join(dir, 'model.bin'), 'v2');
    await cairn(['add', 'model.bin'], { cwd: dir });
    await run('git', ['commit', '-qam', 'v2'], dir);
    await run('git', ['checkout', '-q', 'main'], dir);
    expect(readFileSync(join(dir, 'model.bin'), 'utf8')).toBe('v1');
    await run('git', ['checkout', '-q', 'v2'], dir);
    expect(readFileSync(join(dir, 'model.bin'), 'utf8')).toBe('v2');
    // Installing again refreshes Cairn's hooks; someone else's is left alone.
    expect((await cairn(['install'], { cwd: dir })).exitCode).toBe(0);
    writeFileSync(join(dir, '.git', 'hooks', 'pre-push'), '#!/bin/sh\necho mine\n');
    const refused = await cairn(['install'], { cwd: dir });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain("git hooks already exist and are not Cairn's");
    expect(readFileSync(join(dir, '.git', 'hooks', 'pre-push'), 'utf8')).toBe(
      '#!/bin/sh\necho mine\n',
    );
  });

  it('check-ignore names the .dvcignore pattern that excludes a path', async () => {
    const dir = await initRepo();
    writeFileSync(join(dir, '.dvcignore'), '# scratch\n*.log\n');
    const hit = await cairn(['check-ignore', '-d', 'run.log', 'data.csv'], { cwd: dir });
    expect(hit).toMatchObject({ exitCode: 0, stdout: '.dvcignore:2:*.log\trun.log' });
    const all = await cairn(['check-ignore', '-d', '-n', 'run.log', 'data.csv'], { cwd: dir });
    expect(all.stdout).toBe('.dvcignore:2:*.log\trun.log\n::\tdata.csv');
    expect(await cairn(['check-ignore', 'data.csv'], { cwd: dir })).toMatchObject({ exitCode: 1 });
  });

  it('exits 1 and names the file when an object is missing', async () => {
    const dir = await initRepo();
    writeFileSync(join(dir, 'model.bin'), 'weights');
    await cairn(['add', 'model.bin'], { cwd: dir });
    rmSync(join(dir, 'model.bin'));
    rmSync(join(dir, '.dvc', 'cache'), { recursive: true });
    const result = await cairn(['checkout'], { cwd: dir });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('model.bin: object');
    expect(result.stdout).toContain('cairn pull');
  });

  it('reports bad pointer files with file, line and field', async () => {
    const dir = await initRepo();
    writeFileSync(
      join(dir, 'bad.dvc'),
      'outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: three\n  path: bad\n',
    );
    const result = await cairn(['status'], { cwd: dir });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^error: bad\.dvc:3:\d+: outs\[0\]\.size: /);
  });
});

/** The built CLI (its bundle and package.json) copied into a folder every user may read. */
function readableCopyOfBin(): string {
  const copy = tempDir('cairn-cli-bin-');
  chmodSync(copy, 0o755);
  cpSync(dirname(BIN), join(copy, 'bin'), { recursive: true });
  cpSync(join(dirname(BIN), '..', 'package.json'), join(copy, 'package.json'));
  for (const entry of readdirSync(copy, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    chmodSync(path, entry.isDirectory() ? 0o755 : 0o644);
  }
  return join(copy, 'bin', basename(BIN));
}

describe('a repository this user may not write', () => {
  it('still answers status; commands that write say why they cannot', async () => {
    const dir = await initRepo();
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'a.csv'), 'a\n');
    expect((await cairn(['add', 'data'], { cwd: dir })).exitCode).toBe(0);
    writeFileSync(join(dir, 'data', 'a.csv'), 'changed\n');
    // As root, run as nobody (permissions do not stop root), from a copy of the binary that
    // nobody may read (the checkout it was built in may be private); otherwise just take write
    // access away.
    const asRoot = process.getuid?.() === 0;
    const runAs = asRoot ? { uid: 65534, gid: 65534, bin: readableCopyOfBin() } : {};
    const env = {
      // git refuses a repository owned by someone else unless told it is safe.
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'safe.directory',
      GIT_CONFIG_VALUE_0: '*',
    };
    chmodSync(dir, 0o755);
    chmodSync(join(dir, '.dvc', 'tmp'), 0o555);
    try {
      const status = await cairn(['status', '--json'], { cwd: dir, env, ...runAs });
      expect(status.stderr).toBe('');
      expect(JSON.parse(status.stdout)).toEqual({
        'data.dvc': [{ 'changed outs': { data: 'modified' } }],
      });
      expect((await cairn(['status', '-q'], { cwd: dir, env, ...runAs })).exitCode).toBe(1);
      const checkout = await cairn(['checkout', '--force'], { cwd: dir, env, ...runAs });
      expect(checkout.exitCode).toBe(1);
      expect(checkout.stderr).toContain(
        `checkout changes the repository, and ${join(dir, '.dvc', 'tmp')} cannot be written here`,
      );
      expect(readFileSync(join(dir, 'data', 'a.csv'), 'utf8')).toBe('changed\n');
    } finally {
      chmodSync(join(dir, '.dvc', 'tmp'), 0o755);
    }
  });
});

describe('cairn checkout killed midway', () => {
  it('leaves a workspace the next checkout completes, without --force', async () => {
    const dir = await initRepo();
    const files = 3000;
    for (let d = 0; d < 30; d++) mkdirSync(join(dir, 'data', `d${d}`), { recursive: true });
    for (let i = 0; i < files; i++) {
      writeFileSync(join(dir, 'data', `d${i % 30}`, `f${i}.bin`), Buffer.alloc(4096, i % 251));
    }
    const big = Buffer.alloc(48 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big[i] = (i / 4096) % 256;
    writeFileSync(join(dir, 'data', 'big.bin'), big);
    expect((await cairn(['add', 'data'], { cwd: dir })).exitCode).toBe(0);
    const placed = () => {
      let n = 0;
      for (let d = 0; d < 30; d++) {
        const sub = join(dir, 'data', `d${d}`);
        if (existsSync(sub)) n += readdirSync(sub).length;
      }
      return n;
    };
    // Killed early, midway and late; each time the next checkout finishes the job.
    for (const after of [1, files / 3, (files * 2) / 3]) {
      rmSync(join(dir, 'data'), { recursive: true });
      const child = spawn(process.execPath, [BIN, 'checkout'], {
        cwd: dir,
        env: { ...process.env, ...GIT_ENV, CI: '1' },
        stdio: 'ignore',
      });
      while (placed() < after && child.exitCode === null) {
        await new Promise((r) => setTimeout(r, 1));
      }
      child.kill('SIGKILL');
      await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(undefined)));
      expect((await cairn(['checkout'], { cwd: dir })).exitCode).toBe(0);
      expect((await cairn(['status', '-q'], { cwd: dir })).exitCode).toBe(0);
      expect(placed()).toBe(files);
      expect(
        readFileSync(join(dir, 'data', 'd7', 'f1357.bin')).equals(Buffer.alloc(4096, 1357 % 251)),
      ).toBe(true);
      expect(readFileSync(join(dir, 'data', 'big.bin')).equals(big)).toBe(true);
    }
  }, 180_000);
});

describe('cairn commit / remove / gc / config / cache dir', () => {
  it('commits, removes, garbage-collects with confirmation rules', async () => {
    const dir = await initRepo();
    writeFileSync(join(dir, 'm.bin'), 'v1');
    await cairn(['add', 'm.bin'], { cwd: dir });
    writeFileSync(join(dir, 'm.bin'), 'v2');
    expect((await cairn(['commit'], { cwd: dir })).stdout).toBe('Committed m.bin');
    expect((await cairn(['status', '-q'], { cwd: dir })).exitCode).toBe(0);

    const noScope = await cairn(['gc', '-f'], { cwd: dir });
    expect(noScope.exitCode).toBe(2);
    const unconfirmed = await cairn(['gc', '-w'], { cwd: dir });
    expect(unconfirmed.exitCode).toBe(2);
    expect(unconfirmed.stderr).toContain('-f');
    const dry = await cairn(['gc', '-w', '--dry', '--json'], { cwd: dir });
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, kept: 1 });
    expect(JSON.parse(dry.stdout).removed).toHaveLength(1);
    expect((await cairn(['gc', '-w', '-f'], { cwd: dir })).stdout).toBe(
      'Removed 1 objects; 1 kept.',
    );

    const removed = await cairn(['remove', 'm.bin.dvc', '--outs'], { cwd: dir });
    expect(removed.stdout).toBe('Removed m.bin.dvc\nDeleted m.bin');
    expect(existsSync(join(dir, 'm.bin'))).toBe(false);
  });

  it('edits config and config.local in place, refusing secrets in the shared file', async () => {
    const dir = await initRepo();
    writeFileSync(join(dir, '.dvc', 'config'), '# team settings\n[core]\n    autostage = true\n');
    expect((await cairn(['config', 'core.remote', 'storage'], { cwd: dir })).exitCode).toBe(0);
    expect(readFileSync(join(dir, '.dvc', 'config'), 'utf8')).toBe(
      '# team settings\n[core]\n    autostage = true\n    remote = storage\n',
    );
    expect((await cairn(['config', 'core.remote'], { cwd: dir })).stdout).toBe('storage');
    const secret = await cairn(['config', 'remote.storage.password', 'hunter2'], { cwd: dir });
    expect(secret.exitCode).not.toBe(0);
    expect(secret.stderr).not.toContain('hunter2');
    await cairn(['config', 'remote.storage.url', 'https://example.com/store'], { cwd: dir });
    expect(
      (await cairn(['config', '--local', 'remote.storage.password', 'hunter2'], { cwd: dir }))
        .exitCode,
    ).toBe(0);
    const list = await cairn(['config', '-l'], { cwd: dir });
    expect(list.stdout).toContain('remote.storage.password=***');
    expect(list.stdout).not.toContain('hunter2');
    // A value DVC would reject is refused, naming the key (not a line that was never written).
    const before = readFileSync(join(dir, '.dvc', 'config'), 'utf8');
    const bad = await cairn(['config', 'cache.shared', 'everyone'], { cwd: dir });
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain(
      `cannot set cache.shared: expected "group", got string "everyone"; ${join(dir, '.dvc', 'config')} is unchanged`,
    );
    expect(readFileSync(join(dir, '.dvc', 'config'), 'utf8')).toBe(before);
    expect((await cairn(['config', '--unset', 'core.remote'], { cwd: dir })).exitCode).toBe(0);
    expect((await cairn(['config', 'core.remote'], { cwd: dir })).exitCode).toBe(1);

    expect((await cairn(['cache', 'dir'], { cwd: dir })).stdout).toBe(join(dir, '.dvc', 'cache'));
    await cairn(['cache', 'dir', '--local', join(dir, 'elsewhere')], { cwd: dir });
    writeFileSync(join(dir, 'x'), 'x');
    await cairn(['add', 'x'], { cwd: dir });
    expect(existsSync(join(dir, 'elsewhere', 'files', 'md5', '9d'))).toBe(true);
  });
});

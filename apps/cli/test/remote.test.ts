import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { type Emulator, startS3 } from '@cairn/emulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cairn, gitRepo, run, tempDir } from './helpers.js';

/** Every file below `root` as `{relpath: bytes}`. */
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

/** A repository with a tracked folder (`data`, 3 files) and a tracked file (`model.bin`). */
async function repoWithData(): Promise<{ dir: string; before: Record<string, string> }> {
  const dir = await gitRepo();
  expect((await cairn(['init'], { cwd: dir })).exitCode).toBe(0);
  mkdirSync(join(dir, 'data', 'imgs'), { recursive: true });
  writeFileSync(join(dir, 'data', 'imgs', 'a.png'), Buffer.from([0, 1, 2, 255]));
  writeFileSync(join(dir, 'data', 'imgs', 'b.png'), 'png-b');
  writeFileSync(join(dir, 'data', 'labels.csv'), 'id,label\n1,cat\n');
  writeFileSync(join(dir, 'model.bin'), 'weights-v1');
  expect((await cairn(['add', 'data', 'model.bin'], { cwd: dir })).exitCode).toBe(0);
  await run('git', ['add', '-A'], dir);
  await run('git', ['commit', '-qm', 'data'], dir);
  return { dir, before: { ...prefixed('data', readTree(join(dir, 'data'))), model: 'weights-v1' } };
}

function prefixed(prefix: string, tree: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tree).map(([k, v]) => [`${prefix}/${k}`, v]));
}

function workspace(dir: string): Record<string, string> {
  return {
    ...prefixed('data', readTree(join(dir, 'data'))),
    model: readFileSync(join(dir, 'model.bin'), 'latin1'),
  };
}

function wipe(dir: string): void {
  rmSync(join(dir, '.dvc', 'cache'), { recursive: true, force: true });
  rmSync(join(dir, 'data'), { recursive: true, force: true });
  rmSync(join(dir, 'model.bin'), { force: true });
}

/** The round trip every backend must pass: push, second push, status -c, wipe, pull. */
async function roundTrip(dir: string, before: Record<string, string>, remote: string) {
  const fresh = await cairn(['status', '-c'], { cwd: dir });
  expect(fresh.exitCode).toBe(0);
  expect(fresh.stdout).toContain(`\tnew:${' '.repeat(26)}model.bin`);
  expect(fresh.stdout).toContain('data/imgs/a.png');
  expect((await cairn(['status', '-c', '-q'], { cwd: dir })).exitCode).toBe(1);

  const push = await cairn(['push'], { cwd: dir });
  expect(push).toMatchObject({ exitCode: 0, stdout: '5 files pushed' });
  const again = await cairn(['push', '--json'], { cwd: dir });
  expect(JSON.parse(again.stdout)).toMatchObject({ transferred: 0, skipped: 5, failed: [] });
  expect((await cairn(['push'], { cwd: dir })).stdout).toBe('Everything is up to date.');
  expect((await cairn(['status', '-c'], { cwd: dir })).stdout).toBe(
    `Cache and remote '${remote}' are in sync.`,
  );
  expect((await cairn(['status', '-c', '-q'], { cwd: dir })).exitCode).toBe(0);

  wipe(dir);
  const gone = await cairn(['status', '-c', '--json'], { cwd: dir });
  expect(JSON.parse(gone.stdout)).toMatchObject({ 'model.bin': 'deleted', data: 'deleted' });
  const pull = await cairn(['pull'], { cwd: dir });
  expect(pull.exitCode).toBe(0);
  expect(pull.stdout).toBe('A       data\nA       model.bin\n5 files fetched and 2 files added');
  expect(workspace(dir)).toEqual(before);
}

// Each test runs the CLI a dozen times or more; on a loaded 2-core runner that can pass a minute.
describe('remotes: local folder', { timeout: 240_000 }, () => {
  it('pushes, pulls back byte-identical, and refuses a tampered object', async () => {
    const { dir, before } = await repoWithData();
    const store = tempDir('cairn-remote-');
    const none = await cairn(['push'], { cwd: dir });
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toContain('no remote specified');
    expect((await cairn(['remote', 'add', '-d', 'store', store], { cwd: dir })).exitCode).toBe(0);
    await roundTrip(dir, before, 'store');

    // Tamper with the remote copy of model.bin: pull reports it, exits 1, caches nothing bad.
    const oid = md5Of(dir, 'model.bin.dvc');
    const remotePath = join(store, 'files', 'md5', oid.slice(0, 2), oid.slice(2));
    chmodSync(remotePath, 0o644);
    writeFileSync(remotePath, 'evil');
    wipe(dir);
    const pull = await cairn(['pull'], { cwd: dir });
    expect(pull.exitCode).toBe(1);
    expect(pull.stderr).toContain('CAIRN_REMOTE_CORRUPT');
    expect(pull.stderr).toContain('model.bin');
    expect(
      existsSync(join(dir, '.dvc', 'cache', 'files', 'md5', oid.slice(0, 2), oid.slice(2))),
    ).toBe(false);
    expect(existsSync(join(dir, 'model.bin'))).toBe(false);
    expect(readFileSync(join(dir, 'data', 'labels.csv'), 'utf8')).toBe('id,label\n1,cat\n');
    const fetchJson = JSON.parse((await cairn(['fetch', '--json'], { cwd: dir })).stdout);
    expect(fetchJson.failed).toEqual([
      expect.objectContaining({ oid, code: 'CAIRN_REMOTE_CORRUPT', paths: ['model.bin'] }),
    ]);
  });

  it('honours push: false and remote: on dvc.yaml outputs', async () => {
    const dir = await gitRepo();
    await cairn(['init'], { cwd: dir });
    const main = tempDir('cairn-remote-');
    const side = tempDir('cairn-remote-');
    await cairn(['remote', 'add', '-d', 'main', main], { cwd: dir });
    await cairn(['remote', 'add', 'side', side], { cwd: dir });
    writeFileSync(join(dir, 'a.txt'), 'A');
    writeFileSync(join(dir, 'b.txt'), 'B');
    writeFileSync(
      join(dir, 'dvc.yaml'),
      'stages:\n  s:\n    cmd: echo\n    outs:\n    - a.txt:\n        push: false\n    - b.txt:\n        remote: side\n',
    );
    writeFileSync(
      join(dir, 'dvc.lock'),
      "schema: '2.0'\nstages:\n  s:\n    cmd: echo\n    outs:\n    - path: a.txt\n      hash: md5\n      md5: 7fc56270e7a70fa81a5935b72eacbe29\n      size: 1\n    - path: b.txt\n      hash: md5\n      md5: 9d5ed678fe57bcca610140957afab571\n      size: 1\n",
    );
    expect((await cairn(['commit'], { cwd: dir })).exitCode).toBe(0);
    const push = JSON.parse((await cairn(['push', '--json'], { cwd: dir })).stdout);
    expect(push).toMatchObject({ transferred: 1, remotes: ['side'] });
    expect(readdirSync(main)).toEqual([]);
    expect(existsSync(join(side, 'files', 'md5', '9d', '5ed678fe57bcca610140957afab571'))).toBe(
      true,
    );
  });

  it('audit fails while an output is only local; mirror copies it and audit passes', async () => {
    const { dir } = await repoWithData();
    const a = tempDir('cairn-remote-a-');
    const b = tempDir('cairn-remote-b-');
    await cairn(['remote', 'add', '-d', 'a', a], { cwd: dir });
    await cairn(['remote', 'add', 'b', b], { cwd: dir });

    const local = await cairn(['audit'], { cwd: dir });
    expect(local.exitCode).toBe(1);
    expect(local.stdout).toContain('model.bin  on no remote');

    expect((await cairn(['push', 'model.bin'], { cwd: dir })).stdout).toBe('1 file pushed');
    const partial = await cairn(['audit', '--json'], { cwd: dir });
    expect(partial.exitCode).toBe(1);
    expect(JSON.parse(partial.stdout)).toMatchObject({
      unprotected: 1,
      outputs: [
        { path: 'data', remotes: [] },
        { path: 'model.bin', remotes: ['a'] },
      ],
    });
    await cairn(['push'], { cwd: dir });
    // Only b is checked: nothing is there yet.
    expect((await cairn(['audit', '-r', 'b'], { cwd: dir })).exitCode).toBe(1);

    // Mirror from a to b with an empty local cache: .dir listings are read from a.
    rmSync(join(dir, '.dvc', 'cache'), { recursive: true });
    const mirror = await cairn(['mirror', '--from', 'a', '--to', 'b'], { cwd: dir });
    expect(mirror).toMatchObject({ exitCode: 0, stdout: '5 files copied' });
    const audit = await cairn(['audit', '-r', 'b'], { cwd: dir });
    expect(audit.exitCode).toBe(0);
    expect(audit.stdout).toContain('data       b');
    expect(readTree(b)).toEqual(readTree(a));
    expect((await cairn(['mirror', '--from', 'a', '--to', 'b'], { cwd: dir })).stdout).toBe(
      'Everything is up to date.',
    );
  });
});

describe('cairn remote', { timeout: 240_000 }, () => {
  it('round-trips add / modify / default / list / rename / remove and keeps secrets out', async () => {
    const dir = await gitRepo();
    await cairn(['init'], { cwd: dir });
    const config = () => readFileSync(join(dir, '.dvc', 'config'), 'utf8');
    const local = () => readFileSync(join(dir, '.dvc', 'config.local'), 'utf8');

    expect(
      (await cairn(['remote', 'add', '-d', 'Store', 's3://bucket/dvc'], { cwd: dir })).stdout,
    ).toBe("Setting 'store' as a default remote.");
    expect(config()).toBe(
      '[core]\n    remote = store\n[\'remote "store"\']\n    url = s3://bucket/dvc\n',
    );
    const dup = await cairn(['remote', 'add', 'store', 's3://other'], { cwd: dir });
    expect(dup.exitCode).toBe(1);
    expect(dup.stderr).toContain(
      "remote 'store' already exists. Use `-f|--force` to overwrite it.",
    );
    expect(
      (await cairn(['remote', 'add', '-f', 'store', 's3://other'], { cwd: dir })).exitCode,
    ).toBe(0);
    await cairn(['remote', 'add', 'backup', 'https://user:pa55word@example.com/dvc'], { cwd: dir });

    expect(
      (
        await cairn(['remote', 'modify', 'store', 'endpointurl', 'http://localhost:9000'], {
          cwd: dir,
        })
      ).exitCode,
    ).toBe(0);
    // DVC would refuse these in its config: so does Cairn, and nothing is written.
    const configBefore = config();
    const unknown = await cairn(['remote', 'modify', 'backup', 'region', 'eu-west-1'], {
      cwd: dir,
    });
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('unknown option "region" for a https:// remote');
    const bad = await cairn(['config', 'remote.store.jobs', 'lots'], { cwd: dir });
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('option "jobs"');
    expect(config()).toBe(configBefore);
    const secret = await cairn(['remote', 'modify', 'store', 'secret_access_key', 'TOPSECRET'], {
      cwd: dir,
    });
    expect(secret.exitCode).toBe(1);
    expect(secret.stderr).toContain('--local');
    expect(secret.stderr).not.toContain('TOPSECRET');
    expect(config()).not.toContain('TOPSECRET');
    const stored = await cairn(
      ['remote', 'modify', '--local', 'store', 'secret_access_key', 'TOPSECRET', '--json'],
      { cwd: dir },
    );
    expect(stored.exitCode).toBe(0);
    expect(stored.stdout).not.toContain('TOPSECRET');
    expect(local()).toContain('secret_access_key = TOPSECRET');
    const missing = await cairn(['remote', 'modify', 'nope', 'region', 'x'], { cwd: dir });
    expect(missing).toMatchObject({ exitCode: 1 });
    expect(missing.stderr).toContain("remote 'nope' doesn't exist.");

    const list = await cairn(['remote', 'list'], { cwd: dir });
    expect(list.stdout).toBe(
      'store\ts3://other\t(default)\nbackup\thttps://user:***@example.com/dvc',
    );
    expect(
      list.stdout + (await cairn(['remote', 'list', '--json'], { cwd: dir })).stdout,
    ).not.toContain('pa55word');

    expect((await cairn(['remote', 'default'], { cwd: dir })).stdout).toBe('store');
    expect((await cairn(['remote', 'default', 'backup'], { cwd: dir })).exitCode).toBe(0);
    expect((await cairn(['remote', 'default', 'ghost'], { cwd: dir })).stderr).toContain(
      'default remote must be present in remote list.',
    );
    expect((await cairn(['remote', 'default', '-u'], { cwd: dir })).exitCode).toBe(0);
    const unset = await cairn(['remote', 'default'], { cwd: dir });
    expect(unset).toMatchObject({ exitCode: 1, stdout: 'No default remote set' });
    await cairn(['remote', 'default', 'store'], { cwd: dir });

    // Rename carries the credentials in config.local and the default along.
    expect((await cairn(['remote', 'rename', 'store', 'origin'], { cwd: dir })).exitCode).toBe(0);
    expect(config()).toContain('remote = origin');
    expect(config()).toContain('[\'remote "origin"\']\n    url = s3://other\n    endpointurl');
    expect(local()).toContain('[\'remote "origin"\']\n    secret_access_key = TOPSECRET');
    expect((await cairn(['remote', 'rename', 'origin', 'backup'], { cwd: dir })).stderr).toContain(
      "Remote name 'backup' already exists.",
    );

    // Remove drops the section everywhere and the default that named it.
    expect((await cairn(['remote', 'remove', 'origin'], { cwd: dir })).exitCode).toBe(0);
    expect(config()).toBe(
      '[\'remote "backup"\']\n    url = https://user:pa55word@example.com/dvc\n',
    );
    expect(local()).toBe('');
    expect((await cairn(['remote', 'remove', 'origin'], { cwd: dir })).stderr).toContain(
      "remote 'origin' doesn't exist.",
    );
  });
});

describe('remotes: S3 emulator', { timeout: 240_000 }, () => {
  let s3: Emulator;
  beforeAll(async () => {
    s3 = await startS3();
  });
  afterAll(async () => {
    await s3?.stop();
  });

  it('pushes to S3, pulls back byte-identical, and mirrors S3 to a folder', async () => {
    const { dir, before } = await repoWithData();
    await cairn(['remote', 'add', '-d', 's3', `${s3.url}/${Date.now()}`], { cwd: dir });
    for (const [option, value] of Object.entries(s3.config)) {
      const local = option === 'access_key_id' || option === 'secret_access_key';
      const set = await cairn(
        ['remote', 'modify', ...(local ? ['--local'] : []), 's3', option, value],
        { cwd: dir },
      );
      expect(set.exitCode, set.stderr).toBe(0);
    }
    await roundTrip(dir, before, 's3');

    const folder = tempDir('cairn-remote-');
    await cairn(['remote', 'add', 'folder', folder], { cwd: dir });
    expect((await cairn(['audit', '-r', 'folder'], { cwd: dir })).exitCode).toBe(1);
    const mirror = await cairn(['mirror', '--from', 's3', '--to', 'folder'], { cwd: dir });
    expect(mirror, mirror.stderr).toMatchObject({ exitCode: 0, stdout: '5 files copied' });
    const audit = await cairn(['audit', '--json'], { cwd: dir });
    expect(audit.exitCode).toBe(0);
    expect(JSON.parse(audit.stdout).outputs).toEqual([
      expect.objectContaining({ path: 'data', remotes: ['s3', 'folder'] }),
      expect.objectContaining({ path: 'model.bin', remotes: ['s3', 'folder'] }),
    ]);
  });
});

function md5Of(dir: string, pointer: string): string {
  const match = /md5: ([0-9a-f]{32})/.exec(readFileSync(join(dir, pointer), 'utf8'));
  if (!match?.[1]) throw new Error(`no md5 in ${pointer}`);
  return match[1];
}

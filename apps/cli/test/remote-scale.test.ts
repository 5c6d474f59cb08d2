import { createHash, randomBytes } from 'node:crypto';
import {
  createReadStream,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  type Emulator,
  scratchDir,
  startAzurite,
  startGcs,
  startHttpRemote,
  startS3,
} from '@cairn/emulators';
import { SECRET_OPTIONS } from '@cairn/repo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cairn, run } from './helpers.js';

// The acceptance at full size, through the real CLI: a 20,000-file folder and a 200 MiB
// file go to each backend with `cairn push`, the cache and the workspace are wiped, and
// `cairn pull` must give back byte-identical files. Data lives on the scratch tmpfs when it has room.
const FILES = 20_000;
const FOLDERS = 100;
const LARGE = 200 * 1024 * 1024;

type Start = () => Promise<Emulator>;
const BACKENDS: [string, Start | undefined][] = [
  ['local', undefined],
  ['s3', () => startS3()],
  ['gcs', () => startGcs()],
  ['azure', () => startAzurite()],
  ['http', () => startHttpRemote({ user: 'cairn', password: 'scale-secret' })],
];

let dir: string;
let expected: Map<string, string>;

async function md5File(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk);
  return hash.digest('hex');
}

/** md5 of every workspace file under data/ and of big.bin, by relative path. */
async function workspaceHashes(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const folder of readdirSync(join(dir, 'data'))) {
    for (const name of readdirSync(join(dir, 'data', folder))) {
      const rel = `data/${folder}/${name}`;
      out.set(rel, await md5File(join(dir, rel)));
    }
  }
  out.set('big.bin', await md5File(join(dir, 'big.bin')));
  return out;
}

beforeAll(async () => {
  dir = mkdtempSync(join(scratchDir(), 'cairn-scale-'));
  await run('git', ['init', '-q', '-b', 'main'], dir);
  expect((await cairn(['init'], { cwd: dir })).exitCode).toBe(0);
  for (let f = 0; f < FOLDERS; f++) {
    const folder = join(dir, 'data', `part-${String(f).padStart(3, '0')}`);
    mkdirSync(folder, { recursive: true });
    for (let i = 0; i < FILES / FOLDERS; i++) {
      writeFileSync(join(folder, `${i}.bin`), randomBytes(4096));
    }
  }
  // 200 MiB of distinct random chunks, so no part of it can be deduplicated or compressed.
  const chunk = 8 * 1024 * 1024;
  const big = Buffer.allocUnsafe(LARGE);
  for (let at = 0; at < LARGE; at += chunk) randomBytes(chunk).copy(big, at);
  writeFileSync(join(dir, 'big.bin'), big);
  const add = await cairn(['add', 'data', 'big.bin'], { cwd: dir });
  expect(add.exitCode, add.stderr).toBe(0);
  expected = await workspaceHashes();
  expect(expected.size).toBe(FILES + 1);
}, 600_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.each(BACKENDS)('push → wipe → pull at scale: %s', (name, start) => {
  let emulator: Emulator | undefined;
  let folder: string | undefined;
  beforeAll(async () => {
    emulator = await start?.();
  }, 120_000);
  afterAll(async () => {
    await emulator?.stop();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('gives back a byte-identical workspace', async () => {
    let url: string;
    let config: Record<string, string> = {};
    if (emulator) {
      url = `${emulator.direct.url}/scale-${Date.now()}`;
      config = emulator.direct.config;
    } else {
      folder = mkdtempSync(join(scratchDir(), 'cairn-scale-remote-'));
      url = folder;
    }
    expect((await cairn(['remote', 'add', name, url], { cwd: dir })).exitCode).toBe(0);
    for (const [option, value] of Object.entries(config)) {
      const local = SECRET_OPTIONS.has(option) ? ['--local'] : [];
      const set = await cairn(['remote', 'modify', ...local, name, option, value], { cwd: dir });
      expect(set.exitCode, set.stderr).toBe(0);
    }

    const push = await cairn(['push', '-r', name, '--json'], { cwd: dir });
    expect(push.exitCode, push.stderr).toBe(0);
    // Every file, the large one and the folder's .dir listing.
    expect(JSON.parse(push.stdout)).toMatchObject({ transferred: FILES + 2, failed: [] });

    rmSync(join(dir, '.dvc', 'cache'), { recursive: true, force: true });
    rmSync(join(dir, 'data'), { recursive: true, force: true });
    rmSync(join(dir, 'big.bin'), { force: true });
    const pull = await cairn(['pull', '-r', name, '--json'], { cwd: dir });
    expect(pull.exitCode, pull.stderr).toBe(0);
    expect(await workspaceHashes()).toEqual(expected);
    const status = await cairn(['status', '-q'], { cwd: dir });
    expect(status.exitCode, status.stderr).toBe(0);
  }, 900_000);
});

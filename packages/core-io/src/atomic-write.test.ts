import { lstat, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { deadPid, tempDir, tempLeftovers } from '../test/helpers.js';
import {
  cleanStaleTemps,
  ensureDir,
  writeFileAtomic,
  writeFileAtomicSync,
  writeFilesAtomicSync,
  writeJsonAtomic,
  writeYamlAtomic,
} from './atomic-write.js';
import { hashBytes } from './hash.js';

describe('writeFileAtomic', () => {
  it('writes the bytes and returns their md5, sha256 and size', async () => {
    const dir = await tempDir();
    const file = join(dir, 'foo');
    const result = await writeFileAtomic(file, 'foo');
    expect(await readFile(file, 'utf8')).toBe('foo');
    expect(result).toEqual({
      size: 3,
      md5: 'acbd18db4cc2f85cedef654fccc4a4d8',
      sha256: hashBytes('foo').sha256,
    });
    expect(await tempLeftovers(dir)).toEqual([]);
  });

  it('accepts bytes, readable streams and async iterables', async () => {
    const dir = await tempDir();
    const file = join(dir, 'data.bin');
    const bytes = new Uint8Array([0, 1, 2, 255]);
    expect((await writeFileAtomic(file, bytes)).size).toBe(4);
    expect(new Uint8Array(await readFile(file))).toEqual(bytes);

    await writeFileAtomic(file, Readable.from([Buffer.from('ab'), Buffer.from('cd')]));
    expect(await readFile(file, 'utf8')).toBe('abcd');

    async function* pieces() {
      yield new TextEncoder().encode('x');
      yield new TextEncoder().encode('yz');
    }
    const result = await writeFileAtomic(file, pieces());
    expect(await readFile(file, 'utf8')).toBe('xyz');
    expect(result.md5).toBe(hashBytes('xyz').md5);
  });

  it('replaces an existing file and keeps its mode unless one is given', async () => {
    const dir = await tempDir();
    const file = join(dir, 'params.yaml');
    await writeFile(file, 'old', { mode: 0o640 });
    await writeFileAtomic(file, 'new');
    expect(await readFile(file, 'utf8')).toBe('new');
    expect((await stat(file)).mode & 0o777).toBe(0o640);

    await writeFileAtomic(file, 'newer', { mode: 0o444 });
    expect((await stat(file)).mode & 0o777).toBe(0o444);
  });

  it('leaves the target untouched and no temp file when the source fails', async () => {
    const dir = await tempDir();
    const file = join(dir, 'dvc.lock');
    await writeFile(file, 'original');
    async function* failing() {
      yield Buffer.from('partial');
      throw new Error('source broke');
    }
    await expect(writeFileAtomic(file, failing())).rejects.toThrow('source broke');
    expect(await readFile(file, 'utf8')).toBe('original');
    expect(await tempLeftovers(dir)).toEqual([]);
  });

  it('stops on abort with an AbortError and cleans up', async () => {
    const dir = await tempDir();
    const file = join(dir, 'big');
    const controller = new AbortController();
    async function* slow() {
      yield Buffer.alloc(1024);
      // The temp file exists while the write is in progress, next to the target.
      const temps = await tempLeftovers(dir);
      expect(temps).toHaveLength(1);
      expect(temps[0]).toMatch(new RegExp(`^\\.big\\.${process.pid}\\.[0-9a-z]+\\.cairn-tmp$`));
      controller.abort();
      yield Buffer.alloc(1024);
    }
    await expect(
      writeFileAtomic(file, slow(), { signal: controller.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('writes through a symlink to the file it points at', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'real.yaml'), 'a: 1\n');
    await symlink('real.yaml', join(dir, 'link.yaml'));
    await writeFileAtomic(join(dir, 'link.yaml'), 'a: 2\n');
    expect(await readFile(join(dir, 'real.yaml'), 'utf8')).toBe('a: 2\n');
    expect((await lstat(join(dir, 'link.yaml'))).isSymbolicLink()).toBe(true);
  });

  it('fails with ENOENT when the folder does not exist', async () => {
    const dir = await tempDir();
    await expect(writeFileAtomic(join(dir, 'missing', 'x'), 'x')).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});

describe('writeFileAtomicSync', () => {
  it('replaces a file in one step, keeping its mode, through a symlink, leaving no temp file', async () => {
    const dir = await tempDir();
    const target = join(dir, 'data.dvc');
    await writeFile(target, 'old\n', { mode: 0o640 });
    await symlink(target, join(dir, 'link.dvc'));
    writeFileAtomicSync(join(dir, 'link.dvc'), 'new\n');
    expect(await readFile(target, 'utf8')).toBe('new\n');
    expect((await stat(target)).mode & 0o777).toBe(0o640);
    expect((await lstat(join(dir, 'link.dvc'))).isSymbolicLink()).toBe(true);
    writeFileAtomicSync(join(dir, 'fresh'), Buffer.from('bytes'), { mode: 0o600 });
    expect((await stat(join(dir, 'fresh'))).mode & 0o777).toBe(0o600);
    expect(await tempLeftovers(dir)).toEqual([]);
    expect(() => writeFileAtomicSync(join(dir, 'missing', 'x'), 'x')).toThrow(
      expect.objectContaining({ code: 'ENOENT' }),
    );
  });
});

describe('writeFilesAtomicSync', () => {
  it('writes many files in groups, each replaced whole, keeping modes, leaving no temp file', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'a'));
    await mkdir(join(dir, 'b'));
    await writeFile(join(dir, 'a', 'f0'), 'old\n', { mode: 0o640 });
    // More files than one group of fsyncs, across two folders.
    const files = Array.from({ length: 600 }, (_, i) => ({
      path: join(dir, i % 2 === 0 ? 'a' : 'b', `f${i}`),
      data: i % 3 === 0 ? Buffer.from(`bytes ${i}\n`) : `text ${i}\n`,
      ...(i === 1 ? { mode: 0o600 } : {}),
    }));
    writeFilesAtomicSync(files);
    for (const [i, file] of files.entries()) {
      expect(await readFile(file.path, 'utf8')).toBe(i % 3 === 0 ? `bytes ${i}\n` : `text ${i}\n`);
    }
    expect((await stat(join(dir, 'a', 'f0'))).mode & 0o777).toBe(0o640);
    expect((await stat(join(dir, 'b', 'f1'))).mode & 0o777).toBe(0o600);
    expect(await tempLeftovers(join(dir, 'a'))).toEqual([]);
    expect(await tempLeftovers(join(dir, 'b'))).toEqual([]);
  });

  it('on a failure leaves each target whole, old or new, and no temp file', async () => {
    const dir = await tempDir();
    for (const name of ['x', 'y', 'z']) await writeFile(join(dir, name), 'old');
    const batch = (data: string) => [
      { path: join(dir, 'x'), data },
      { path: join(dir, 'y'), data },
      { path: join(dir, 'missing', 'w'), data },
      { path: join(dir, 'z'), data },
    ];
    // One group: nothing is renamed before all its temporary files are written.
    expect(() => writeFilesAtomicSync(batch('new'))).toThrow(
      expect.objectContaining({ code: 'ENOENT' }),
    );
    for (const name of ['x', 'y', 'z']) expect(await readFile(join(dir, name), 'utf8')).toBe('old');
    expect(await tempLeftovers(dir)).toEqual([]);
  });
});

describe('writeJsonAtomic / writeYamlAtomic', () => {
  it('writes 2-space JSON with a trailing newline', async () => {
    const dir = await tempDir();
    const file = join(dir, 'm.json');
    await writeJsonAtomic(file, { a: [1, 2], b: { c: null } });
    expect(await readFile(file, 'utf8')).toBe(
      '{\n  "a": [\n    1,\n    2\n  ],\n  "b": {\n    "c": null\n  }\n}\n',
    );
  });

  it('writes YAML the way DVC does', async () => {
    const dir = await tempDir();
    const file = join(dir, 'dvc.lock');
    await writeYamlAtomic(file, { schema: '2.0', stages: {} });
    expect(await readFile(file, 'utf8')).toBe("schema: '2.0'\nstages: {}\n");
  });
});

describe('cleanStaleTemps', () => {
  it('removes temp files of dead processes only', async () => {
    const dir = await tempDir();
    const dead = join(dir, `.foo.${deadPid()}.0123456789ab.cairn-tmp`);
    const ours = join(dir, `.foo.${process.pid}.0123456789ab.cairn-tmp`);
    const parent = join(dir, `.bar.${process.ppid}.0123456789ab.cairn-tmp`);
    const other = join(dir, 'not-a-temp.txt');
    for (const f of [dead, ours, parent, other]) await writeFile(f, 'x');
    expect(await cleanStaleTemps(dir)).toEqual([dead]);
    expect((await readdir(dir)).sort()).toEqual(
      [ours, parent, other].map((f) => f.slice(dir.length + 1)).sort(),
    );
  });

  it('returns nothing for a missing folder', async () => {
    const dir = await tempDir();
    expect(await cleanStaleTemps(join(dir, 'nope'))).toEqual([]);
  });
});

describe('ensureDir', () => {
  it('creates nested folders and accepts existing ones', async () => {
    const dir = await tempDir();
    const nested = join(dir, 'a', 'b', 'c');
    expect(await ensureDir(nested)).toBe(nested);
    await ensureDir(nested);
    expect((await stat(nested)).isDirectory()).toBe(true);
  });
});

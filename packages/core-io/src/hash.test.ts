import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readFixture, tempDir } from '../test/helpers.js';
import { CHUNK_SIZE, hashBytes, hashFile, hashStream } from './hash.js';

interface Md5Vector {
  content: string;
  md5: string;
  source: string;
}

const vectors = readFixture<{ file_md5: Md5Vector[] }>('hash-vectors.json').file_md5;

describe('DVC file md5 vectors', () => {
  it.each(vectors.map((v) => [JSON.stringify(v.content), v] as const))(
    '%s hashes to the md5 DVC records',
    async (_name, v) => {
      const dir = await tempDir();
      const file = join(dir, 'f');
      await writeFile(file, v.content);
      expect(hashBytes(v.content, { algorithms: ['md5'] })).toEqual({
        md5: v.md5,
        size: Buffer.byteLength(v.content),
      });
      expect((await hashFile(file)).md5).toBe(v.md5);
      expect((await hashStream(createReadStream(file))).md5).toBe(v.md5);
    },
  );
});

describe('hashFile', () => {
  it('computes md5 and sha256 by default, and only what is asked for', async () => {
    const dir = await tempDir();
    const file = join(dir, 'foo');
    await writeFile(file, 'foo');
    expect(await hashFile(file)).toEqual({
      size: 3,
      md5: 'acbd18db4cc2f85cedef654fccc4a4d8',
      sha256: '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae',
    });
    expect(await hashFile(file, { algorithms: ['md5'] })).toEqual({
      size: 3,
      md5: 'acbd18db4cc2f85cedef654fccc4a4d8',
    });
  });

  it.each([0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE + 17])(
    'matches the one-shot hash for %i bytes (chunk boundaries)',
    async (size) => {
      const dir = await tempDir();
      const file = join(dir, 'data');
      const bytes = Buffer.alloc(size);
      for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 11)) & 0xff;
      await writeFile(file, bytes);
      expect(await hashFile(file)).toEqual(hashBytes(bytes));
    },
  );

  it('rejects with the fs error for a missing file', async () => {
    const dir = await tempDir();
    await expect(hashFile(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('stops when aborted', async () => {
    const dir = await tempDir();
    const file = join(dir, 'big');
    await writeFile(file, Buffer.alloc(4 * CHUNK_SIZE));
    const controller = new AbortController();
    controller.abort();
    await expect(hashFile(file, { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });
});

describe('hashStream', () => {
  it('hashes strings and byte chunks from any async iterable', async () => {
    expect(await hashStream(Readable.from(['f', Buffer.from('oo')]))).toEqual(hashBytes('foo'));
  });

  it('rejects unknown algorithms', async () => {
    await expect(hashStream(Readable.from([]), { algorithms: ['sha1' as 'md5'] })).rejects.toThrow(
      /unsupported hash algorithm "sha1"/,
    );
  });
});

import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/helpers.js';
import { CopyVerifiedCode, copyVerifiedBatch } from './copy-verified.js';
import { SMALL_FILE_MAX } from './small-file.js';

const md5 = (bytes: string | Buffer) => createHash('md5').update(bytes).digest('hex');

describe('copyVerifiedBatch', () => {
  it('copies what hashes to its md5, exactly in mode, and nothing else', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'good'), 'good bytes');
    await writeFile(join(dir, 'bad'), 'not what the name says');
    await writeFile(join(dir, 'big'), Buffer.alloc(SMALL_FILE_MAX + 1, 1));
    const out = join(dir, 'out', 'ab');
    const result = copyVerifiedBatch(
      ['good', 'bad', 'big', 'gone'].map((name) => join(dir, name)),
      ['good', 'bad', 'big', 'gone'].map((name) => join(out, name)),
      [md5('good bytes'), md5('other'), md5(Buffer.alloc(SMALL_FILE_MAX + 1, 1)), md5('x')],
      { mode: 0o444, dirMode: 0o2775 },
    );
    expect(result).toMatchObject({
      sizes: [10, -1, -1, -1],
      failed: [1, 2, 3],
      codes: [CopyVerifiedCode.mismatch, CopyVerifiedCode.tooLarge, 'ENOENT'],
    });
    const copy = await stat(join(out, 'good'));
    expect(result.stats.slice(0, 2)).toEqual([copy.ino, copy.mtimeMs]);
    expect(result.stats.slice(2).every(Number.isNaN)).toBe(true);
    // Only the verified copy, and no temporary file.
    expect(await readdir(out)).toEqual(['good']);
    expect(await readFile(join(out, 'good'), 'utf8')).toBe('good bytes');
    expect((await stat(join(out, 'good'))).mode & 0o777).toBe(0o444);
    expect((await stat(out)).mode & 0o7777).toBe(0o2775);
  });
});

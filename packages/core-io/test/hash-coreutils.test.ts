import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../src/atomic-write.js';
import { hashBytes, hashFile, hashStream } from '../src/hash.js';
import { tempDir } from './helpers.js';

/** What coreutils says: `md5sum` and `sha256sum` of a file. */
function coreutils(file: string): { md5: string; sha256: string } {
  const digest = (tool: string) => execFileSync(tool, [file], { encoding: 'utf8' }).split(' ')[0];
  return { md5: digest('md5sum') as string, sha256: digest('sha256sum') as string };
}

/** 100 MiB of random bytes, produced piece by piece. */
async function* generated(total: number): AsyncGenerator<Uint8Array> {
  const piece = 1 << 20;
  for (let sent = 0; sent < total; sent += piece) yield randomBytes(Math.min(piece, total - sent));
}

describe('hashes agree with coreutils', () => {
  it.each([
    ['empty', ''],
    ['"foo"', 'foo'],
  ])('for %s', async (_name, content) => {
    const file = join(await tempDir(), 'f');
    await writeFile(file, content);
    const expected = coreutils(file);
    expect(hashBytes(content)).toEqual({ size: content.length, ...expected });
    expect(await hashFile(file)).toEqual({ size: content.length, ...expected });
    expect(await hashStream(createReadStream(file))).toEqual({ size: content.length, ...expected });
  });

  it('for a 100 MiB generated stream, hashed while written and read back', async () => {
    const size = 100 << 20;
    const file = join(await tempDir(), 'big.bin');
    const written = await writeFileAtomic(file, Readable.from(generated(size)));
    const expected = { size, ...coreutils(file) };
    expect(written).toEqual(expected);
    expect(await hashFile(file)).toEqual(expected);
    expect(await hashStream(createReadStream(file, { highWaterMark: 1 << 20 }))).toEqual(expected);
  });
});

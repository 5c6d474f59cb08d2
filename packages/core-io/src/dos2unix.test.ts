import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFixture, tempDir } from '../test/helpers.js';
import { hashBytesDos2Unix, hashFileDos2Unix, isTextBlock } from './dos2unix.js';
import { hashBytes } from './hash.js';

const MiB = 1 << 20;

interface Dos2UnixVectors {
  crlf_text: { input_hex: string; md5: string; md5_dos2unix: string };
  binary_with_nul: { input_hex: string; md5: string; md5_dos2unix: string };
  divergent_2x_vs_3x: { md5: string; md5_dos2unix_dvc_data_3x_per_chunk: string };
}

const vectors = readFixture<{ dos2unix: Dos2UnixVectors }>('hash-vectors.json').dos2unix;

async function fileWith(bytes: Uint8Array): Promise<string> {
  const file = join(await tempDir(), 'data');
  await writeFile(file, bytes);
  return file;
}

describe('md5-dos2unix (DVC 3 per-chunk rule)', () => {
  it.each([
    ['crlf_text', vectors.crlf_text],
    ['binary_with_nul', vectors.binary_with_nul],
  ])('matches the %s vector', async (_name, v) => {
    const bytes = Buffer.from(v.input_hex, 'hex');
    expect(hashBytes(bytes, { algorithms: ['md5'] }).md5).toBe(v.md5);
    expect(hashBytesDos2Unix(bytes)).toEqual({ md5: v.md5_dos2unix, size: bytes.length });
    expect(await hashFileDos2Unix(await fileWith(bytes))).toEqual({
      md5: v.md5_dos2unix,
      size: bytes.length,
    });
  });

  it('decides text or binary again for every 1 MiB chunk', async () => {
    const v = vectors.divergent_2x_vs_3x;
    const bytes = Buffer.concat([Buffer.alloc(MiB), Buffer.from('x\r\ny\r\n')]);
    expect(hashBytes(bytes, { algorithms: ['md5'] }).md5).toBe(v.md5);
    expect(hashBytesDos2Unix(bytes).md5).toBe(v.md5_dos2unix_dvc_data_3x_per_chunk);
    expect((await hashFileDos2Unix(await fileWith(bytes))).md5).toBe(
      v.md5_dos2unix_dvc_data_3x_per_chunk,
    );
  });

  it('leaves a CRLF split across a chunk boundary alone, and reports the size on disk', async () => {
    const bytes = Buffer.alloc(MiB + 3, 'a');
    bytes[MiB - 1] = 0x0d;
    bytes[MiB] = 0x0a;
    bytes[MiB + 1] = 0x0d;
    bytes[MiB + 2] = 0x0a;
    // Only the CRLF inside the second chunk is normalised.
    const expected = hashBytes(Buffer.concat([bytes.subarray(0, MiB + 1), Buffer.from('\n')]), {
      algorithms: ['md5'],
    }).md5;
    expect(await hashFileDos2Unix(await fileWith(bytes))).toEqual({ md5: expected, size: MiB + 3 });
    expect(hashBytesDos2Unix(bytes).md5).toBe(expected);
  });

  it('normalises many lines of a text file like a global replace', async () => {
    const text = Array.from({ length: 5000 }, (_, i) => `line ${i}\r\n`).join('');
    expect((await hashFileDos2Unix(await fileWith(Buffer.from(text)))).md5).toBe(
      hashBytes(text.replaceAll('\r\n', '\n')).md5,
    );
  });
});

describe('isTextBlock', () => {
  it('follows DVC: empty is text, NUL is binary, at most 30% non-text bytes is text', () => {
    expect(isTextBlock(new Uint8Array())).toBe(true);
    expect(isTextBlock(Buffer.from('a\0b'))).toBe(false);
    expect(isTextBlock(Buffer.from('plain\ttext\r\n\f\b'))).toBe(true);
    const mixed = (nonText: number) =>
      Buffer.concat([Buffer.alloc(10 - nonText, 'a'), Buffer.alloc(nonText, 0xc3)]);
    expect(isTextBlock(mixed(3))).toBe(true);
    expect(isTextBlock(mixed(4))).toBe(false);
    expect(isTextBlock(Buffer.from('\x01\x02\x03\x04'))).toBe(false);
  });
});

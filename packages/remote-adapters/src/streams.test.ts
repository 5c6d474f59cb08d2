import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { fixedChunks } from './streams.js';

async function collect(source: AsyncGenerator<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const chunk of source) out.push(Buffer.from(chunk));
  return out;
}

describe('fixedChunks', () => {
  const bytes = Buffer.from(Array.from({ length: 23 }, (_, i) => i));
  const pieces = () =>
    Readable.from([bytes.subarray(0, 3), bytes.subarray(3, 17), bytes.subarray(17)]);

  it('cuts a stream into parts of exactly the size, the last one shorter', async () => {
    const chunks = await collect(fixedChunks(pieces(), 8));
    expect(chunks.map((c) => c.length)).toEqual([8, 8, 7]);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
    expect(await collect(fixedChunks(Readable.from([]), 8))).toEqual([Buffer.alloc(0)]);
  });

  it('fills the buffers the caller supplies for full parts', async () => {
    const supplied: Buffer[] = [];
    const take = () => {
      const buffer = Buffer.alloc(8, 0xff);
      supplied.push(buffer);
      return buffer;
    };
    const seen: Buffer[] = [];
    for await (const chunk of fixedChunks(pieces(), 8, take)) seen.push(chunk);
    expect(supplied).toHaveLength(2);
    expect(seen[0]).toBe(supplied[0]);
    expect(seen[1]).toBe(supplied[1]);
    expect(Buffer.concat(seen).equals(bytes)).toBe(true);
  });
});

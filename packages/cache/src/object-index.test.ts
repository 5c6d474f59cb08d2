import { createHash } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ObjectIndex } from './object-index.js';

const A = 'acbd18db4cc2f85cedef654fccc4a4d8';
const B = '37b51d194a7513e45b56f6524f2d51f2';
const stat = { ino: 42, mtimeMs: 1732500000123.4568, size: 3 };
/** The n-th of many distinct md5-like ids. */
const oid = (n: number) => n.toString(16).padStart(8, '0').repeat(4);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cairn-objects-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('ObjectIndex', () => {
  it('vouches for an object only with the exact stat it was recorded with', () => {
    const index = ObjectIndex.inMemory();
    index.set(A, 'md5', stat);
    expect(index.vouches(A, 'md5', stat)).toBe(true);
    expect(index.vouches(A, 'md5', { ...stat, mtimeMs: stat.mtimeMs + 0.001 })).toBe(false);
    expect(index.vouches(A, 'md5', { ...stat, ino: 43 })).toBe(false);
    expect(index.vouches(A, 'md5', { ...stat, size: 4 })).toBe(false);
    // The .dir object and the DVC 2 layout are other objects.
    expect(index.vouches(`${A}.dir`, 'md5', stat)).toBe(false);
    expect(index.vouches(A, 'md5-dos2unix', stat)).toBe(false);
    expect(index.recorded(B, 'md5')).toBeUndefined();
    expect(index.recorded('not-an-oid', 'md5')).toBeUndefined();
  });

  it('persists sorted and appended records, the last one winning, forgotten ones included', async () => {
    const first = ObjectIndex.open(dir);
    for (let n = 0; n < 5000; n++) first.set(oid(n), 'md5', { ...stat, ino: n });
    first.set(`${A}.dir`, 'md5', stat);
    first.set(A, 'md5-dos2unix', { ...stat, size: 9 });
    await first.flush(); // a new file is written sorted
    const second = ObjectIndex.open(dir);
    expect(second.recorded(oid(4321), 'md5')).toEqual({ ...stat, ino: 4321 });
    second.set(oid(7), 'md5', { ...stat, ino: 70 });
    second.delete(oid(8), 'md5');
    second.set(B, 'md5', stat);
    await second.flush(); // appended
    const third = ObjectIndex.open(dir);
    expect(third.vouches(oid(7), 'md5', { ...stat, ino: 70 })).toBe(true);
    expect(third.vouches(oid(7), 'md5', { ...stat, ino: 7 })).toBe(false);
    expect(third.recorded(oid(8), 'md5')).toBeUndefined();
    expect(third.vouches(oid(9), 'md5', { ...stat, ino: 9 })).toBe(true);
    expect(third.vouches(B, 'md5', stat)).toBe(true);
    expect(third.vouches(`${A}.dir`, 'md5', stat)).toBe(true);
    expect(third.vouches(A, 'md5-dos2unix', { ...stat, size: 9 })).toBe(true);
    expect(third.vouches(A, 'md5', stat)).toBe(false);
  });

  it('writes a new index sorted at once, without what was forgotten before the first flush', async () => {
    const first = ObjectIndex.open(dir);
    // Out of order, as a hash pool records them.
    const ids = Array.from({ length: 3000 }, (_, n) => oid((n * 7919) % 3000));
    for (const id of ids)
      first.set(id, 'md5', { ...stat, ino: Number.parseInt(id.slice(0, 8), 16) });
    first.delete(oid(5), 'md5');
    await first.flush();
    const file = join(dir, 'cairn-objects-v2.idx');
    expect(statSync(file).size).toBe(16 + 2999 * 48);
    expect(readFileSync(file).readUInt32LE(12)).toBe(2999); // all of them in the sorted part
    const second = ObjectIndex.open(dir);
    for (let n = 0; n < 3000; n++) {
      expect(second.recorded(oid(n), 'md5')).toEqual(n === 5 ? undefined : { ...stat, ino: n });
    }
  });

  it('ignores a torn last record and damaged bytes, and appends past them', async () => {
    const index = ObjectIndex.open(dir);
    index.set(A, 'md5', stat);
    await index.flush();
    const file = join(dir, 'cairn-objects-v2.idx');
    const appended = ObjectIndex.open(dir);
    appended.set(B, 'md5', stat);
    await appended.flush();
    const whole = readFileSync(file);
    // An interrupted writer: half of a record.
    appendFileSync(file, whole.subarray(whole.length - 48, whole.length - 20));
    const torn = ObjectIndex.open(dir);
    expect(torn.vouches(B, 'md5', stat)).toBe(true);
    torn.set(oid(1), 'md5', stat);
    await torn.flush();
    const after = ObjectIndex.open(dir);
    expect(after.vouches(oid(1), 'md5', stat)).toBe(true);
    expect(after.vouches(A, 'md5', stat)).toBe(true);
    // A flipped byte in a record's stat: the record no longer counts.
    const bytes = readFileSync(file);
    const at = bytes.length - 48 + 30;
    bytes[at] = (bytes[at] as number) ^ 1;
    writeFileSync(file, bytes);
    expect(ObjectIndex.open(dir).recorded(oid(1), 'md5')).toBeUndefined();
    expect(ObjectIndex.open(dir).vouches(B, 'md5', stat)).toBe(true);
  });

  it('rewrites itself sorted once many records were appended, keeping the newest of each', async () => {
    const file = join(dir, 'cairn-objects-v2.idx');
    const base = ObjectIndex.open(dir);
    base.set(A, 'md5', stat);
    await base.flush();
    for (let round = 0; round < 3; round++) {
      const writer = ObjectIndex.open(dir);
      for (let n = 0; n < 2000; n++) writer.set(oid(n), 'md5', { ...stat, size: round });
      await writer.flush();
    }
    // 6,000 records were appended past 1 sorted one: the third flush sorted them into 2,001.
    expect(statSync(file).size).toBe(16 + 2001 * 48);
    expect(readFileSync(file).readUInt32LE(12)).toBe(2001);
    const reader = ObjectIndex.open(dir);
    expect(reader.vouches(oid(1999), 'md5', { ...stat, size: 2 })).toBe(true);
    expect(reader.vouches(oid(1999), 'md5', { ...stat, size: 1 })).toBe(false);
    expect(reader.vouches(A, 'md5', stat)).toBe(true);
  });

  it('merges what was appended into its sorted records, and drops a record out of order', async () => {
    const file = join(dir, 'cairn-objects-v2.idx');
    // Uniform ids, like md5s: lookups go through the fan-out.
    const md5 = (n: number) => createHash('md5').update(String(n)).digest('hex');
    const base = ObjectIndex.open(dir);
    for (let n = 0; n < 3000; n++) base.set(md5(n), 'md5', { ...stat, ino: n });
    await base.flush();
    // Swap two neighbouring sorted records: both keep valid checksums, now out of order.
    const bytes = readFileSync(file);
    const first = Buffer.from(bytes.subarray(16 + 10 * 48, 16 + 11 * 48));
    bytes.copy(bytes, 16 + 10 * 48, 16 + 11 * 48, 16 + 12 * 48);
    first.copy(bytes, 16 + 11 * 48);
    writeFileSync(file, bytes);
    const writer = ObjectIndex.open(dir);
    for (let n = 2000; n < 7000; n++) writer.set(md5(n), 'md5', { ...stat, ino: n + 1 });
    writer.delete(md5(5), 'md5');
    await writer.flush(); // 5,000 appended past 3,000 sorted: rewritten merged
    const out = readFileSync(file);
    const count = out.readUInt32LE(12);
    expect(out.length).toBe(16 + count * 48);
    for (let i = 1; i < count; i++) {
      const order = Buffer.compare(
        out.subarray(16 + (i - 1) * 48, 16 + (i - 1) * 48 + 17),
        out.subarray(16 + i * 48, 16 + i * 48 + 17),
      );
      expect(order).toBeLessThan(0);
    }
    const reader = ObjectIndex.open(dir);
    let found = 0;
    for (let n = 0; n < 7000; n++) {
      const known = reader.recorded(md5(n), 'md5');
      if (known === undefined) continue;
      found++;
      expect(known.ino).toBe(n < 2000 ? n : n + 1);
    }
    // All but the deleted one and the record that came out of order.
    expect(reader.recorded(md5(5), 'md5')).toBeUndefined();
    expect(found).toBe(6998);
    expect(count).toBe(6998);
  });

  it('takes over the text log of earlier versions, and removes it once written out', async () => {
    const cache = '/repo/.dvc/cache';
    const line = (md5: string, path: string, size = 3) =>
      `${md5}\t${size}\t42\t${stat.mtimeMs}\t${path}\n`;
    const log = join(dir, 'cairn-objects-v1.log');
    writeFileSync(
      log,
      [
        'cairn-state v1\n',
        line(A, `${cache}/files/md5/${A.slice(0, 2)}/${A.slice(2)}`),
        line(B, `${cache}/${B.slice(0, 2)}/${B.slice(2)}`), // DVC 2 layout
        line(A, `${cache}/files/md5/${A.slice(0, 2)}/${A.slice(2)}.dir`),
        line(oid(1), `${cache}/files/md5/00/${oid(1).slice(2)}`),
        line('-', `${cache}/files/md5/00/${oid(1).slice(2)}`, -1), // forgotten later
        line(B, `${cache}/files/md5/${A.slice(0, 2)}/${A.slice(2)}`.replace(/\/[^/]*$/, '/x')),
        line(oid(2), `${cache}/files/md5/00/${oid(3).slice(2)}`), // md5 is not the name
        `contents:md5:${A}.dir\t1\t2\t3\t4\n`,
        `${B}\t3\t42`, // torn
      ].join(''),
    );
    const index = ObjectIndex.open(dir);
    expect(index.vouches(A, 'md5', stat)).toBe(true);
    expect(index.vouches(B, 'md5-dos2unix', stat)).toBe(true);
    expect(index.vouches(B, 'md5', stat)).toBe(false);
    expect(index.vouches(`${A}.dir`, 'md5', stat)).toBe(true);
    expect(index.recorded(oid(1), 'md5')).toBeUndefined();
    expect(index.recorded(oid(2), 'md5')).toBeUndefined();
    expect(index.recorded(oid(3), 'md5')).toBeUndefined();
    await index.flush();
    expect(existsSync(log)).toBe(false);
    const reopened = ObjectIndex.open(dir);
    expect(reopened.vouches(A, 'md5', stat)).toBe(true);
    expect(reopened.vouches(B, 'md5-dos2unix', stat)).toBe(true);
  });

  it('starts over on a file that is not an index', async () => {
    const file = join(dir, 'cairn-objects-v2.idx');
    writeFileSync(file, 'something else entirely, long enough to look like records');
    const index = ObjectIndex.open(dir);
    expect(index.recorded(A, 'md5')).toBeUndefined();
    index.set(A, 'md5', stat);
    await index.flush();
    expect(ObjectIndex.open(dir).vouches(A, 'md5', stat)).toBe(true);
  });
});

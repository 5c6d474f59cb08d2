import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateIndex } from './state-index.js';

const A = 'acbd18db4cc2f85cedef654fccc4a4d8';
const B = '37b51d194a7513e45b56f6524f2d51f2';
const stat = { ino: 42, mtimeMs: 1732500000123.4568, size: 3 };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cairn-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('StateIndex', () => {
  it('returns a hash only while inode, mtime and size are unchanged', () => {
    const index = StateIndex.inMemory();
    index.set('/w/foo', stat, A);
    expect(index.get('/w/foo', stat)).toBe(A);
    expect(index.get('/w/foo', { ...stat, mtimeMs: stat.mtimeMs + 0.001 })).toBeUndefined();
    expect(index.get('/w/foo', { ...stat, ino: 43 })).toBeUndefined();
    expect(index.get('/w/foo', { ...stat, size: 4 })).toBeUndefined();
    expect(index.get('/w/bar', stat)).toBeUndefined();
  });

  it('persists across processes, last entry wins, odd names included', async () => {
    const first = StateIndex.open(dir);
    first.set('/w/foo', stat, A);
    first.set('/w/tab\there\nnew\\line', stat, B);
    await first.flush();
    first.set('/w/foo', { ...stat, size: 4 }, B);
    await first.flush();
    const second = StateIndex.open(dir);
    expect(second.get('/w/foo', { ...stat, size: 4 })).toBe(B);
    expect(second.get('/w/foo', stat)).toBeUndefined();
    expect(second.get('/w/tab\there\nnew\\line', stat)).toBe(B);
  });

  it('ignores a torn last line left by an interrupted writer', async () => {
    const index = StateIndex.open(dir);
    index.set('/w/foo', stat, A);
    await index.flush();
    const file = join(dir, 'cairn-state-v1.log');
    appendFileSync(file, `${B}\t3\t42\t17325`); // killed mid-write: no newline
    const reader = StateIndex.open(dir);
    expect(reader.get('/w/foo', stat)).toBe(A);
    expect(reader.size).toBe(1);
    // The next writer terminates the torn fragment first, so its own line reads back intact.
    reader.set('/w/bar', stat, B);
    await reader.flush();
    const after = StateIndex.open(dir);
    expect(after.get('/w/bar', stat)).toBe(B);
    expect(after.get('/w/foo', stat)).toBe(A);
  });

  it('answers its first lookups from the log text, and its full load agrees with them', async () => {
    const writer = StateIndex.open(dir);
    for (let i = 0; i < 100; i++) writer.set(`/w/f${i}`, { ...stat, size: i }, A);
    writer.set('/w/gone', stat, A);
    writer.set('/w/sub/f1', stat, B); // a longer path ending like /w/f1
    await writer.flush();
    writer.set('/w/f1', { ...stat, size: 1 }, B); // a later line wins
    writer.delete('/w/gone');
    await writer.flush();

    const reader = StateIndex.open(dir);
    expect(reader.get('/w/f1', { ...stat, size: 1 })).toBe(B);
    expect(reader.get('/w/gone', stat)).toBeUndefined();
    expect(reader.get('/w/sub/f1', stat)).toBe(B);
    // Changes made before the full load win over the log's lines once it happens.
    reader.set('/w/f2', { ...stat, size: 2 }, B);
    reader.delete('/w/f3');
    reader.set('/w/new', stat, A);
    expect(reader.get('/w/new', stat)).toBe(A); // a point lookup sees what was set
    expect(reader.get('/w/f2', { ...stat, size: 2 })).toBe(B);
    for (let i = 0; i < 100; i++) reader.get(`/w/f${i}`, { ...stat, size: i }); // past the point lookups
    expect(reader.size).toBe(101); // f0..f99 - f3 + sub/f1 + new
    expect(reader.get('/w/f2', { ...stat, size: 2 })).toBe(B);
    expect(reader.get('/w/f3', { ...stat, size: 3 })).toBeUndefined();
    expect(reader.get('/w/f4', { ...stat, size: 4 })).toBe(A);
    await reader.flush();
    const after = StateIndex.open(dir);
    expect(after.get('/w/f3', { ...stat, size: 3 })).toBeUndefined();
    expect(after.get('/w/new', stat)).toBe(A);
    expect(after.size).toBe(101);
  });

  it('answers many lookups at once like one at a time', async () => {
    const writer = StateIndex.open(dir);
    for (let i = 0; i < 50; i++) writer.set(`/w/f${i}`, { ...stat, size: i }, i % 2 ? A : B);
    await writer.flush();
    const paths = Array.from({ length: 60 }, (_, i) => `/w/f${i}`);
    const stats = paths.map((_, i) => (i === 3 ? undefined : { ...stat, size: i === 4 ? 99 : i }));
    const many = StateIndex.open(dir).getMany(paths, stats);
    const one = StateIndex.open(dir);
    expect(many).toEqual(paths.map((p, i) => (stats[i] ? one.get(p, stats[i]) : undefined)));
    expect(many.slice(0, 6)).toEqual([B, A, B, undefined, undefined, A]);
    expect(many[55]).toBeUndefined();
  });

  it('skips corrupt lines and unknown formats', () => {
    const file = join(dir, 'cairn-state-v1.log');
    writeFileSync(
      file,
      `cairn-state v1\nnot a line\n${A}\tx\t1\t2\t/w/a\n${A}\t3\t42\t${stat.mtimeMs}\t/w/ok\n`,
    );
    const index = StateIndex.open(dir);
    expect(index.get('/w/a', { ...stat, size: 0 })).toBeUndefined();
    expect(index.get('/w/ok', stat)).toBe(A);
    writeFileSync(file, 'something else\n');
    expect(StateIndex.open(dir).size).toBe(0);
  });

  it('compacts a loaded log that grew past its live entries', async () => {
    const index = StateIndex.open(dir);
    expect(index.size).toBe(0); // loaded: it counts its live lines
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 6000; i++)
        index.set(`/w/f${i}`, { ...stat, size: round }, round % 2 ? A : B);
      await index.flush();
    }
    const lines = readFileSync(join(dir, 'cairn-state-v1.log'), 'utf8').split('\n').length;
    // Without compaction the log would hold all 30,000 lines.
    expect(lines).toBeLessThan(6000 * 3);
    const reopened = StateIndex.open(dir);
    expect(reopened.size).toBe(6000);
    expect(reopened.get('/w/f5999', { ...stat, size: 4 })).toBe(B);
    expect(reopened.get('/w/f5999', { ...stat, size: 3 })).toBeUndefined();
  });
});

describe('StateIndex written without being loaded', () => {
  it('appends without reading the log, and compacts it once it grew well past its live lines', async () => {
    const file = join(dir, 'cairn-state-v1.log');
    // 1,000 paths, each written 180 times (~20 MB of lines, 1,000 of them live, less one below).
    const path = (i: number) => `/w/${'long-folder-name-'.repeat(3)}/f${i}`;
    const rounds: string[] = ['cairn-state v1\n'];
    for (let round = 0; round < 180; round++) {
      const lines: string[] = [];
      for (let i = 0; i < 1000; i++)
        lines.push(`${A}\t${round}\t42\t${stat.mtimeMs}\t${path(i)}\n`);
      rounds.push(lines.join(''));
    }
    rounds.push(`-\t0\t0\t0\t${path(9)}\n`); // forgotten
    writeFileSync(file, rounds.join(''));

    const small = StateIndex.open(dir);
    small.set('/w/new', stat, B);
    await small.flush();
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n').length).toBeLessThan(1010);
    expect(text).toMatch(/^cairn-state v1\n#live \d+\n/);

    const reader = StateIndex.open(dir);
    expect(reader.get('/w/new', stat)).toBe(B);
    expect(reader.get(path(7), { ...stat, size: 179 })).toBe(A);
    expect(reader.get(path(7), { ...stat, size: 178 })).toBeUndefined();
    expect(reader.get(path(9), { ...stat, size: 179 })).toBeUndefined();
    expect(reader.size).toBe(1000);

    // Appends below twice the live size (plus slack) leave the compacted log as it is.
    const next = StateIndex.open(dir);
    next.set('/w/other', stat, A);
    await next.flush();
    expect(readFileSync(file, 'utf8')).toBe(`${text}${A}\t3\t42\t${stat.mtimeMs}\t/w/other\n`);
  });
});

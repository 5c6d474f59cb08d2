/**
 * What the object store knows of its objects: for each oid, the (inode, mtime, size) the object
 * had when its bytes were seen to hash to its name. An object whose `lstat` still matches is
 * trusted without being read again (checkout, status, gc).
 *
 * Binary, so that a checkout of 100,000 objects parses nothing: `cairn-objects-v2.idx` under
 * `.dvc/tmp/` (DVC ignores that folder) is a 16-byte header (`CAIRNOBJ`, u32 version, u32 count
 * of sorted records) and 48-byte records: md5 (16 raw bytes), kind (bit 0: `.dir`, bit 1: DVC 2
 * layout, bit 7: forgotten), a u32 checksum, then inode, mtimeMs and size as float64. The first
 * `sorted` records are in (md5, kind) order, one per object, and are found by binary search;
 * the rest were appended since (one O_APPEND write per flush) and a later record wins. A torn or
 * damaged record fails its checksum and is ignored, so an interrupted writer or a concurrent
 * reader never sees a wrong entry. A flush that finds many appended records rewrites the file
 * sorted (atomically replacing it).
 */
import {
  closeSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@cairn/core-io';
import { isValidOid } from './object-store.js';
import type { FileStat } from './state-index.js';

/** `md5` = DVC 3 layout (`files/md5/`); `md5-dos2unix` = DVC 2 layout. */
type Layout = 'md5' | 'md5-dos2unix';

const MAGIC = 'CAIRNOBJ';
const VERSION = 2;
const HEADER = 16;
const RECORD = 48;
const DIR = 1;
const LEGACY = 2;
const FORGOTTEN = 128;
/** What earlier versions kept instead (see `importTextLog`). */
const TEXT_LOG = 'cairn-objects-v1.log';
/** Appended records that make a flush rewrite the file sorted (and at least half the sorted). */
const APPENDED_MAX = 4096;

interface Known extends FileStat {
  /** False: forgotten. */
  live: boolean;
}

export class ObjectIndex {
  /** The file's bytes once read; records [0, sorted) are in key order. */
  private bytes: Buffer | undefined;
  private sorted = 0;
  /** Appended records of the file and changes made here: key → what is known (later wins). */
  private readonly recent = new Map<string, Known>();
  /** Changes not yet written: keys and what is known of them, in order. */
  private pending: Array<[string, Known]> = [];

  private constructor(private readonly file: string) {}

  /** The index stored in `dir` (normally `.dvc/tmp`); nothing is read until a lookup. */
  static open(dir: string): ObjectIndex {
    return new ObjectIndex(join(dir, 'cairn-objects-v2.idx'));
  }

  /** An index that is never persisted. */
  static inMemory(): ObjectIndex {
    return new ObjectIndex('');
  }

  /** Whether `oid` was seen to hash to its name with exactly this stat. */
  vouches(oid: string, layout: Layout, stat: FileStat): boolean {
    const known = this.recorded(oid, layout);
    return (
      known !== undefined &&
      known.ino === stat.ino &&
      known.mtimeMs === stat.mtimeMs &&
      known.size === stat.size
    );
  }

  /** The stat `oid` had when it was seen to hash to its name, if that is recorded. */
  recorded(oid: string, layout: Layout): FileStat | undefined {
    const key = keyOf(oid, layout);
    if (key === undefined) return undefined;
    const known = this.load().recent.get(key) ?? this.search(key);
    if (known === undefined || !known.live) return undefined;
    return { ino: known.ino, mtimeMs: known.mtimeMs, size: known.size };
  }

  /** Records that `oid`, with this stat, hashes to its name. */
  set(oid: string, layout: Layout, stat: FileStat): void {
    this.change(oid, layout, stat, true);
  }

  /** Forgets `oid` (it was removed, or found corrupt). */
  delete(oid: string, layout: Layout): void {
    if (this.recorded(oid, layout) === undefined) return;
    this.change(oid, layout, { ino: 0, mtimeMs: 0, size: 0 }, false);
  }

  /** Persists the changes made since the last flush. */
  async flush(): Promise<void> {
    if (this.file === '' || this.pending.length === 0) return;
    const chunk = Buffer.alloc(this.pending.length * RECORD);
    this.pending.forEach(([key, known], i) => {
      writeRecord(chunk, i * RECORD, key, known);
    });
    this.pending = [];
    mkdirSync(join(this.file, '..'), { recursive: true });
    const fd = openSync(this.file, 'a+');
    let compact = false;
    try {
      const size = fstatSync(fd).size;
      const header = Buffer.alloc(HEADER);
      const valid = size >= HEADER && readSync(fd, header, 0, HEADER, 0) === HEADER;
      const sorted = valid && isHeader(header) ? header.readUInt32LE(12) : -1;
      if (sorted === -1) {
        // New, or not ours: start over (the rename below replaces it whole).
        compact = true;
      } else {
        // A torn final record is padded out: it fails its checksum and is skipped.
        const torn = (size - HEADER) % RECORD;
        const pad = torn === 0 ? Buffer.alloc(0) : Buffer.alloc(RECORD - torn);
        writeSync(fd, pad.length === 0 ? chunk : Buffer.concat([pad, chunk]));
        fsyncSync(fd);
        const appended = Math.ceil((size - HEADER) / RECORD) - sorted + chunk.length / RECORD;
        compact = appended > APPENDED_MAX && appended > sorted / 2;
      }
    } finally {
      closeSync(fd);
    }
    if (compact) await this.compact();
  }

  /** Rewrites the file as sorted records of the live entries. */
  private async compact(): Promise<void> {
    this.bytes = undefined; // read again (other writers may have appended); what is known here wins
    this.load();
    const live = new Map<string, Known>();
    const bytes = this.bytes as Buffer | undefined;
    for (let i = 0; bytes !== undefined && i < this.sorted; i++) {
      const off = HEADER + i * RECORD;
      if (!checksumOk(bytes, off)) continue;
      live.set(keyAt(bytes, off), statAt(bytes, off));
    }
    for (const [key, known] of this.recent) live.set(key, known);
    const keys = [...live.keys()].filter((key) => live.get(key)?.live).sort();
    const out = Buffer.alloc(HEADER + keys.length * RECORD);
    out.write(MAGIC, 0, 'latin1');
    out.writeUInt32LE(VERSION, 8);
    out.writeUInt32LE(keys.length, 12);
    keys.forEach((key, i) => {
      writeRecord(out, HEADER + i * RECORD, key, live.get(key) as Known);
    });
    await writeFileAtomic(this.file, out);
    this.bytes = out;
    this.sorted = keys.length;
    this.recent.clear();
    // The text log this index replaced (taken over when this index was first read).
    rmSync(join(this.file, '..', TEXT_LOG), { force: true });
  }

  private change(oid: string, layout: Layout, stat: FileStat, live: boolean): void {
    const key = keyOf(oid, layout);
    if (key === undefined) return;
    const known = { ino: stat.ino, mtimeMs: stat.mtimeMs, size: stat.size, live };
    this.load().recent.set(key, known);
    this.pending.push([key, known]);
  }

  /** Reads the file once: its sorted part stays as bytes, its appended records go to `recent`. */
  private load(): this {
    if (this.bytes !== undefined || this.file === '') return this;
    let bytes: Buffer;
    let found = true;
    try {
      bytes = readFileSync(this.file);
    } catch {
      bytes = Buffer.alloc(0); // no index yet (or unreadable): it is only a cache
      found = false;
    }
    if (bytes.length < HEADER || !isHeader(bytes)) bytes = Buffer.alloc(0);
    const count = bytes.length < HEADER ? 0 : Math.floor((bytes.length - HEADER) / RECORD);
    this.sorted = bytes.length < HEADER ? 0 : Math.min(bytes.readUInt32LE(12), count);
    this.bytes = bytes;
    // Changes made here before the load win over the file's appended records.
    const mine = new Map(this.recent);
    this.recent.clear();
    for (let i = this.sorted; i < count; i++) {
      const off = HEADER + i * RECORD;
      if (checksumOk(bytes, off)) this.recent.set(keyAt(bytes, off), statAt(bytes, off));
    }
    for (const [key, known] of mine) this.recent.set(key, known);
    if (!found) this.importTextLog();
    return this;
  }

  /**
   * Takes over what earlier versions recorded in their text log (`cairn-objects-v1.log`: md5,
   * size, inode, mtime and the object's absolute path per line; a later line wins, `-` forgets),
   * so an upgrade does not hash the whole cache again. Written out by the next flush.
   */
  private importTextLog(): void {
    let text: string;
    try {
      text = readFileSync(join(this.file, '..', TEXT_LOG), 'utf8');
    } catch {
      return;
    }
    if (!text.startsWith('cairn-state v1\n')) return;
    const taken = new Map<string, Known | undefined>();
    for (const line of text.split('\n')) {
      const fields = line.split('\t');
      if (fields.length < 5) continue;
      const segments = fields.slice(4).join('\t').split('/');
      const n = segments.length;
      const oid = `${segments[n - 2]}${segments[n - 1]}`;
      const layout =
        segments[n - 4] === 'files' && segments[n - 3] === 'md5' ? 'md5' : 'md5-dos2unix';
      const key = keyOf(oid, layout);
      if (key === undefined) continue;
      if (fields[0] === '-') {
        taken.set(key, undefined);
        continue;
      }
      const known = {
        ino: Number(fields[2]),
        mtimeMs: Number(fields[3]),
        size: Number(fields[1]),
        live: true,
      };
      const valid = [known.ino, known.mtimeMs, known.size].every(Number.isFinite);
      if (fields[0] === oid.slice(0, 32) && valid) taken.set(key, known);
    }
    for (const [key, known] of taken) {
      if (known === undefined || this.recent.has(key)) continue;
      this.recent.set(key, known);
      this.pending.push([key, known]);
    }
  }

  /** Binary search of the sorted records. */
  private search(key: string): Known | undefined {
    const bytes = this.bytes;
    if (bytes === undefined || this.sorted === 0) return undefined;
    // The md5 as four big-endian words: compared in JavaScript, no buffer per lookup.
    const w0 = Number.parseInt(key.slice(0, 8), 16);
    const w1 = Number.parseInt(key.slice(8, 16), 16);
    const w2 = Number.parseInt(key.slice(16, 24), 16);
    const w3 = Number.parseInt(key.slice(24, 32), 16);
    const kind = key.charCodeAt(32) - 48;
    let lo = 0;
    let hi = this.sorted - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const off = HEADER + mid * RECORD;
      let order = w0 - bytes.readUInt32BE(off);
      if (order === 0) order = w1 - bytes.readUInt32BE(off + 4);
      if (order === 0) order = w2 - bytes.readUInt32BE(off + 8);
      if (order === 0) order = w3 - bytes.readUInt32BE(off + 12);
      if (order === 0) order = kind - ((bytes[off + 16] as number) & (DIR | LEGACY));
      if (order === 0) {
        return checksumOk(bytes, off) ? statAt(bytes, off) : undefined;
      }
      if (order > 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }
}

/** `<md5 hex><kind digit>`: sorts like the records (md5 bytes, then kind). */
function keyOf(oid: string, layout: Layout): string | undefined {
  if (!isValidOid(oid)) return undefined;
  const dir = oid.length > 32; // `<md5>.dir`
  return `${oid.slice(0, 32)}${(dir ? DIR : 0) | (layout === 'md5' ? 0 : LEGACY)}`;
}

function keyAt(bytes: Buffer, off: number): string {
  return `${bytes.toString('hex', off, off + 16)}${(bytes[off + 16] as number) & (DIR | LEGACY)}`;
}

function statAt(bytes: Buffer, off: number): Known {
  return {
    ino: bytes.readDoubleLE(off + 24),
    mtimeMs: bytes.readDoubleLE(off + 32),
    size: bytes.readDoubleLE(off + 40),
    live: ((bytes[off + 16] as number) & FORGOTTEN) === 0,
  };
}

function writeRecord(out: Buffer, off: number, key: string, known: Known): void {
  out.write(key.slice(0, 32), off, 'hex');
  out[off + 16] = (key.charCodeAt(32) - 48) | (known.live ? 0 : FORGOTTEN);
  out.writeDoubleLE(known.ino, off + 24);
  out.writeDoubleLE(known.mtimeMs, off + 32);
  out.writeDoubleLE(known.size, off + 40);
  out.writeUInt32LE(checksum(out, off), off + 20);
}

function isHeader(bytes: Buffer): boolean {
  return bytes.toString('latin1', 0, 8) === MAGIC && bytes.readUInt32LE(8) === VERSION;
}

/** FNV-1a over the record's words, its own checksum word left out. */
function checksum(bytes: Buffer, off: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < RECORD; i += 4) {
    if (i === 20) continue;
    h = Math.imul(h ^ bytes.readUInt32LE(off + i), 0x01000193) >>> 0;
  }
  return h;
}

function checksumOk(bytes: Buffer, off: number): boolean {
  return off + RECORD <= bytes.length && bytes.readUInt32LE(off + 20) === checksum(bytes, off);
}

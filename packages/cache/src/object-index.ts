/**
 * What the object store knows of its objects: for each oid, the (inode, mtime, size) the object
 * had when its bytes were seen to hash to its name. An object whose `lstat` still matches is
 * trusted without being read again (checkout, status, gc).
 *
 * Binary, so that a checkout of 100,000 objects parses nothing: `cairn-objects-v2.idx` under
 * `.dvc/tmp/` (DVC ignores that folder) is a 16-byte header (`CAIRNOBJ`, u32 version, u32 count
 * of sorted records) and 48-byte records: md5 (16 raw bytes), kind (bit 0: `.dir`, bit 1: DVC 2
 * layout, bit 7: forgotten), a u32 checksum, then inode, mtimeMs and size as float64. The first
 * `sorted` records are in (md5, kind) order, one per object, and are found through a fan-out
 * table of their leading bits and a binary search; the rest were appended since (one O_APPEND
 * write per flush) and a later record wins. A torn or damaged record fails its checksum and is
 * ignored, so an interrupted writer or a concurrent reader never sees a wrong entry. A flush that
 * finds many appended records rewrites the file sorted (merged, atomically replacing it).
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
  /** The same bytes, read through a DataView: cheaper per read than Buffer's methods. */
  private view: DataView = new DataView(new ArrayBuffer(0));
  private sorted = 0;
  /**
   * Where each run of sorted records sharing their first `fanBits` bits starts (like git's pack
   * index fan-out): md5s are uniform, so a lookup lands on a record or two.
   */
  private fanout = new Uint32Array(2);
  private fanBits = 0;
  /** The words of the md5 being looked up (one array, reused). */
  private readonly words = new Uint32Array(4);
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
    // Parsed into words, not a string key: a checkout looks up tens of thousands of objects.
    const kind = parseKey(oid, layout, this.words);
    if (kind < 0) return undefined;
    this.load();
    if (this.recent.size > 0) {
      const known = this.recent.get(keyFor(oid, kind));
      if (known !== undefined) {
        return known.live
          ? { ino: known.ino, mtimeMs: known.mtimeMs, size: known.size }
          : undefined;
      }
    }
    const off = this.search(this.words, kind);
    if (off < 0) return undefined;
    const view = this.view;
    if ((view.getUint8(off + 16) & FORGOTTEN) !== 0) return undefined;
    return {
      ino: view.getFloat64(off + 24, true),
      mtimeMs: view.getFloat64(off + 32, true),
      size: view.getFloat64(off + 40, true),
    };
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
    const pending = this.pending;
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
        const chunk = Buffer.alloc(pending.length * RECORD);
        const chunkView = viewOf(chunk);
        pending.forEach(([key, known], i) => {
          writeRecord(chunk, chunkView, i * RECORD, key, known);
        });
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

  /**
   * Rewrites the file as sorted records of the live entries: the sorted records merged with the
   * recent ones (which win), bytes copied as they are. A record out of order (a damaged or
   * foreign file) is dropped: the object is hashed again when next needed.
   */
  private async compact(): Promise<void> {
    this.bytes = undefined; // read again (other writers may have appended); what is known here wins
    const bytes = this.load().bytes as Buffer;
    const keys = [...this.recent.keys()].sort();
    const out = Buffer.alloc(HEADER + (this.sorted + keys.length) * RECORD);
    // Nothing sorted to merge with (a new index, as after a first add): the recent records, in
    // key order and each key once, are the file as they are.
    const count = this.sorted === 0 ? this.writeRecent(out, keys) : this.merge(out, bytes, keys);
    out.write(MAGIC, 0, 'latin1');
    out.writeUInt32LE(VERSION, 8);
    out.writeUInt32LE(count, 12);
    const written = out.subarray(0, HEADER + count * RECORD);
    await writeFileAtomic(this.file, written);
    this.bytes = written;
    this.view = viewOf(written);
    this.sorted = count;
    this.buildFanout();
    this.recent.clear();
    // The text log this index replaced (taken over when this index was first read).
    rmSync(join(this.file, '..', TEXT_LOG), { force: true });
  }

  /** Writes the live recent records of `keys` (sorted) into `out` after its header. */
  private writeRecent(out: Buffer, keys: readonly string[]): number {
    const view = viewOf(out);
    let count = 0;
    for (const key of keys) {
      const known = this.recent.get(key) as Known;
      if (known.live) writeRecord(out, view, HEADER + count++ * RECORD, key, known);
    }
    return count;
  }

  /** Merges the sorted records of `bytes` and the recent ones of `keys` (which win) into `out`. */
  private merge(out: Buffer, bytes: Buffer, keys: readonly string[]): number {
    const view = this.view;
    const fresh = Buffer.alloc(keys.length * RECORD);
    const freshView = viewOf(fresh);
    keys.forEach((key, j) => {
      writeRecord(fresh, freshView, j * RECORD, key, this.recent.get(key) as Known);
    });
    const outView = viewOf(out);
    let count = 0;
    for (let i = 0, j = 0; i < this.sorted || j < keys.length; ) {
      const a = HEADER + i * RECORD;
      const b = j * RECORD;
      const order =
        i >= this.sorted ? 1 : j >= keys.length ? -1 : compareRecords(view, a, freshView, b);
      let from: DataView;
      let off: number;
      if (order < 0) {
        i++;
        if (!checksumOk(view, a)) continue;
        from = view;
        off = a;
      } else {
        j++;
        if (order === 0) i++;
        from = freshView;
        off = b;
      }
      const to = HEADER + count * RECORD;
      if ((from.getUint8(off + 16) & FORGOTTEN) !== 0) continue;
      if (count > 0 && compareRecords(outView, to - RECORD, from, off) >= 0) continue;
      (from === view ? bytes : fresh).copy(out, to, off, off + RECORD);
      count++;
    }
    return count;
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
    this.view = viewOf(bytes);
    this.buildFanout();
    // Changes made here before the load win over the file's appended records.
    const mine = new Map(this.recent);
    this.recent.clear();
    for (let i = this.sorted; i < count; i++) {
      const off = HEADER + i * RECORD;
      if (checksumOk(this.view, off)) this.recent.set(keyAt(bytes, off), statAt(this.view, off));
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

  private buildFanout(): void {
    const view = this.view;
    this.fanBits = Math.min(20, Math.max(1, Math.floor(Math.log2(this.sorted + 1))));
    const fanout = new Uint32Array((1 << this.fanBits) + 1);
    const shift = 32 - this.fanBits;
    for (let i = 0; i < this.sorted; i++) {
      const top = view.getUint32(HEADER + i * RECORD) >>> shift;
      fanout[top + 1] = (fanout[top + 1] as number) + 1;
    }
    for (let b = 1; b < fanout.length; b++) {
      fanout[b] = (fanout[b] as number) + (fanout[b - 1] as number);
    }
    this.fanout = fanout;
  }

  /**
   * The offset of the sorted record for md5 `words` and `kind` whose checksum holds, or -1: a
   * binary search within its fan-out run.
   */
  private search(words: Uint32Array, kind: number): number {
    if (this.sorted === 0) return -1;
    const view = this.view;
    const [w0, w1, w2, w3] = words as unknown as [number, number, number, number];
    const top = w0 >>> (32 - this.fanBits);
    let lo = this.fanout[top] as number;
    let hi = (this.fanout[top + 1] as number) - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const off = HEADER + mid * RECORD;
      let order = w0 - view.getUint32(off);
      if (order === 0) order = w1 - view.getUint32(off + 4);
      if (order === 0) order = w2 - view.getUint32(off + 8);
      if (order === 0) order = w3 - view.getUint32(off + 12);
      if (order === 0) order = kind - (view.getUint8(off + 16) & (DIR | LEGACY));
      if (order === 0) return checksumOk(view, off) ? off : -1;
      if (order > 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}

/**
 * Parses a valid oid (32 lowercase hex digits, optionally `.dir`: `isValidOid`'s rule) into
 * four big-endian words; returns its kind, or -1 when `oid` is not valid.
 */
function parseKey(oid: string, layout: Layout, words: Uint32Array): number {
  if (oid.length !== 32 && !(oid.length === 36 && oid.endsWith('.dir'))) return -1;
  for (let w = 0; w < 4; w++) {
    let word = 0;
    for (let i = w * 8; i < w * 8 + 8; i++) {
      const c = oid.charCodeAt(i);
      const digit = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
      if (digit < 0) return -1;
      word = word * 16 + digit;
    }
    words[w] = word;
  }
  return (oid.length > 32 ? DIR : 0) | (layout === 'md5' ? 0 : LEGACY);
}

/** `<md5 hex><kind digit>`: sorts like the records (md5 bytes, then kind). */
function keyOf(oid: string, layout: Layout): string | undefined {
  const kind = parseKey(oid, layout, scratchWords);
  return kind < 0 ? undefined : keyFor(oid, kind);
}

/** The key of an oid `parseKey` accepted, with the kind it returned. */
function keyFor(oid: string, kind: number): string {
  return `${oid.slice(0, 32)}${kind}`;
}

const scratchWords = new Uint32Array(4);

function keyAt(bytes: Buffer, off: number): string {
  return `${bytes.toString('hex', off, off + 16)}${(bytes[off + 16] as number) & (DIR | LEGACY)}`;
}

function statAt(view: DataView, off: number): Known {
  return {
    ino: view.getFloat64(off + 24, true),
    mtimeMs: view.getFloat64(off + 32, true),
    size: view.getFloat64(off + 40, true),
    live: (view.getUint8(off + 16) & FORGOTTEN) === 0,
  };
}

/** The order of two records by key: md5 words, then kind (the forgotten bit left out). */
function compareRecords(a: DataView, ao: number, b: DataView, bo: number): number {
  for (let w = 0; w < 16; w += 4) {
    const order = a.getUint32(ao + w) - b.getUint32(bo + w);
    if (order !== 0) return order;
  }
  return (a.getUint8(ao + 16) & (DIR | LEGACY)) - (b.getUint8(bo + 16) & (DIR | LEGACY));
}

function viewOf(bytes: Buffer): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
}

function writeRecord(out: Buffer, view: DataView, off: number, key: string, known: Known): void {
  out.write(key.slice(0, 32), off, 'hex');
  view.setUint8(off + 16, (key.charCodeAt(32) - 48) | (known.live ? 0 : FORGOTTEN));
  view.setFloat64(off + 24, known.ino, true);
  view.setFloat64(off + 32, known.mtimeMs, true);
  view.setFloat64(off + 40, known.size, true);
  view.setUint32(off + 20, checksum(view, off), true);
}

function isHeader(bytes: Buffer): boolean {
  return bytes.toString('latin1', 0, 8) === MAGIC && bytes.readUInt32LE(8) === VERSION;
}

/** FNV-1a over the record's little-endian words, its own checksum word left out. */
function checksum(view: DataView, off: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < RECORD; i += 4) {
    if (i === 20) continue;
    h = Math.imul(h ^ view.getUint32(off + i, true), 0x01000193) >>> 0;
  }
  return h;
}

function checksumOk(view: DataView, off: number): boolean {
  return off + RECORD <= view.byteLength && view.getUint32(off + 20, true) === checksum(view, off);
}

/**
 * The state index: `path → md5`, valid while the file's (inode, mtime, size) are unchanged, so an
 * unchanged file is never hashed twice (the rule DVC's state database uses).
 *
 * Stored as an append-only log under `.dvc/tmp/` (DVC ignores that folder and rebuilds its own
 * state). Each flush appends complete lines with one O_APPEND write; a reader takes the last line
 * for a path and ignores a torn final line, so concurrent readers and an interrupted writer never
 * see a wrong entry. When the log grows well past its live entries it is compacted into a new
 * file that atomically replaces the old one.
 */
import {
  closeSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@cairn/core-io';

export interface FileStat {
  ino: number;
  mtimeMs: number;
  size: number;
}

interface Entry extends FileStat {
  md5: string;
}

/** A loaded line, parsed only when its path is looked up (most never are). */
type Stored = Entry | string;

const HEADER = 'cairn-state v1\n';
/**
 * Compaction writes `#live <bytes>` as the second line (readers skip it as a line without
 * fields), so a writer that never loaded the log can tell when it has grown well past that.
 */
const LIVE = '#live ';
/** Slack before an unloaded log is compacted: well past what one big command appends. */
const UNLOADED_SLACK = 16 << 20;

/**
 * Lookups answered by searching the log's text before it is parsed whole: a command that asks
 * about a few paths (one file added, one checked out) does not pay for parsing 100,000 lines.
 * Each search scans the whole text, and parsing it costs about twenty scans, so a command that
 * asks about more paths than this parses it at once.
 */
const POINT_LOOKUPS = 8;

export class StateIndex {
  /** Parsed entries; filled by the full load. */
  private readonly entries = new Map<string, Stored>();
  /** Changes made before the full load (null: deleted); they win over what the log says. */
  private readonly own = new Map<string, Entry | null>();
  /**
   * Changes made before the full load and not yet in `own`: put there only when a lookup comes
   * before the load, so the tens of thousands of `set` calls of a checkout cost no map update.
   */
  private unfolded: Array<[string, Entry | null]> = [];
  /** Changes not yet written (null: deleted). */
  private pending: Array<[string, Entry | null]> = [];
  private lines = 0;
  private loaded = false;
  /** The log's text, read once for point lookups ('' when absent or of another format). */
  private text: string | undefined;
  private lookups = 0;

  private constructor(private readonly file: string) {}

  /** Opens (or starts) the index stored in `dir` (normally `.dvc/tmp`); nothing is read yet. */
  static open(dir: string, name = 'cairn-state'): StateIndex {
    return new StateIndex(join(dir, `${name}-v1.log`));
  }

  /** An index that is never persisted (for `--no-state` style use and tests). */
  static inMemory(): StateIndex {
    return new StateIndex('');
  }

  get size(): number {
    this.load();
    return this.entries.size;
  }

  /** The md5 recorded for `path` if its stat still matches, else undefined. */
  get(path: string, stat: FileStat): string | undefined {
    const entry = this.entry(path);
    if (
      entry === undefined ||
      entry.ino !== stat.ino ||
      entry.mtimeMs !== stat.mtimeMs ||
      entry.size !== stat.size
    ) {
      return undefined;
    }
    return entry.md5;
  }

  /** `get` of many paths; more than a few load the whole log at once instead of searching it. */
  getMany(
    paths: readonly string[],
    stats: readonly (FileStat | undefined)[],
  ): (string | undefined)[] {
    if (paths.length > POINT_LOOKUPS) this.load();
    const md5s = new Array<string | undefined>(paths.length);
    for (let i = 0; i < paths.length; i++) {
      const stat = stats[i];
      md5s[i] = stat === undefined ? undefined : this.get(paths[i] as string, stat);
    }
    return md5s;
  }

  private entry(path: string): Entry | undefined {
    if (!this.loaded) {
      this.fold();
      const own = this.own.get(path);
      if (own !== undefined) return own ?? undefined;
      if (this.lookups++ < POINT_LOOKUPS) return this.lookUp(path);
      this.load();
    }
    const stored = this.entries.get(path);
    if (typeof stored !== 'string') return stored;
    const entry = parseFields(stored);
    if (entry === undefined) this.entries.delete(path);
    else this.entries.set(path, entry);
    return entry;
  }

  /** The last line for `path` in the log's text (escaped paths hold no tab or newline). */
  private lookUp(path: string): Entry | undefined {
    const text = this.logText();
    const at = text.lastIndexOf(`\t${escapePath(path)}\n`);
    if (at === -1) return undefined;
    return parseFields(text.slice(text.lastIndexOf('\n', at) + 1, at));
  }

  private logText(): string {
    if (this.text === undefined) {
      let text = '';
      try {
        if (this.file !== '') text = readFileSync(this.file, 'utf8');
      } catch {
        // No log yet (or unreadable): it is only a cache.
      }
      this.text = text.startsWith(HEADER) ? text : '';
    }
    return this.text;
  }

  set(path: string, stat: FileStat, md5: string): void {
    const entry = { ino: stat.ino, mtimeMs: stat.mtimeMs, size: stat.size, md5 };
    if (this.loaded) {
      const previous = this.entry(path);
      if (
        previous?.md5 === md5 &&
        previous.ino === stat.ino &&
        previous.mtimeMs === stat.mtimeMs &&
        previous.size === stat.size
      ) {
        return;
      }
      this.entries.set(path, entry);
    } else {
      // An unloaded index is not loaded (or searched) just to skip a line that repeats the log:
      // every caller sets what a lookup missed or a file it just wrote, and compaction drops
      // repeats.
      this.unfolded.push([path, entry]);
    }
    this.pending.push([path, entry]);
  }

  /** Forgets a path (e.g. a corrupt object that was removed). */
  delete(path: string): void {
    if (this.entry(path) === undefined) return;
    if (this.loaded) this.entries.delete(path);
    else this.own.set(path, null);
    this.pending.push([path, null]);
  }

  /** Persists what was set since the last flush. */
  async flush(): Promise<void> {
    if (this.file === '' || this.pending.length === 0) return;
    const chunk = this.pending
      .map(([path, entry]) =>
        entry === null
          ? formatLine(path, { ino: 0, mtimeMs: 0, size: -1 }, '-')
          : formatLine(path, entry, entry.md5),
      )
      .join('');
    this.lines += this.pending.length;
    this.pending = [];
    // Only a loaded index knows how many lines are live; an unloaded one just appends.
    if (this.loaded && this.lines > 2 * this.entries.size + 10_000) {
      await this.compact();
      return;
    }
    mkdirSync(join(this.file, '..'), { recursive: true });
    const fd = openSync(this.file, 'a+');
    let grown = false;
    try {
      const size = fstatSync(fd).size;
      if (!this.loaded && size + chunk.length > 2 * liveBytes(fd) + UNLOADED_SLACK) grown = true;
      // A log that ends in a torn line (an interrupted writer) is terminated before appending.
      const last = Buffer.alloc(1);
      const torn = size > 0 && readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 10;
      writeSync(fd, size === 0 ? HEADER + chunk : torn ? `\n${chunk}` : chunk);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (grown) {
      this.load();
      await this.compact();
    }
  }

  private async compact(): Promise<void> {
    const body: string[] = [];
    for (const path of this.entries.keys()) {
      const entry = this.entry(path);
      if (entry) body.push(formatLine(path, entry, entry.md5));
    }
    const lines = body.join('');
    await writeFileAtomic(this.file, `${HEADER}${LIVE}${Buffer.byteLength(lines)}\n${lines}`);
    this.lines = this.entries.size;
  }

  /** Puts the changes made since the last lookup into `own`. */
  private fold(): void {
    for (const [path, entry] of this.unfolded) this.own.set(path, entry);
    this.unfolded = [];
  }

  private load(): void {
    if (this.loaded) return;
    this.fold();
    this.loaded = true;
    const text = this.logText();
    this.text = undefined;
    const end = text.lastIndexOf('\n');
    let start = HEADER.length;
    while (text !== '' && start <= end) {
      const next = text.indexOf('\n', start);
      const line = text.slice(start, next);
      start = next + 1;
      this.lines++;
      // md5, size, ino, mtime, path: the path is everything after the fourth tab.
      let cut = -1;
      for (let k = 0; k < 4; k++) {
        cut = line.indexOf('\t', cut + 1);
        if (cut === -1) break;
      }
      if (cut === -1) continue;
      const path = unescapePath(line.slice(cut + 1));
      const fields = line.slice(0, cut);
      if (fields.startsWith('-\t')) this.entries.delete(path);
      else if (fields.charCodeAt(32) === 9) this.entries.set(path, fields); // checked when read
    }
    for (const [path, entry] of this.own) {
      if (entry === null) this.entries.delete(path);
      else this.entries.set(path, entry);
    }
    this.own.clear();
  }
}

/** The size of the log's lines at its last compaction (0 when never compacted). */
function liveBytes(fd: number): number {
  const head = Buffer.alloc(HEADER.length + LIVE.length + 16);
  const n = readSync(fd, head, 0, head.length, 0);
  const text = head.toString('latin1', 0, n);
  if (!text.startsWith(HEADER + LIVE)) return 0;
  const value = Number.parseInt(text.slice(HEADER.length + LIVE.length), 10);
  return Number.isFinite(value) ? value : 0;
}

function formatLine(path: string, stat: FileStat, md5: string): string {
  return `${md5}\t${stat.size}\t${stat.ino}\t${stat.mtimeMs}\t${escapePath(path)}\n`;
}

/** Parses `md5\tsize\tino\tmtime` (a line without its path). */
function parseFields(fields: string): Entry | undefined {
  // Hand-rolled rather than split + regex: `status` of 100,000 files parses every line.
  if (fields.length < 39 || fields.charCodeAt(32) !== 9 || !isLowerHex32(fields)) return undefined;
  const second = fields.indexOf('\t', 33);
  const third = second === -1 ? -1 : fields.indexOf('\t', second + 1);
  if (third === -1 || fields.indexOf('\t', third + 1) !== -1) return undefined;
  const entry = {
    md5: fields.slice(0, 32),
    size: Number(fields.slice(33, second)),
    ino: Number(fields.slice(second + 1, third)),
    mtimeMs: Number(fields.slice(third + 1)),
  };
  if (
    !Number.isFinite(entry.size) ||
    !Number.isFinite(entry.ino) ||
    !Number.isFinite(entry.mtimeMs)
  ) {
    return undefined;
  }
  return entry;
}

/** The first 32 characters are lowercase hex digits. */
function isLowerHex32(text: string): boolean {
  for (let i = 0; i < 32; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

function escapePath(path: string): string {
  return /[\\\t\n]/.test(path)
    ? path.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n')
    : path;
}

function unescapePath(text: string): string {
  return text.includes('\\')
    ? text.replace(/\\(\\|t|n)/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : '\\'))
    : text;
}

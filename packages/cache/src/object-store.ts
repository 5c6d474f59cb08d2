/**
 * DVC's content-addressed object store on the local filesystem. DVC 3 objects live under
 * `<cache>/files/md5/<2>/<30>`; DVC 2 (`md5-dos2unix`) objects under `<cache>/<2>/<30>`.
 * An object's name is always the hash of its bytes: objects enter through a temporary name in
 * the store and are renamed into place only once their hash is known and matches, read-only
 * (0444) like DVC's. Trust follows DVC's rule plus one: an object is trusted without re-hashing
 * only when its index (`ObjectIndex`) saw exactly this inode/mtime/size hash to its name before.
 */

import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  constants,
  copyFileSync,
  existsSync,
  fstatSync,
  lstatSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { chmod, copyFile, lstat, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  cleanStaleTemps,
  type HashPool,
  hashBytes,
  hashBytesDos2Unix,
  hashFile,
  hashFileDos2Unix,
  linkAsObjectSync,
  makeDirs,
  makeDirsSync,
  READ_ONLY_MODE,
  SHARED_DIR_MODE,
  STAT_FIELDS,
  TEMP_SUFFIX,
  tempPathFor,
  writeFileAtomic,
  writeRenameSync,
} from '@cairn/core-io';
import { CairnError } from '@cairn/types';
import type { ObjectIndex } from './object-index.js';
import type { FileStat, StateIndex } from './state-index.js';
import { isDirOid, parseTree, type TreeEntry } from './tree.js';

/** `md5` = DVC 3 (`hash: md5` in the entry); `md5-dos2unix` = DVC 2 legacy entries. */
export type HashName = 'md5' | 'md5-dos2unix';

const OID = /^[0-9a-f]{32}(\.dir)?$/;

export function isValidOid(oid: string): boolean {
  return OID.test(oid);
}

function assertOid(oid: string): void {
  if (!OID.test(oid)) {
    throw new CairnError('CAIRN_BAD_OID', `'${oid}' is not an md5 object id`, {
      details: { oid },
    });
  }
}

export type ObjectCheck = 'ok' | 'missing' | 'corrupt';

export interface InsertResult {
  oid: string;
  size: number;
  /** False when the object was already in the store. */
  added: boolean;
}

export interface ObjectStoreOptions {
  /**
   * DVC's `cache.shared`: with `group`, every folder the store creates is group-writable and
   * setgid (0o2775, whatever the umask), so a group of users can share one cache.
   */
  shared?: 'group';
}

export class ObjectStore {
  /** Root of DVC 3 objects: `<cache>/files/md5`. */
  readonly filesDir: string;
  private readonly filesPrefix: string;
  private readonly rootPrefix: string;

  private readonly indexSource: ObjectIndex | (() => ObjectIndex) | undefined;
  // For insertFileSync: folders known to exist, and cheap unique temporary names (a random
  // stamp per store, so two stores in one process never collide).
  private readonly madeDirs = new Set<string>();
  private readonly tempStamp = randomBytes(4).toString('hex');
  private tempCounter = 0;
  private readonly listings = new Map<HashName, Set<string>>();
  private loadedIndex: ObjectIndex | undefined;

  /** Mode of the folders the store creates (`cache.shared = group`: 0o2775), or the umask's. */
  readonly dirMode: number | undefined;

  constructor(
    /** The cache directory (`.dvc/cache` or `cache.dir`). */
    readonly root: string,
    /** Where verified objects are remembered; a function opens it on first use. */
    index?: ObjectIndex | (() => ObjectIndex),
    options: ObjectStoreOptions = {},
  ) {
    this.dirMode = options.shared === 'group' ? SHARED_DIR_MODE : undefined;
    this.filesDir = join(root, 'files', 'md5');
    this.filesPrefix = withSlash(this.filesDir);
    this.rootPrefix = withSlash(join(root));
    this.indexSource = index;
  }

  private get index(): ObjectIndex | undefined {
    if (this.loadedIndex === undefined && this.indexSource !== undefined) {
      this.loadedIndex =
        typeof this.indexSource === 'function' ? this.indexSource() : this.indexSource;
    }
    return this.loadedIndex;
  }

  /**
   * Where a hashing pass may copy small files straight into the store (core-io's `StoreInto`):
   * objects under `files/md5/<2>/<30>`. Report each copy written that way with `remember`.
   */
  get incoming(): { dir: string; mode: number; dirMode?: number } {
    return {
      dir: this.filesDir,
      mode: READ_ONLY_MODE,
      ...(this.dirMode === undefined ? {} : { dirMode: this.dirMode }),
    };
  }

  /** Records that an object written elsewhere (see `incoming`) hashed to its name. */
  remember(oid: string, info: { ino: number; mtimeMs: number; size: number }): void {
    this.index?.set(oid, 'md5', info);
  }

  /** Where the object lives: `files/md5/ab/cdef…` (or `ab/cdef…` for legacy objects). */
  path(oid: string, hashName: HashName = 'md5'): string {
    assertOid(oid);
    // Concatenated rather than joined: a checkout asks for tens of thousands of these.
    const base = hashName === 'md5' ? this.filesPrefix : this.rootPrefix;
    return `${base}${oid.slice(0, 2)}/${oid.slice(2)}`;
  }

  async exists(oid: string, hashName: HashName = 'md5'): Promise<boolean> {
    try {
      return (await stat(this.path(oid, hashName))).isFile();
    } catch {
      return false;
    }
  }

  /**
   * Whether the object is present and its bytes hash to its name. Uses the object index so an
   * object verified before (same inode, mtime, size) is not read again.
   */
  async check(oid: string, hashName: HashName = 'md5'): Promise<ObjectCheck> {
    const path = this.path(oid, hashName);
    let info: Awaited<ReturnType<typeof lstat>>;
    try {
      info = await lstat(path);
    } catch {
      return 'missing';
    }
    if (!info.isFile()) return 'corrupt';
    const expected = oid.slice(0, 32);
    if (this.index?.vouches(oid, hashName, info)) return 'ok';
    const actual =
      hashName === 'md5'
        ? (await hashFile(path, { algorithms: ['md5'] })).md5
        : (await hashFileDos2Unix(path)).md5;
    if (actual !== expected) return 'corrupt';
    this.index?.set(oid, hashName, info);
    return 'ok';
  }

  /**
   * `check` of many objects at once, for those the object index already vouches for: each gets
   * its `lstat` (shared among the pool's threads), and its stat back when the index saw exactly
   * that inode/mtime/size hash to its name; `undefined` where it must go through `check`
   * (unknown, changed or missing). For checkouts of many small objects, where a thread-pool
   * hop per `lstat` costs more than the call; the stat also describes a hardlink to the object.
   */
  async checkKnown(
    oids: readonly string[],
    hashName: HashName,
    pool: HashPool,
  ): Promise<Array<FileStat | undefined>> {
    const paths = oids.map((oid) => this.path(oid, hashName));
    const infos = await statObjects(paths, pool);
    const index = this.index;
    return infos.map((info, i) =>
      info !== undefined && index?.vouches(oids[i] as string, hashName, info) ? info : undefined,
    );
  }

  /**
   * `check` of many objects at once, for checkouts of objects the index has no record of (a
   * cache filled by DVC, or by a fetch): one `lstat` each and the hashing of those the index does
   * not vouch for are shared among the pool's threads, instead of one read after another. What
   * is verified is recorded. Each object gets its verdict, and its stat when `ok` (the stat it
   * had before it was hashed).
   */
  async checkMany(
    oids: readonly string[],
    hashName: HashName,
    pool: HashPool,
  ): Promise<Array<{ verdict: ObjectCheck; stat?: FileStat }>> {
    const paths = oids.map((oid) => this.path(oid, hashName));
    const stats = await statObjects(paths, pool);
    const results: Array<{ verdict: ObjectCheck; stat?: FileStat } | undefined> = [];
    const toHash: number[] = [];
    const index = this.index;
    oids.forEach((oid, i) => {
      const stat = stats[i];
      // Gone, or not a regular file: left to `check` below, which tells the two apart.
      if (stat === undefined) return;
      results[i] = { verdict: 'ok', stat };
      if (!index?.vouches(oid, hashName, stat)) toHash.push(i);
    });
    if (toHash.length > 0 && hashName === 'md5') {
      try {
        const hashed = await pool.hashFiles(
          toHash.map((i) => ({ path: paths[i] as string, size: results[i]?.stat?.size })),
          { algorithms: ['md5'] },
        );
        toHash.forEach((i, k) => {
          const oid = oids[i] as string;
          const result = results[i] as { verdict: ObjectCheck; stat: FileStat };
          const digest = hashed[k] as { md5: string; size: number };
          if (digest.md5 !== oid.slice(0, 32)) results[i] = { verdict: 'corrupt' };
          // Recorded only when the file is still the one that was hashed.
          else if (digest.size === result.stat.size) index?.set(oid, hashName, result.stat);
        });
      } catch {
        // One of them changed or vanished meanwhile: checked one by one below.
        for (const i of toHash) results[i] = undefined;
      }
    } else {
      for (const i of toHash) results[i] = undefined;
    }
    const checked: Array<{ verdict: ObjectCheck; stat?: FileStat }> = [];
    for (const [i, oid] of oids.entries()) {
      checked.push(results[i] ?? { verdict: await this.check(oid, hashName) });
    }
    return checked;
  }

  /**
   * The stat each object had when the index saw it hash to its name (no file is touched):
   * a caller that is about to open or link the objects anyway compares their stat then, and
   * sends those that differ through `check`. Undefined where nothing is recorded.
   */
  recordedStats(oids: readonly string[], hashName: HashName = 'md5'): Array<FileStat | undefined> {
    const index = this.index;
    return oids.map((oid) => index?.recorded(oid, hashName));
  }

  /** Like `check`, but throws `CAIRN_CACHE_MISSING` / `CAIRN_CACHE_CORRUPT`. */
  async assertValid(oid: string, hashName: HashName = 'md5', label = oid): Promise<string> {
    const result = await this.check(oid, hashName);
    const path = this.path(oid, hashName);
    if (result === 'missing') {
      throw new CairnError('CAIRN_CACHE_MISSING', `${label}: object ${oid} is not in the cache`, {
        hint: 'fetch it from a remote (`cairn pull`) or re-add the data',
        details: { oid, path },
      });
    }
    if (result === 'corrupt') {
      throw new CairnError(
        'CAIRN_CACHE_CORRUPT',
        `${label}: cache object ${path} is corrupt (its bytes do not hash to ${oid})`,
        {
          hint: 'remove the object and fetch it again (`cairn pull`), or re-add the data',
          details: { oid, path },
        },
      );
    }
    return path;
  }

  /**
   * Copies a file into the store. With `md5` known (e.g. from the state index) the copy is
   * skipped when the object exists; otherwise the file is hashed while it is copied (both run
   * at once), and the copy is renamed into place under the hash that came out.
   */
  async insertFile(src: string, options: { md5?: string } = {}): Promise<InsertResult> {
    const before = await stat(src);
    if (options.md5 !== undefined) {
      const dst = this.path(options.md5);
      if (await this.exists(options.md5)) {
        return { oid: options.md5, size: before.size, added: false };
      }
      await makeDirs(dirname(dst), this.dirMode);
      // Beside the object, as DVC does (same-folder rename); listings skip `*.cairn-tmp` names.
      const temp = tempPathFor(dst);
      try {
        await copyFile(src, temp, constants.COPYFILE_FICLONE);
        await this.place(temp, dst, options.md5);
      } finally {
        await unlink(temp).catch(() => {});
      }
      return { oid: options.md5, size: before.size, added: true };
    }
    await makeDirs(this.filesDir, this.dirMode);
    const temp = tempPathFor(join(this.filesDir, 'incoming'));
    try {
      const [digest] = await Promise.all([
        hashFile(src, { algorithms: ['md5'] }),
        copyFile(src, temp, constants.COPYFILE_FICLONE),
      ]);
      const after = await stat(src);
      if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) throw changed(src);
      const oid = digest.md5;
      const dst = this.path(oid);
      if (await this.exists(oid)) return { oid, size: digest.size, added: false };
      await makeDirs(dirname(dst), this.dirMode);
      await this.place(temp, dst, oid);
      return { oid, size: digest.size, added: true };
    } finally {
      await unlink(temp).catch(() => {});
    }
  }

  /**
   * `insertFile` with a known md5, synchronously: for many small files, where a thread-pool
   * round trip per system call would cost more than the copy itself.
   */
  insertFileSync(src: string, md5: string): boolean {
    const dst = this.path(md5);
    if (existsSync(dst)) return false;
    const prefix = this.ensurePrefix(dst);
    const temp = this.tempIn(prefix);
    try {
      copyFileSync(src, temp, constants.COPYFILE_FICLONE);
      chmodSync(temp, READ_ONLY_MODE);
      renameSync(temp, dst);
    } catch (error) {
      try {
        unlinkSync(temp);
      } catch {
        // never created, or already renamed
      }
      throw error;
    }
    this.index?.set(md5, 'md5', statSync(dst));
    return true;
  }

  /**
   * Makes the file `src` (md5 `md5`, with the stat `seen` taken before it was hashed) the object
   * itself through a hard link, as DVC's add with `cache.type = hardlink` does: no bytes are
   * copied, and the file becomes read-only. `present` when the object exists (left as it is);
   * undefined when linking cannot be done (another filesystem, no hard links, or the file
   * changed since `seen` or was modified too recently): copy it instead.
   */
  linkFileSync(src: string, md5: string, seen: FileStat): 'linked' | 'present' | undefined {
    const dst = this.path(md5);
    if (existsSync(dst)) return 'present';
    this.ensurePrefix(dst);
    const linked = linkAsObjectSync(
      { path: src, stat: seen },
      seen.size,
      tempPathFor(dst),
      dst,
      READ_ONLY_MODE,
    );
    if (linked === undefined) return undefined;
    this.index?.set(md5, 'md5', linked);
    return 'linked';
  }

  /** A new temporary name in an object folder (cheap: a stamp and a counter, no random call). */
  private tempIn(prefix: string): string {
    return join(
      prefix,
      `.incoming.${process.pid}.s${this.tempStamp}x${this.tempCounter++}${TEMP_SUFFIX}`,
    );
  }

  /** The object folder of `dst`, made once per store. */
  private ensurePrefix(dst: string): string {
    const prefix = dirname(dst);
    if (!this.madeDirs.has(prefix)) {
      makeDirsSync(prefix, this.dirMode);
      this.madeDirs.add(prefix);
    }
    return prefix;
  }

  /**
   * `insertFile` of a small file (up to a few MiB), synchronously: read and hashed in one go,
   * and the bytes read written into place unless the object exists. `before` is the file's stat
   * from before it was read; a file that changed meanwhile is refused (`CAIRN_FILE_CHANGED`)
   * and nothing is stored for it.
   */
  insertSmallFileSync(src: string, before: FileStat): InsertResult {
    const bytes = readFileSync(src);
    const after = statSync(src);
    if (
      bytes.length !== before.size ||
      after.size !== before.size ||
      after.mtimeMs !== before.mtimeMs
    ) {
      throw changed(src);
    }
    const oid = hashBytes(bytes, { algorithms: ['md5'] }).md5;
    const dst = this.path(oid);
    if (existsSync(dst)) return { oid, size: bytes.length, added: false };
    const prefix = this.ensurePrefix(dst);
    const remakeDir = () => {
      // Removed since this store made sure of it (a long-lived process).
      this.madeDirs.delete(prefix);
      this.ensurePrefix(dst);
    };
    const stat = writeRenameSync(this.tempIn(prefix), dst, bytes, READ_ONLY_MODE, remakeDir, (fd) =>
      fstatSync(fd),
    );
    this.index?.set(oid, 'md5', stat);
    return { oid, size: bytes.length, added: true };
  }

  /** Stores bytes (a `.dir` listing, normally) under `oid`, which must be their md5 (+ `.dir`). */
  async insertBytes(oid: string, bytes: Uint8Array): Promise<boolean> {
    const md5 = hashBytes(bytes, { algorithms: ['md5'] }).md5;
    if (md5 !== oid.slice(0, 32)) {
      throw new CairnError(
        'CAIRN_CACHE_CORRUPT',
        `refusing to store bytes under ${oid}: md5 is ${md5}`,
      );
    }
    if ((await this.check(oid)) === 'ok') return false;
    const dst = this.path(oid);
    await makeDirs(dirname(dst), this.dirMode);
    await writeFileAtomic(dst, bytes, { mode: READ_ONLY_MODE });
    const info = await stat(dst);
    this.index?.set(oid, 'md5', info);
    return true;
  }

  /** Makes a fully written temporary copy read-only and renames it into place as `md5`. */
  private async place(temp: string, dst: string, oid: string): Promise<void> {
    await chmod(temp, READ_ONLY_MODE);
    await rename(temp, dst);
    this.index?.set(oid, 'md5', await stat(dst));
  }

  /** Reads and parses a verified `.dir` object (relpaths checked to stay inside the folder). */
  async readTree(oid: string, hashName: HashName = 'md5', label = oid): Promise<TreeEntry[]> {
    if (!isDirOid(oid)) throw new CairnError('CAIRN_BAD_OID', `${oid} is not a directory object`);
    const path = await this.assertValid(oid, hashName, label);
    return parseTree(await readFile(path), oid);
  }

  /**
   * Whether the store holds an object, answered from one listing of the store (257 readdirs)
   * instead of one stat per object: for checks over whole directories. The listing is taken on
   * first use and not refreshed.
   */
  listed(oid: string, hashName: HashName = 'md5'): boolean {
    let set = this.listings.get(hashName);
    if (set === undefined) {
      set = new Set(this.listOids(hashName));
      this.listings.set(hashName, set);
    }
    return set.has(oid);
  }

  /**
   * Whether every file a `.dir` object lists (`oids`) is stored. A positive answer is remembered
   * until an object is added to or removed from the store, which the store's folders tell:
   * adding or removing a name changes its prefix folder's mtime, so the newest mtime of the 257
   * folders stamps the store's contents. A stamp younger than two seconds is not recorded
   * (mtimes are coarse; a change in the same tick would go unseen). Saves listing 100,000
   * objects on every `status` of an unchanged 100,000-file folder. Without `oids`, the list is
   * read from the stored `.dir` object, only when the memo does not answer (a damaged one vouches
   * for nothing: false). `memo` is where the answer is kept (none: it is worked out each time).
   */
  hasTreeContents(
    dirOid: string,
    oids?: Iterable<string>,
    options: { hashName?: HashName; memo?: StateIndex } = {},
  ): boolean {
    const hashName = options.hashName ?? 'md5';
    const memo = options.memo;
    const stamp = this.contentsStamp(hashName);
    const key = `contents:${hashName}:${dirOid}`;
    const name = dirOid.slice(0, 32);
    if (stamp !== undefined && memo?.get(key, stamp) === name) return true;
    const listed = oids ?? this.storedTreeOids(dirOid, hashName);
    if (listed === undefined) return false;
    for (const oid of listed) if (!this.listed(oid, hashName)) return false;
    if (stamp !== undefined && Date.now() - stamp.mtimeMs > 2000) memo?.set(key, stamp, name);
    return true;
  }

  /** The file oids of a stored `.dir` object; undefined when it is missing or damaged. */
  private storedTreeOids(dirOid: string, hashName: HashName): string[] | undefined {
    try {
      const bytes = readFileSync(this.path(dirOid, hashName));
      const md5 =
        hashName === 'md5'
          ? hashBytes(bytes, { algorithms: ['md5'] }).md5
          : hashBytesDos2Unix(bytes).md5;
      if (md5 !== dirOid.slice(0, 32)) return undefined;
      return parseTree(bytes, dirOid).map((entry) => entry.md5);
    } catch {
      return undefined;
    }
  }

  /** Newest mtime among the layout's folder and its prefix folders, and their count. */
  private contentsStamp(
    hashName: HashName,
  ): { ino: number; mtimeMs: number; size: number } | undefined {
    const base = hashName === 'md5' ? this.filesDir : this.root;
    const top = lstatSync(base, { throwIfNoEntry: false });
    if (top === undefined) return undefined;
    let newest = top.mtimeMs;
    let count = 0;
    for (const prefix of this.prefixes(base)) {
      const info = lstatSync(join(base, prefix), { throwIfNoEntry: false });
      if (info === undefined) return undefined;
      newest = Math.max(newest, info.mtimeMs);
      count++;
    }
    return { ino: top.ino, mtimeMs: newest, size: count };
  }

  /** Every object id stored in one layout, `.dir` objects included. Temporary files are skipped. */
  listOids(hashName: HashName = 'md5'): string[] {
    const base = hashName === 'md5' ? this.filesDir : this.root;
    const oids: string[] = [];
    for (const prefix of this.prefixes(base)) {
      let names: string[];
      try {
        names = readdirSync(join(base, prefix));
      } catch {
        continue;
      }
      for (const name of names) {
        if (name.endsWith(TEMP_SUFFIX)) continue;
        const oid = prefix + name;
        if (OID.test(oid)) oids.push(oid);
      }
    }
    return oids;
  }

  /** The two-hex-digit prefix folders of a layout (none when it does not exist yet). */
  private prefixes(base: string): string[] {
    try {
      return readdirSync(base).filter((name) => /^[0-9a-f]{2}$/.test(name));
    } catch {
      return [];
    }
  }

  /**
   * Deletes the temporary files that writers which are no longer running left in the store's
   * folders (an add, pull or checkout killed midway); returns their paths.
   */
  async removeStaleTemps(hashName: HashName = 'md5'): Promise<string[]> {
    const base = hashName === 'md5' ? this.filesDir : this.root;
    const removed = await cleanStaleTemps(base);
    for (const prefix of this.prefixes(base)) {
      removed.push(...(await cleanStaleTemps(join(base, prefix))));
    }
    return removed;
  }

  /** Deletes an object; returns false when it was not there. */
  async remove(oid: string, hashName: HashName = 'md5'): Promise<boolean> {
    const path = this.path(oid, hashName);
    try {
      await unlink(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
    this.index?.delete(oid, hashName);
    return true;
  }
}

/** The `lstat` of each path, shared among the pool's threads; undefined where gone or not a file. */
async function statObjects(
  paths: readonly string[],
  pool: HashPool,
): Promise<Array<FileStat | undefined>> {
  const stats = await pool.statFiles(paths);
  return paths.map((_, i) => {
    const o = i * STAT_FIELDS;
    const ino = stats[o] as number;
    if (Number.isNaN(ino)) return undefined;
    return { ino, mtimeMs: stats[o + 1] as number, size: stats[o + 2] as number };
  });
}

function changed(src: string): CairnError {
  return new CairnError('CAIRN_FILE_CHANGED', `${src} changed while it was being added`, {
    hint: 'wait until whatever writes it has finished, then add it again',
  });
}

function withSlash(dir: string): string {
  return dir.endsWith('/') ? dir : `${dir}/`;
}

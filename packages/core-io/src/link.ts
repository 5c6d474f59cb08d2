/**
 * Materialising cache objects in the workspace with DVC's link types and fallback rules.
 * Every variant first creates a temporary name next to the destination and renames it over the
 * destination, so an existing file is replaced in one step and a reader never sees half a copy.
 */
import {
  chmodSync,
  closeSync,
  constants,
  copyFileSync,
  existsSync,
  fstatSync,
  linkSync,
  lstatSync,
  openSync,
  renameSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import {
  chmod,
  copyFile,
  link as hardlink,
  mkdir,
  open,
  rename,
  stat,
  symlink,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { CairnError, type LinkType } from '@cairn/types';
import { errnoCode, hasErrno, ignoreMissing } from './errno.js';
import { SMALL_FILE_MAX } from './small-file.js';
import { tempPathFor } from './temp-name.js';
import { walkTree } from './walk.js';

/** Mode of protected workspace files and of cache objects (DVC's `CACHE_MODE`). */
export const READ_ONLY_MODE = 0o444;

/** errno values after which DVC tries the next link type (objects:fs/generic.py `_try_links`). */
const FALLBACK_ERRNOS = new Set([
  'EPERM',
  'ENOTSUP',
  'EOPNOTSUPP',
  'EXDEV',
  'ENOTTY',
  'ENOSYS',
  'EINVAL',
  'EAGAIN',
]);

function isFallbackError(type: LinkType, error: unknown): boolean {
  const code = errnoCode(error);
  if (code === undefined) return false;
  return FALLBACK_ERRNOS.has(code) || (type === 'hardlink' && code === 'EMLINK');
}

export interface LinkOptions {
  /** The source's size when the caller knows it (saves a stat: empty files are never hardlinked). */
  srcSize?: number;
  /**
   * Leave the workspace file read-only (0444). Reflinks and copies are chmodded; hardlinks and
   * symlinks share the cache object, which is already 0444.
   */
  protect?: boolean;
}

export interface LinkFallbackEvent {
  type: LinkType;
  src: string;
  dst: string;
  error: unknown;
}

export interface LinkerOptions {
  /** Called once per link type that stops being used, with the error that disqualified it. */
  onFallback?: (event: LinkFallbackEvent) => void;
}

/**
 * Links cache objects into the workspace, trying the configured types in order. A type that
 * fails with one of DVC's "not supported here" errors is dropped for the rest of this linker's
 * life (DVC does the same), so a checkout of many files probes each type at most once.
 */
export class Linker {
  private readonly configured: readonly LinkType[];
  private readonly failed = new Set<LinkType>();
  private readonly onFallback: LinkerOptions['onFallback'];

  constructor(types: readonly LinkType[], options: LinkerOptions = {}) {
    if (types.length === 0) throw new TypeError('Linker needs at least one link type');
    this.configured = [...new Set(types)];
    this.onFallback = options.onFallback;
  }

  /** The types still in use, in order. */
  get types(): LinkType[] {
    return this.configured.filter((t) => !this.failed.has(t));
  }

  /** Make `dst` a link to (or copy of) `src`, replacing `dst`; returns the type that worked. */
  async link(src: string, dst: string, options: LinkOptions = {}): Promise<LinkType> {
    let lastError: unknown;
    for (const type of this.types) {
      try {
        await withParentDir(dst, () => linkAs(type, src, dst, options.protect ?? false));
        return type;
      } catch (error) {
        lastError = this.disqualify(type, src, dst, error);
      }
    }
    throw this.noTypeWorks(src, dst, lastError);
  }

  /**
   * Creates `dst`, which must not exist (a fresh checkout, whose folder is already there), in
   * place and synchronously: one system call per link, like `cp -al`, instead of a temporary
   * name and a rename. A copy that fails half way is removed. Same types and fallbacks as `link`.
   */
  linkNewSync(src: string, dst: string, options: LinkOptions = {}): LinkType {
    return this.firstTypeSync(src, dst, (type) => createSync(type, src, dst, options));
  }

  /**
   * `link` synchronously, for many small files (re-linking a folder just added), where a
   * thread-pool hop per system call costs more than the call. The folder of `dst` must exist.
   */
  linkSync(src: string, dst: string, options: LinkOptions = {}): LinkType {
    return this.firstTypeSync(src, dst, (type) => replaceSync(type, src, dst, options));
  }

  private firstTypeSync(src: string, dst: string, attempt: (type: LinkType) => void): LinkType {
    let lastError: unknown;
    for (const type of this.types) {
      try {
        attempt(type);
        return type;
      } catch (error) {
        lastError = this.disqualify(type, src, dst, error);
      }
    }
    throw this.noTypeWorks(src, dst, lastError);
  }

  private disqualify(type: LinkType, src: string, dst: string, error: unknown): unknown {
    if (!isFallbackError(type, error)) throw error;
    if (!this.failed.has(type)) {
      this.failed.add(type);
      this.onFallback?.({ type, src, dst, error });
    }
    return error;
  }

  private noTypeWorks(src: string, dst: string, lastError: unknown): CairnError {
    return new CairnError(
      'CAIRN_LINK_FAILED',
      `cannot create ${dst} from ${src}: none of the link types ${this.configured.join(', ')} works here`,
      {
        hint: 'Add "copy" to cache.type in .dvc/config, or check `cairn doctor` for what this filesystem supports.',
        cause: lastError,
        details: { src, dst, types: [...this.configured] },
      },
    );
  }
}

function createSync(type: LinkType, src: string, dst: string, options: LinkOptions): void {
  const protect = options.protect ?? false;
  switch (type) {
    case 'reflink':
    case 'copy': {
      const flags =
        type === 'reflink'
          ? constants.COPYFILE_FICLONE_FORCE | constants.COPYFILE_EXCL
          : constants.COPYFILE_EXCL;
      copyFileSync(src, dst, flags);
      try {
        chmodSync(dst, protect ? READ_ONLY_MODE : defaultFileModeSync(dst));
      } catch (error) {
        unlinkSync(dst);
        throw error;
      }
      return;
    }
    case 'hardlink':
      if ((options.srcSize ?? statSync(src).size) === 0) {
        writeFileSync(dst, '', { flag: 'wx', mode: protect ? READ_ONLY_MODE : 0o666 });
      } else {
        linkSync(src, dst);
      }
      return;
    case 'symlink':
      symlinkSync(resolve(src), dst);
      return;
  }
}

/** `linkAs` synchronously: `dst` is made under a temporary name and renamed over `dst`. */
function replaceSync(type: LinkType, src: string, dst: string, options: LinkOptions): void {
  const temp = tempPathFor(dst);
  try {
    createSync(type, src, temp, options);
    renameSync(temp, dst);
  } finally {
    // As in `linkAs`: a rename onto a hard link of the same inode leaves the temporary name.
    if (existsSync(temp)) unlinkSync(temp);
  }
}

/**
 * The mode a new file gets here (0o666 less the umask), as copies are given: probed once, by
 * creating a file next to `near`.
 */
export function defaultFileModeSync(near: string): number {
  if (cachedDefaultMode !== undefined) return cachedDefaultMode;
  const probe = tempPathFor(near);
  const fd = openSync(probe, 'wx', 0o666);
  try {
    cachedDefaultMode = fstatSync(fd).mode & 0o777;
  } finally {
    closeSync(fd);
    unlinkSync(probe);
  }
  return cachedDefaultMode;
}

async function withParentDir<T>(dst: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (!hasErrno(error, 'ENOENT')) throw error;
    await mkdir(dirname(dst), { recursive: true });
    return fn();
  }
}

/** One attempt with one type; the temporary name is removed whatever happens. */
async function linkAs(type: LinkType, src: string, dst: string, protect: boolean): Promise<void> {
  const temp = tempPathFor(dst);
  try {
    switch (type) {
      case 'reflink':
        await copyFile(src, temp, constants.COPYFILE_FICLONE_FORCE | constants.COPYFILE_EXCL);
        await chmod(temp, protect ? READ_ONLY_MODE : await defaultFileMode(dirname(dst)));
        break;
      case 'copy':
        await copyFile(src, temp, constants.COPYFILE_EXCL);
        await chmod(temp, protect ? READ_ONLY_MODE : await defaultFileMode(dirname(dst)));
        break;
      case 'hardlink':
        // DVC writes an empty file instead of linking empty objects, which would otherwise pile
        // up thousands of links on one inode (and hit the filesystem's link limit).
        if ((await stat(src)).size === 0) {
          await writeFile(temp, '', { flag: 'wx' });
          if (protect) await chmod(temp, READ_ONLY_MODE);
        } else {
          await hardlink(src, temp);
        }
        break;
      case 'symlink':
        await symlink(resolve(src), temp);
        break;
    }
    await rename(temp, dst);
  } finally {
    // After a failure; and after a rename onto a hard link of the same inode, which POSIX
    // defines as doing nothing, leaving the temporary name behind.
    await ignoreMissing(() => unlink(temp));
  }
}

let cachedDefaultMode: number | undefined;

/**
 * 0666 minus the umask, the mode of a newly created file. Read by creating a file, because
 * `process.umask()` without an argument is deprecated (it briefly changes the umask).
 */
async function defaultFileMode(dir: string): Promise<number> {
  if (cachedDefaultMode !== undefined) return cachedDefaultMode;
  const probe = tempPathFor(join(dir, 'mode-probe'));
  const handle = await open(probe, 'wx', 0o666);
  try {
    cachedDefaultMode = (await handle.stat()).mode & 0o777;
  } finally {
    await handle.close();
    await ignoreMissing(() => unlink(probe));
  }
  return cachedDefaultMode;
}

/**
 * Replace a read-only link (hardlink or symlink into the cache) by a writable copy, or make a
 * protected copy writable, like `dvc unprotect`. A folder is unprotected file by file.
 * Returns the paths that changed.
 */
export async function unprotect(path: string): Promise<string[]> {
  if (!lstatSync(path).isDirectory()) return (await unprotectFile(path)) ? [path] : [];
  const changed: string[] = [];
  let count = 0;
  for (const entry of walkTree(path, { dvcignore: false }).files) {
    if (await unprotectFile(entry.absPath)) changed.push(entry.absPath);
    // Small files are done synchronously (a thread-pool hop per call cost more than the call);
    // the event loop gets a turn now and then.
    if (++count % 512 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return changed;
}

/** `unprotect` of one file; true when it changed. */
async function unprotectFile(path: string): Promise<boolean> {
  const info = lstatSync(path);
  if (info.isSymbolicLink() || info.nlink > 1) {
    const target = statSync(path);
    const temp = tempPathFor(path);
    try {
      if (target.size <= SMALL_FILE_MAX) copyFileSync(path, temp, constants.COPYFILE_EXCL);
      else await copyFile(path, temp, constants.COPYFILE_EXCL);
      chmodSync(temp, defaultFileModeSync(path) | (target.mode & 0o111));
      renameSync(temp, path);
    } finally {
      if (existsSync(temp)) unlinkSync(temp);
    }
    return true;
  }
  if ((info.mode & 0o200) !== 0) return false;
  chmodSync(path, (info.mode & 0o7777) | 0o200);
  return true;
}

export interface LinkTypeSupport {
  reflink: boolean;
  hardlink: boolean;
  symlink: boolean;
  copy: boolean;
}

/**
 * Which link types work from `cacheDir` to `workspaceDir` (for `cairn doctor`): each is tried on
 * a small temporary file, and everything created is removed again.
 */
export async function detectLinkTypes(
  cacheDir: string,
  workspaceDir: string,
): Promise<LinkTypeSupport> {
  const src = tempPathFor(join(cacheDir, 'link-probe-src'));
  await writeFile(src, 'cairn link probe\n', { flag: 'wx', mode: READ_ONLY_MODE });
  const support: LinkTypeSupport = { reflink: false, hardlink: false, symlink: false, copy: false };
  try {
    for (const type of ['reflink', 'hardlink', 'symlink', 'copy'] as const) {
      const dst = tempPathFor(join(workspaceDir, `link-probe-${type}`));
      try {
        await linkAs(type, src, dst, false);
        support[type] = true;
      } catch {
        support[type] = false;
      } finally {
        await ignoreMissing(() => unlink(dst));
      }
    }
  } finally {
    await ignoreMissing(() => unlink(src));
  }
  return support;
}

import { chmodSync, mkdirSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/**
 * The folders a recursive mkdir of the absolute, normalised `path` created, outermost first:
 * `first` (what mkdir returned, an ancestor of `path` or `path` itself) down to `path`.
 */
function createdChain(first: string, path: string): string[] {
  const chain: string[] = [];
  for (let dir = path; ; dir = dirname(dir)) {
    chain.push(dir);
    if (dir === first || dirname(dir) === dir) break;
  }
  return chain.reverse();
}

/** Folders with a shared group's mode: DVC's `_dir_mode` for `shared = group`. */
export const SHARED_DIR_MODE = 0o2775;

/**
 * `mkdir -p path`. With `mode`, every folder it creates ends up with exactly that mode, bits the
 * umask would take off included, and the setgid bit, which mkdir itself ignores on Linux: DVC's
 * `shared = group` (`SHARED_DIR_MODE`) lets a group of users share one cache. Folders that already existed
 * are left as they are. Returns the first folder created, like `mkdirSync` (undefined: none), as an
 * absolute path: `path` is resolved first, so that `..` or a doubled `/` cannot make the walk from
 * `path` up to that folder miss it and change folders mkdir did not create.
 */
export function makeDirsSync(path: string, mode?: number): string | undefined {
  path = resolve(path);
  const first = mkdirSync(path, { recursive: true });
  if (first !== undefined && mode !== undefined) {
    for (const dir of createdChain(first, path)) chmodSync(dir, mode);
  }
  return first;
}

/** `makeDirsSync`, asynchronously. */
export async function makeDirs(path: string, mode?: number): Promise<string | undefined> {
  path = resolve(path);
  const first = await mkdir(path, { recursive: true });
  if (first !== undefined && mode !== undefined) {
    for (const dir of createdChain(first, path)) await chmod(dir, mode);
  }
  return first;
}

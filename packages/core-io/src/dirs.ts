import { chmodSync, mkdirSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * The folders a recursive mkdir of `path` created, deepest last: `first` (what mkdir returned)
 * and each folder below it down to `path`.
 */
function createdChain(first: string, path: string): string[] {
  const chain: string[] = [];
  for (let dir = path; ; dir = dirname(dir)) {
    chain.push(dir);
    if (dir === first || dirname(dir) === dir) break;
  }
  return chain.reverse();
}

/**
 * `mkdir -p path`. With `mode`, every folder it creates ends up with exactly that mode, bits the
 * umask would take off included, and the setgid bit, which mkdir itself ignores on Linux: DVC's
 * `shared = group` (0o2775) lets a group of users share one cache. Folders that already existed
 * are left as they are. Returns the first folder created, like `mkdirSync` (undefined: none).
 */
export function makeDirsSync(path: string, mode?: number): string | undefined {
  const first = mkdirSync(path, { recursive: true });
  if (first !== undefined && mode !== undefined) {
    for (const dir of createdChain(first, path)) chmodSync(dir, mode);
  }
  return first;
}

/** `makeDirsSync`, asynchronously. */
export async function makeDirs(path: string, mode?: number): Promise<string | undefined> {
  const first = await mkdir(path, { recursive: true });
  if (first !== undefined && mode !== undefined) {
    for (const dir of createdChain(first, path)) await chmod(dir, mode);
  }
  return first;
}

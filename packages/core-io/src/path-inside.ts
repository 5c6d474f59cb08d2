import { isAbsolute, normalize, resolve } from 'node:path';
import { CairnError } from '@cairn/types';

/**
 * Resolve `relPath` (from a `.dvc` file, `dvc.yaml`, a manifest…) against `root`, refusing any
 * path that could leave it: absolute paths (posix, drive letters, UNC), `..` segments (with `/`
 * or `\` as separator) and NUL bytes. Purely lexical: symlinks inside the root are not resolved.
 * Returns the absolute path.
 */
export function assertInside(root: string, relPath: string): string {
  // A checkout asks this of every file of a `.dir` object: plain paths under a normalised root
  // are joined by concatenation, which is what `resolve` would return for them.
  if (isPlainRelative(relPath) && isNormalRoot(root)) return `${root}/${relPath}`;
  const problem = escapeProblem(relPath);
  if (problem !== undefined) {
    throw new CairnError('CAIRN_PATH_ESCAPE', `path "${relPath}" ${problem}`, {
      hint: `Paths must be relative to ${root} and stay inside it.`,
      details: { root, path: relPath },
    });
  }
  return resolve(root, relPath);
}

/**
 * Whether `relPath` is a relative path with nothing to resolve: not empty, no NUL, no drive
 * letter, and no empty, `.` or `..` segment, with `/` or `\` as separator. Such a path stays
 * inside any folder it is joined to (a cheap test; anything else goes through the full checks).
 */
export function isPlainRelative(relPath: string): boolean {
  const n = relPath.length;
  if (n === 0 || (n > 1 && relPath.charCodeAt(1) === 58)) return false; // "C:…"
  let start = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? relPath.charCodeAt(i) : 47;
    if (c === 0) return false;
    if (c !== 47 && c !== 92) continue;
    const length = i - start;
    if (length === 0) return false;
    if (length <= 2 && relPath.charCodeAt(start) === 46) {
      if (length === 1 || relPath.charCodeAt(start + 1) === 46) return false;
    }
    start = i + 1;
  }
  return true;
}

let normalRoot = '';
/** An absolute, normalised root without a trailing slash (the last one seen is remembered). */
function isNormalRoot(root: string): boolean {
  if (root === normalRoot) return true;
  if (!isAbsolute(root) || root.endsWith('/') || normalize(root) !== root) return false;
  normalRoot = root;
  return true;
}

function escapeProblem(relPath: string): string | undefined {
  if (relPath.includes('\0')) return 'contains a NUL byte';
  if (isAbsolute(relPath) || /^[A-Za-z]:/.test(relPath) || relPath.startsWith('\\')) {
    return 'is absolute';
  }
  if (relPath.split(/[\\/]/).includes('..')) return 'leaves its root through ".."';
  return undefined;
}

import { isAbsolute, resolve } from 'node:path';
import { CairnError } from '@cairn/types';

/**
 * Resolve `relPath` (from a `.dvc` file, `dvc.yaml`, a manifest…) against `root`, refusing any
 * path that could leave it: absolute paths (posix, drive letters, UNC), `..` segments (with `/`
 * or `\` as separator) and NUL bytes. Purely lexical: symlinks inside the root are not resolved.
 * Returns the absolute path.
 */
export function assertInside(root: string, relPath: string): string {
  const problem = escapeProblem(relPath);
  if (problem !== undefined) {
    throw new CairnError('CAIRN_PATH_ESCAPE', `path "${relPath}" ${problem}`, {
      hint: `Paths must be relative to ${root} and stay inside it.`,
      details: { root, path: relPath },
    });
  }
  return resolve(root, relPath);
}

function escapeProblem(relPath: string): string | undefined {
  if (relPath.includes('\0')) return 'contains a NUL byte';
  if (isAbsolute(relPath) || /^[A-Za-z]:/.test(relPath) || relPath.startsWith('\\')) {
    return 'is absolute';
  }
  if (relPath.split(/[\\/]/).includes('..')) return 'leaves its root through ".."';
  return undefined;
}

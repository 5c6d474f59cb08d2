import { relativePathProblem } from '@cairn/types';

/** Why `key` is not a valid remote key, or undefined when it is. */
export function keyProblem(key: string): string | undefined {
  if (typeof key !== 'string') return 'a key must be a string';
  return relativePathProblem(key);
}

/** Joins a root prefix (`''` or `a/b`) and a key with exactly one `/`. */
export function joinKey(root: string, key: string): string {
  if (root === '') return key;
  return key === '' ? root : `${root}/${key}`;
}

/** `/a/b/` → `a/b`: the form roots are kept in. */
export function trimSlashes(path: string): string {
  return path.replace(/^\/+/, '').replace(/\/+$/, '');
}

/** The object name under `root` → the key, or undefined when the name is outside the root. */
export function keyUnder(root: string, name: string): string | undefined {
  if (root === '') return name;
  return name.startsWith(`${root}/`) ? name.slice(root.length + 1) : undefined;
}

/**
 * Shell-style wildcards as Python resolves them (DVC's `--glob`): `fnmatch` for one name, and
 * `globPaths` for `glob.glob(pattern, recursive=True)`: `*`, `?` and `[...]` within one path
 * component, `**` for any number of folders. Wildcards do not match names starting with a dot
 * unless the component itself starts with one.
 */
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

const MAGIC = /[*?[]/;

/** Python's `fnmatch.fnmatchcase`: `*`, `?`, `[abc]`, `[!abc]`; anchored, case-sensitive. */
export function fnmatch(pattern: string, text: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end === -1) re += '\\[';
      else {
        const body = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
        re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's').test(text);
}

function isDir(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
}

function names(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** `prefix` and everything below it that `**` reaches (hidden names skipped). */
function below(cwd: string, prefix: string): string[] {
  const found = [prefix];
  const visit = (rel: string) => {
    for (const name of names(join(cwd, rel))) {
      if (name.startsWith('.')) continue;
      const child = rel === '' ? name : `${rel}/${name}`;
      found.push(child);
      if (isDir(join(cwd, child))) visit(child);
    }
  };
  if (prefix === '' || isDir(join(cwd, prefix))) visit(prefix);
  return found;
}

/**
 * The paths `pattern` matches (relative to `cwd` unless it is absolute), sorted; a pattern
 * without wildcards matches itself when it exists. A pattern ending in `/` matches folders.
 */
export function globPaths(pattern: string, cwd: string): string[] {
  if (!MAGIC.test(pattern)) {
    return lstatSync(isAbsolute(pattern) ? pattern : join(cwd, pattern), { throwIfNoEntry: false })
      ? [pattern]
      : [];
  }
  const root = isAbsolute(pattern) ? '/' : cwd;
  const parts = pattern.split('/').filter((p) => p !== '');
  const at = (rel: string) => join(root, rel);
  const child = (rel: string, name: string) => (rel === '' ? name : `${rel}/${name}`);
  let matched = [''];
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    if (part === '**') {
      matched = [...new Set(matched.flatMap((rel) => below(root, rel)))];
      // A `**` that is not last only leads to folders; the empty match stays (zero folders).
      if (!last) matched = matched.filter((rel) => rel === '' || isDir(at(rel)));
      else matched = matched.filter((rel) => rel !== '');
    } else if (MAGIC.test(part)) {
      matched = matched.flatMap((rel) =>
        names(at(rel))
          .filter((name) => (!name.startsWith('.') || part.startsWith('.')) && fnmatch(part, name))
          .map((name) => child(rel, name)),
      );
    } else {
      matched = matched
        .map((rel) => child(rel, part))
        .filter((rel) => lstatSync(at(rel), { throwIfNoEntry: false }) !== undefined);
    }
  });
  if (pattern.endsWith('/')) matched = matched.filter((rel) => isDir(at(rel)));
  const prefix = isAbsolute(pattern) ? '/' : '';
  return [...new Set(matched)].sort().map((rel) => `${prefix}${rel}`);
}

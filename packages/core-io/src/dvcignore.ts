/**
 * `.dvcignore` rules: gitignore syntax and semantics. A `.dvcignore` file in a subfolder applies
 * to that folder, its patterns relative to it, and wins over the files above it; like DVC, each
 * subfolder's patterns are rebased onto the root and appended to the inherited list, where the
 * last matching pattern decides.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ignore, { type Ignore } from 'ignore';

export const DVCIGNORE_FILE = '.dvcignore';

/** Folders DVC never looks into, at any depth (and a `.git` file, as in worktrees). */
const ALWAYS_IGNORED_DIRS = new Set(['.git', '.hg', '.dvc']);

export function isAlwaysIgnored(name: string, isDir: boolean): boolean {
  return isDir ? ALWAYS_IGNORED_DIRS.has(name) : name === '.git';
}

/** A pattern relative to the ignore root, and where it was written (`file:line:pattern`). */
interface Rule {
  pattern: string;
  source: string;
}

/** The rules in force inside one folder: patterns relative to the ignore root. */
export class IgnoreRules {
  static readonly none = new IgnoreRules([]);

  readonly patterns: readonly string[];
  private readonly rules: readonly Rule[];
  private readonly matcher: Ignore | undefined;

  private constructor(rules: readonly Rule[]) {
    this.rules = rules;
    this.patterns = rules.map((r) => r.pattern);
    this.matcher =
      rules.length === 0
        ? undefined
        : ignore({ ignorecase: false }).add(
            rules.map((r) => ({ pattern: r.pattern, mark: r.source })),
          );
  }

  /** These rules plus the text of the `.dvcignore` in `relDir` (posix, relative to the root). */
  extend(relDir: string, text: string): IgnoreRules {
    const file = relDir === '' ? DVCIGNORE_FILE : `${relDir}/${DVCIGNORE_FILE}`;
    const added = parsePatterns(text).map(({ pattern, line }) => ({
      pattern: rebasePattern(pattern, relDir),
      source: `${file}:${line}:${pattern}`,
    }));
    return added.length === 0 ? this : new IgnoreRules([...this.rules, ...added]);
  }

  /**
   * The pattern that decides whether a path is ignored (`file:line:pattern`, as
   * `dvc check-ignore -d` prints it), undefined when none applies; a negated pattern decides
   * the path is not ignored.
   */
  decidingRule(relPath: string, isDir: boolean): { ignored: boolean; source: string } | undefined {
    if (this.matcher === undefined) return undefined;
    const path = isDir ? `${relPath}/` : relPath;
    const result = this.matcher.checkIgnore(path);
    if (result.rule?.mark !== undefined) return { ignored: true, source: result.rule.mark };
    if (!result.unignored) return undefined;
    // `ignore` names only the rules that ignore: find the last negated one that matches.
    for (let i = this.rules.length - 1; i >= 0; i--) {
      const rule = this.rules[i] as Rule;
      if (!rule.pattern.startsWith('!')) continue;
      if (ignore({ ignorecase: false }).add(rule.pattern.slice(1)).ignores(path)) {
        return { ignored: false, source: rule.source };
      }
    }
    return undefined;
  }

  /**
   * Whether a path (posix, relative to the root) is ignored by a pattern. The caller checks the
   * folders above it first, as a walk that does not enter ignored folders does.
   */
  ignores(relPath: string, isDir: boolean): boolean {
    if (this.matcher === undefined) return false;
    return this.matcher.ignores(isDir ? `${relPath}/` : relPath);
  }
}

function parsePatterns(text: string): Array<{ pattern: string; line: number }> {
  const patterns: Array<{ pattern: string; line: number }> = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    let line = raw;
    // Unescaped trailing spaces are not part of a pattern (gitignore rule).
    while (line.endsWith(' ') && !line.endsWith('\\ ')) line = line.slice(0, -1);
    if (line === '' || line.startsWith('#')) continue;
    patterns.push({ pattern: line, line: i + 1 });
  }
  return patterns;
}

function parentDir(relDir: string): string {
  const slash = relDir.lastIndexOf('/');
  return slash === -1 ? '' : relDir.slice(0, slash);
}

const GLOB_SPECIAL = /[\\*?[\]]/g;

/**
 * A pattern from `<relDir>/.dvcignore` rewritten relative to the root: one with a slash at the
 * start or in the middle is anchored to its folder, one without matches at any depth below it.
 */
export function rebasePattern(pattern: string, relDir: string): string {
  if (relDir === '') return pattern;
  const negated = pattern.startsWith('!');
  const body = negated ? pattern.slice(1) : pattern;
  const anchored = body.slice(0, -1).includes('/');
  const prefix = `/${relDir.replace(GLOB_SPECIAL, '\\$&')}/`;
  const rebased = anchored ? prefix + body.replace(/^\//, '') : `${prefix}**/${body}`;
  return negated ? `!${rebased}` : rebased;
}

/**
 * The `.dvcignore` rules of a tree, loaded folder by folder on demand; answers "is this path
 * ignored?" for single paths (`cairn check-ignore`, `cairn add <path>`).
 */
export class DvcIgnore {
  readonly root: string;
  private readonly rulesByDir = new Map<string, IgnoreRules>();

  constructor(root: string) {
    this.root = root;
  }

  /**
   * Rules in force inside `relDir` (posix, relative to the root; '' for the root), including
   * the folder's own `.dvcignore`. `hasIgnoreFile` skips the existence check when the caller
   * has just listed the folder.
   */
  rulesFor(relDir: string, hasIgnoreFile?: boolean): IgnoreRules {
    const cached = this.rulesByDir.get(relDir);
    if (cached) return cached;
    const parent = relDir === '' ? IgnoreRules.none : this.rulesFor(parentDir(relDir));
    const file = join(this.root, relDir, DVCIGNORE_FILE);
    const rules =
      (hasIgnoreFile ?? statSync(file, { throwIfNoEntry: false })?.isFile() === true)
        ? parent.extend(relDir, readFileSync(file, 'utf8'))
        : parent;
    this.rulesByDir.set(relDir, rules);
    return rules;
  }

  /**
   * Why `relPath` is ignored or not (`dvc check-ignore`): the pattern that decided it for the
   * path or the first folder above it that is ignored (`file:line:pattern`), or `source`
   * undefined when no pattern applies (or the path lies in `.git`/`.dvc`, always ignored).
   */
  explain(relPath: string, isDir = false): { ignored: boolean; source?: string } {
    const parts = relPath.split('/').filter((p) => p !== '' && p !== '.');
    let dir = '';
    let last: { ignored: boolean; source?: string } = { ignored: false };
    for (const [i, name] of parts.entries()) {
      const asDir = i < parts.length - 1 || isDir;
      const path = dir === '' ? name : `${dir}/${name}`;
      if (isAlwaysIgnored(name, asDir)) return { ignored: true };
      const decided = this.rulesFor(dir).decidingRule(path, asDir);
      if (decided?.ignored) return decided;
      if (i === parts.length - 1 && decided) last = decided;
      dir = path;
    }
    return last;
  }

  /** Whether `relPath` (posix, relative to the root) or a folder above it is ignored. */
  isIgnored(relPath: string, isDir = false): boolean {
    const parts = relPath.split('/').filter((p) => p !== '' && p !== '.');
    let dir = '';
    for (const [i, name] of parts.entries()) {
      const asDir = i < parts.length - 1 || isDir;
      const path = dir === '' ? name : `${dir}/${name}`;
      if (isAlwaysIgnored(name, asDir) || this.rulesFor(dir).ignores(path, asDir)) return true;
      dir = path;
    }
    return false;
  }
}

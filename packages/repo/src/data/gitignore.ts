import { readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeFilesAtomicSync } from '@cairn/core-io';

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

/** The `.gitignore` file and line that ignore `dataPath` (absolute). */
export function gitignoreEntry(dataPath: string): { file: string; line: string } {
  // Characters gitignore would read as patterns are escaped, so the line names exactly this path.
  const name = basename(dataPath).replace(/[\\*?[\]!#]/g, (c) => `\\${c}`);
  return { file: join(dirname(dataPath), '.gitignore'), line: `/${name}` };
}

/** Adds the entry unless present; returns the `.gitignore` path when it changed. */
export function addGitignoreEntry(dataPath: string): string | undefined {
  return addGitignoreEntries([dataPath])[0];
}

/**
 * Adds the entries of many data paths, each `.gitignore` read and written once (an add of a
 * thousand files in one folder writes its `.gitignore` once, not a thousand times). Per path,
 * the `.gitignore` changed for it; undefined where its entry was there already.
 */
export function addGitignoreEntries(dataPaths: readonly string[]): Array<string | undefined> {
  const { entries, files } = readGitignores(dataPaths);
  const added = new Map<string, string[]>();
  const changed = entries.map(({ file, line }) => {
    const { lines } = files.get(file) as GitignoreText;
    if (lines.has(line)) return undefined;
    lines.add(line);
    const list = added.get(file) ?? [];
    list.push(line);
    added.set(file, list);
    return file;
  });
  writeFilesAtomicSync(
    [...added].map(([path, lines]) => {
      const { text } = files.get(path) as GitignoreText;
      const prefix = text === '' || text.endsWith('\n') ? text : `${text}\n`;
      return { path, data: `${prefix}${lines.join('\n')}\n` };
    }),
  );
  return changed;
}

/** Removes the entry (see `removeGitignoreEntries`). Returns the `.gitignore` path when it changed. */
export function removeGitignoreEntry(dataPath: string): string | undefined {
  return removeGitignoreEntries([dataPath])[0];
}

/**
 * Removes the entries of many data paths, each `.gitignore` read and written once; nothing else
 * in them changes. As DVC (scmrepo) does, a line is the entry when it is once stripped of
 * surrounding whitespace, and a `.gitignore` left without any line is deleted. Per path, the
 * `.gitignore` changed for it; undefined where it had no entry.
 */
export function removeGitignoreEntries(dataPaths: readonly string[]): Array<string | undefined> {
  const { entries, files } = readGitignores(dataPaths);
  const dropped = new Map<string, Set<string>>();
  const changed = entries.map(({ file, line }) => {
    const entry = line.trim();
    if (!(files.get(file) as GitignoreText).stripped.has(entry)) return undefined;
    dropped.set(file, (dropped.get(file) ?? new Set()).add(entry));
    return file;
  });
  const rewritten: Array<{ path: string; data: string }> = [];
  const emptied: string[] = [];
  for (const [path, drop] of dropped) {
    // Lines as Python's readlines() gives them: each keeps its newline.
    const kept = ((files.get(path) as GitignoreText).text.match(/[^\n]*\n|[^\n]+$/g) ?? []).filter(
      (l) => !drop.has(l.trim()),
    );
    if (kept.length === 0) emptied.push(path);
    else rewritten.push({ path, data: kept.join('') });
  }
  writeFilesAtomicSync(rewritten);
  for (const path of emptied) rmSync(path, { force: true });
  return changed;
}

/** A `.gitignore`'s text, its lines (without `\r`), and its lines stripped of whitespace. */
interface GitignoreText {
  text: string;
  lines: Set<string>;
  stripped: Set<string>;
}

/** The entry of each data path, and each `.gitignore` they fall in, read once. */
function readGitignores(dataPaths: readonly string[]) {
  const files = new Map<string, GitignoreText>();
  const entries = dataPaths.map((dataPath) => {
    const entry = gitignoreEntry(dataPath);
    if (!files.has(entry.file)) {
      const text = readOrEmpty(entry.file);
      const lines = text.split(/\r?\n/);
      files.set(entry.file, {
        text,
        lines: new Set(lines),
        stripped: new Set(lines.map((l) => l.trim())),
      });
    }
    return entry;
  });
  return { entries, files };
}

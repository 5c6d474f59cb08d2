import { readFileSync } from 'node:fs';
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
export async function addGitignoreEntry(dataPath: string): Promise<string | undefined> {
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

/** Removes the entry; deletes nothing else. Returns the `.gitignore` path when it changed. */
export async function removeGitignoreEntry(dataPath: string): Promise<string | undefined> {
  return removeGitignoreEntries([dataPath])[0];
}

/**
 * Removes the entries of many data paths, each `.gitignore` read and written once; nothing else
 * in them changes. Per path, the `.gitignore` changed for it; undefined where it had no entry.
 */
export function removeGitignoreEntries(dataPaths: readonly string[]): Array<string | undefined> {
  const { entries, files } = readGitignores(dataPaths);
  const dropped = new Map<string, Set<string>>();
  const changed = entries.map(({ file, line }) => {
    if (!(files.get(file) as GitignoreText).lines.has(line)) return undefined;
    dropped.set(file, (dropped.get(file) ?? new Set()).add(line));
    return file;
  });
  writeFilesAtomicSync(
    [...dropped].map(([path, drop]) => {
      const kept = (files.get(path) as GitignoreText).text
        .split('\n')
        .filter((l) => !drop.has(l.replace(/\r$/, '')));
      return { path, data: kept.join('\n') };
    }),
  );
  return changed;
}

/** A `.gitignore`'s text and its lines (without `\r`). */
interface GitignoreText {
  text: string;
  lines: Set<string>;
}

/** The entry of each data path, and each `.gitignore` they fall in, read once. */
function readGitignores(dataPaths: readonly string[]) {
  const files = new Map<string, GitignoreText>();
  const entries = dataPaths.map((dataPath) => {
    const entry = gitignoreEntry(dataPath);
    if (!files.has(entry.file)) {
      const text = readOrEmpty(entry.file);
      files.set(entry.file, { text, lines: new Set(text.split(/\r?\n/)) });
    }
    return entry;
  });
  return { entries, files };
}

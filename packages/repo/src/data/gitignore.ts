import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic, writeFileAtomicSync } from '@cairn/core-io';

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
  const { file, line } = gitignoreEntry(dataPath);
  const text = readOrEmpty(file);
  if (text.split(/\r?\n/).includes(line)) return undefined;
  const prefix = text === '' || text.endsWith('\n') ? text : `${text}\n`;
  writeFileAtomicSync(file, `${prefix}${line}\n`);
  return file;
}

/** Removes the entry; deletes nothing else. Returns the `.gitignore` path when it changed. */
export async function removeGitignoreEntry(dataPath: string): Promise<string | undefined> {
  const { file, line } = gitignoreEntry(dataPath);
  const text = readOrEmpty(file);
  const lines = text.split('\n');
  const kept = lines.filter((l) => l.replace(/\r$/, '') !== line);
  if (kept.length === lines.length) return undefined;
  await writeFileAtomic(file, kept.join('\n'));
  return file;
}

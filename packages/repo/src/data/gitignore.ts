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
  return addGitignoreEntries([dataPath])[0];
}

/**
 * Adds the entries of many data paths, each `.gitignore` read and written once (an add of a
 * thousand files in one folder writes its `.gitignore` once, not a thousand times). Per path,
 * the `.gitignore` changed for it; undefined where its entry was there already.
 */
export function addGitignoreEntries(dataPaths: readonly string[]): Array<string | undefined> {
  const files = new Map<string, { text: string; lines: Set<string>; added: string[] }>();
  const changed = dataPaths.map((dataPath) => {
    const { file, line } = gitignoreEntry(dataPath);
    let known = files.get(file);
    if (known === undefined) {
      const text = readOrEmpty(file);
      known = { text, lines: new Set(text.split(/\r?\n/)), added: [] };
      files.set(file, known);
    }
    if (known.lines.has(line)) return undefined;
    known.lines.add(line);
    known.added.push(line);
    return file;
  });
  for (const [file, { text, added }] of files) {
    if (added.length === 0) continue;
    const prefix = text === '' || text.endsWith('\n') ? text : `${text}\n`;
    writeFileAtomicSync(file, `${prefix}${added.join('\n')}\n`);
  }
  return changed;
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

/**
 * Where pipeline files are read from: the workspace, or a git revision. Paths are posix and
 * relative to the repository root, so the same loader serves `params diff HEAD` and the
 * workspace.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gitRaw, listFilesAtRev, readFileAtRev, resolveRev } from '@cairn/core-io';

export interface FileSource {
  /** `workspace`, or the revision as the user typed it. */
  readonly label: string;
  /** Bytes of a file, or undefined when it does not exist (or is a folder). */
  read(path: string): Promise<Buffer | undefined>;
  isDirectory(path: string): Promise<boolean>;
  /** Files below `dir` (all files when omitted) that a pipeline could name: not git-ignored. */
  listFiles(dir?: string): Promise<string[]>;
}

const execFileAsync = promisify(execFile);

function under(files: string[], dir: string | undefined): string[] {
  if (!dir || dir === '.') return files;
  const prefix = `${dir.replace(/\/+$/, '')}/`;
  return files.filter((f) => f.startsWith(prefix));
}

/** The working tree at `root`. Files are listed through git when `root` is in a git repo. */
export function workspaceSource(root: string): FileSource {
  return {
    label: 'workspace',
    async read(path) {
      try {
        return await readFile(join(root, path));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return undefined;
        throw error;
      }
    },
    async isDirectory(path) {
      try {
        return (await stat(join(root, path))).isDirectory();
      } catch {
        return false;
      }
    },
    async listFiles(dir) {
      const base = dir && dir !== '.' ? join(root, dir) : root;
      try {
        const { stdout } = await execFileAsync(
          'git',
          ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '.'],
          { cwd: base, maxBuffer: 1 << 30, encoding: 'buffer' },
        );
        const prefix = dir && dir !== '.' ? `${dir.replace(/\/+$/, '')}/` : '';
        const listed = stdout.toString('utf8').split('\0').filter(Boolean);
        return [...new Set(listed)].map((f) => prefix + f).sort();
      } catch {
        return walk(root, dir && dir !== '.' ? dir : '');
      }
    },
  };
}

async function walk(root: string, dir: string): Promise<string[]> {
  const out: string[] = [];
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(join(root, dir), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (entry.name === '.git' || entry.name === '.dvc') continue;
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await walk(root, rel)));
    else out.push(rel);
  }
  return out.sort();
}

/**
 * A git revision of the repository at `root` (files read from git objects). `root` may be a
 * folder inside the git work tree (`dvc init --subdir`): paths stay relative to it.
 */
export async function gitRevSource(root: string, rev: string): Promise<FileSource> {
  const sha = await resolveRev(root, rev);
  const prefix = (await gitRaw(['rev-parse', '--show-prefix'], { cwd: root }))
    .toString('utf8')
    .trim();
  let files: Promise<string[]> | undefined;
  const all = () => {
    files ??= listFilesAtRev(root, sha);
    return files;
  };
  return {
    label: rev,
    async read(path) {
      const type = await objectType(root, sha, prefix + path);
      return type === 'blob' ? readFileAtRev(root, sha, prefix + path) : undefined;
    },
    async isDirectory(path) {
      return (await objectType(root, sha, prefix + path)) === 'tree';
    },
    async listFiles(dir) {
      return under(await all(), dir);
    },
  };
}

/** `blob`, `tree`, or undefined when `path` (from the top of the work tree) is not in `sha`. */
async function objectType(root: string, sha: string, path: string): Promise<string | undefined> {
  try {
    const out = await gitRaw(['cat-file', '-t', `${sha}:${path}`], { cwd: root });
    return out.toString('utf8').trim();
  } catch {
    return undefined;
  }
}

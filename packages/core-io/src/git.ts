/**
 * Git, through the `git` binary. Cairn reads pointer and lock files out of history
 * (gc --all-commits, metrics diff, experiments) and stages the files it creates. Plain
 * `child_process` rather than execa: every command lists pointer files through git, and loading
 * execa's module graph cost more than the `git ls-files` call itself.
 */
import { spawn } from 'node:child_process';
import { CairnError } from '@cairn/types';

export interface GitOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  input?: string | Uint8Array;
}

/** Runs git and returns stdout (trailing newline trimmed); failures are `CAIRN_GIT` errors. */
export async function git(args: string[], options: GitOptions): Promise<string> {
  const result = await gitRaw(args, options);
  return result.toString('utf8').replace(/\n$/, '');
}

/** Runs git and returns stdout as bytes (for file contents at a revision). */
export function gitRaw(args: string[], options: GitOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: CairnError) => {
      if (settled) return;
      settled = true;
      reject(error);
    };
    const child = spawn('git', args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
      stdio: 'pipe',
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        fail(
          new CairnError('CAIRN_GIT_MISSING', 'git is not installed or not on PATH', {
            hint: 'install git, or run with --no-scm where the command supports it',
            cause: error,
          }),
        );
      } else {
        fail(
          new CairnError('CAIRN_GIT', `git ${args[0]} failed: ${error.message}`, { cause: error }),
        );
      }
    });
    child.on('close', (exitCode, signal) => {
      if (exitCode === 0) {
        settled = true;
        resolve(Buffer.concat(stdout));
        return;
      }
      const message = Buffer.concat(stderr).toString('utf8').trim();
      fail(
        new CairnError(
          'CAIRN_GIT',
          `git ${args[0]} failed: ${message || (exitCode === null ? `killed by ${signal}` : `exit code ${exitCode}`)}`,
          { details: { args, exitCode } },
        ),
      );
    });
    // git may exit before reading all of its input; its exit code tells what happened.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input);
  });
}

/** The top folder of the git work tree containing `dir`, or undefined outside git. */
export async function findGitRoot(dir: string): Promise<string | undefined> {
  try {
    return await git(['rev-parse', '--show-toplevel'], { cwd: dir });
  } catch (error) {
    if (error instanceof CairnError && error.code === 'CAIRN_GIT') return undefined;
    throw error;
  }
}

export async function headSha(root: string): Promise<string | undefined> {
  try {
    return await git(['rev-parse', '--verify', '-q', 'HEAD'], { cwd: root });
  } catch {
    return undefined;
  }
}

/** Resolves a revision (branch, tag, `HEAD~2`, sha) to a full sha. */
export async function resolveRev(root: string, rev: string): Promise<string> {
  try {
    return await git(['rev-parse', '--verify', '-q', `${rev}^{commit}`], { cwd: root });
  } catch (error) {
    throw new CairnError('CAIRN_GIT_UNKNOWN_REV', `unknown git revision '${rev}'`, {
      cause: error,
    });
  }
}

/** True when tracked files differ from HEAD (untracked files do not count, as in DVC). */
export async function isDirty(root: string): Promise<boolean> {
  const out = await git(['status', '--porcelain', '--untracked-files=no'], { cwd: root });
  return out.length > 0;
}

/** A file's bytes at a revision, or undefined when it does not exist there. */
export async function readFileAtRev(
  root: string,
  rev: string,
  path: string,
): Promise<Buffer | undefined> {
  try {
    return await gitRaw(['show', `${rev}:${path}`], { cwd: root });
  } catch (error) {
    if (error instanceof CairnError && error.code === 'CAIRN_GIT') return undefined;
    throw error;
  }
}

/** Every path in a revision's tree (posix, relative to the repository root). */
export async function listFilesAtRev(root: string, rev: string): Promise<string[]> {
  const out = await gitRaw(['ls-tree', '-r', '-z', '--name-only', rev], { cwd: root });
  return out.toString('utf8').split('\0').filter(Boolean);
}

/**
 * Every commit reachable from branches, tags and HEAD (for --all-commits), newest first.
 * Experiment refs (`refs/exps/...`) are left out, as DVC does; they have their own flag.
 */
export async function listAllCommits(
  root: string,
  { experiments = false }: { experiments?: boolean } = {},
): Promise<string[]> {
  if ((await headSha(root)) === undefined) return [];
  const args = experiments ? ['rev-list', '--all'] : ['rev-list', '--exclude=refs/exps/*', '--all'];
  const out = await git(args, { cwd: root });
  return out.split('\n').filter(Boolean);
}

export async function gitAdd(root: string, paths: string[]): Promise<void> {
  if (paths.length === 0) return;
  await git(['add', '--', ...paths], { cwd: root });
}

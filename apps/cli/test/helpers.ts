import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterEach } from 'vitest';

export const BIN = fileURLToPath(new URL('../bin/cairn.js', import.meta.url));

export const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Cairn Test',
  GIT_AUTHOR_EMAIL: 'test@cairn.invalid',
  GIT_COMMITTER_NAME: 'Cairn Test',
  GIT_COMMITTER_EMAIL: 'test@cairn.invalid',
};

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `cairn` binary, as a user would. */
export async function cairn(
  args: string[],
  options: {
    cwd: string;
    env?: NodeJS.ProcessEnv;
    input?: string;
    /** Run as this user (and group), which needs to be able to read `bin`. */
    uid?: number;
    gid?: number;
    /** Another copy of the built binary (default `BIN`). */
    bin?: string;
  },
): Promise<CliResult> {
  const result = await execa(process.execPath, [options.bin ?? BIN, ...args], {
    cwd: options.cwd,
    env: { ...GIT_ENV, CI: '1', ...options.env },
    reject: false,
    ...(options.input === undefined ? {} : { input: options.input }),
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid ?? options.uid }),
  });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export async function run(cmd: string, args: string[], cwd: string): Promise<string> {
  const result = await execa(cmd, args, { cwd, env: { ...process.env, ...GIT_ENV } });
  return result.stdout;
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temp folder, removed after the test. */
export function tempDir(prefix = 'cairn-cli-'): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  dirs.push(dir);
  return dir;
}

/** A fresh git repository (branch main), removed after the test. */
export async function gitRepo(): Promise<string> {
  const dir = tempDir();
  await run('git', ['init', '-q', '-b', 'main'], dir);
  return dir;
}

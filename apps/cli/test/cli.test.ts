import { describe, expect, it } from 'vitest';
import { cairn, tempDir } from './helpers.js';

describe('cairn (global behaviour)', () => {
  it('prints help with the commands and documented exit codes', async () => {
    const { exitCode, stdout } = await cairn(['--help'], { cwd: tempDir() });
    expect(exitCode).toBe(0);
    expect(stdout).toContain('Usage: cairn <command> [options]');
    expect(stdout).toMatch(/\n {2}init +Create a DVC-compatible repository/);
    expect(stdout).toContain('130  interrupted');
  });

  it('prints its version', async () => {
    const { exitCode, stdout } = await cairn(['--version'], { cwd: tempDir() });
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(/^cairn \d+\.\d+\.\d+\n?$/);
    const json = await cairn(['--version', '--json'], { cwd: tempDir() });
    expect(JSON.parse(json.stdout)).toEqual({ version: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
  });

  it('exits 2 on an unknown command, with a hint', async () => {
    const { exitCode, stderr } = await cairn(['frobnicate'], { cwd: tempDir() });
    expect(exitCode).toBe(2);
    expect(stderr).toBe("error: unknown command 'frobnicate'\nhint: see 'cairn --help'");
  });

  it('exits 2 on an unknown option', async () => {
    const { exitCode, stderr } = await cairn(['init', '--frobnicate'], { cwd: tempDir() });
    expect(exitCode).toBe(2);
    expect(stderr).toBe("error: unknown option '--frobnicate'\nhint: see 'cairn init --help'");
  });

  it('exits 2 on an unexpected argument', async () => {
    const { exitCode, stderr } = await cairn(['doctor', 'extra'], { cwd: tempDir() });
    expect(exitCode).toBe(2);
    expect(stderr).toContain("error: unexpected argument 'extra'");
  });

  it('shows per-command help with options and exit codes', async () => {
    const { exitCode, stdout } = await cairn(['init', '--help'], { cwd: tempDir() });
    expect(exitCode).toBe(0);
    expect(stdout).toContain('Usage: cairn init [options] [<dir>]');
    expect(stdout).toContain('--no-scm');
    expect(stdout).toContain('-f, --force');
    expect(stdout).toContain('Exit codes:');
  });

  it('prints errors without a stack trace unless --verbose', async () => {
    const dir = tempDir();
    const plain = await cairn(['init'], { cwd: dir });
    expect(plain.exitCode).toBe(1);
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    const verbose = await cairn(['init', '--verbose'], { cwd: dir });
    expect(verbose.exitCode).toBe(1);
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });

  it('prints errors as JSON on stdout with --json', async () => {
    const { exitCode, stdout } = await cairn(['init', '--json'], { cwd: tempDir() });
    expect(exitCode).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({
      error: { code: 'CAIRN_NO_SCM', message: expect.stringContaining('is not tracked by any') },
    });
  });
});

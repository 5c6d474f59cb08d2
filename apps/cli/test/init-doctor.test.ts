import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cairn, gitRepo, run, tempDir } from './helpers.js';

describe('cairn init', () => {
  it('creates the same files as dvc init and stages them in git', async () => {
    const dir = await gitRepo();
    const { exitCode, stdout } = await cairn(['init'], { cwd: dir });
    expect(exitCode).toBe(0);
    expect(stdout).toContain('Initialized Cairn repository');
    expect(readFileSync(join(dir, '.dvc/config'), 'utf8')).toBe('');
    expect(readFileSync(join(dir, '.dvc/.gitignore'), 'utf8')).toBe(
      '/config.local\n/tmp\n/cache\n',
    );
    expect(readFileSync(join(dir, '.dvcignore'), 'utf8')).toBe(
      '# Add patterns of files dvc should ignore, which could improve\n# the performance. Learn more at\n# https://dvc.org/doc/user-guide/dvcignore\n',
    );
    expect(existsSync(join(dir, '.dvc/tmp'))).toBe(true);
    const staged = await run('git', ['diff', '--cached', '--name-only'], dir);
    expect(staged.split('\n').sort()).toEqual(['.dvc/.gitignore', '.dvc/config', '.dvcignore']);
  });

  it('refuses outside git unless --no-scm', async () => {
    const dir = tempDir();
    const refused = await cairn(['init'], { cwd: dir });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toBe(
      `error: ${dir} is not tracked by any supported SCM tool (e.g. Git)\nhint: run 'git init' first, or use --no-scm to work without git`,
    );
    const ok = await cairn(['init', '--no-scm'], { cwd: dir });
    expect(ok.exitCode).toBe(0);
    expect(readFileSync(join(dir, '.dvc/config'), 'utf8')).toBe('[core]\n    no_scm = True\n');
  });

  it('refuses a subfolder of a git repo unless --subdir', async () => {
    const dir = await gitRepo();
    const sub = join(dir, 'sub');
    await run('mkdir', [sub], dir);
    const refused = await cairn(['init'], { cwd: sub });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('use --subdir');
    expect((await cairn(['init', '--subdir'], { cwd: sub })).exitCode).toBe(0);
  });

  it('refuses to re-initialise without --force, and keeps the cache with it', async () => {
    const dir = await gitRepo();
    expect((await cairn(['init'], { cwd: dir })).exitCode).toBe(0);
    const again = await cairn(['init'], { cwd: dir });
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toBe(
      `error: '.dvc' exists in ${dir}\nhint: use --force to re-initialise (the cache is kept)`,
    );
    await run('mkdir', ['-p', join(dir, '.dvc/cache/files/md5/ac')], dir);
    writeFileSync(join(dir, '.dvc/cache/files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8'), 'foo');
    writeFileSync(join(dir, '.dvc/config'), '[core]\n    remote = x\n');
    expect((await cairn(['init', '--force'], { cwd: dir })).exitCode).toBe(0);
    expect(readFileSync(join(dir, '.dvc/config'), 'utf8')).toBe('');
    expect(
      readFileSync(join(dir, '.dvc/cache/files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8'), 'utf8'),
    ).toBe('foo');
  });
});

describe('cairn doctor', () => {
  it('reports versions, link types and remotes as JSON', async () => {
    const dir = await gitRepo();
    await cairn(['init'], { cwd: dir });
    writeFileSync(
      join(dir, '.dvc/config'),
      '[core]\n    remote = storage\n[\'remote "storage"\']\n    url = ../store\n',
    );
    writeFileSync(
      join(dir, '.dvc/config.local'),
      '[\'remote "web"\']\n    url = https://alice:s3cret@example.com/repo.dvc\n',
    );
    const { exitCode, stdout } = await cairn(['doctor', '--json'], { cwd: dir });
    expect(exitCode).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.node).toBe(process.version);
    expect(report.repo.root).toBe(dir);
    expect(report.repo.cacheTypes).toEqual(['reflink', 'copy']);
    expect(report.repo.supportedLinkTypes).toMatchObject({
      copy: true,
      hardlink: true,
      symlink: true,
    });
    expect(report.repo.remotes).toEqual([
      { name: 'storage', url: join(dir, 'store'), default: true },
      { name: 'web', url: 'https://alice:***@example.com/repo.dvc', default: false },
    ]);
    expect(stdout).not.toContain('s3cret');
  });

  it('works outside a repository', async () => {
    const { exitCode, stdout } = await cairn(['doctor'], { cwd: tempDir() });
    expect(exitCode).toBe(0);
    expect(stdout).toContain('Repo: none');
  });

  it('names file and line of an invalid config', async () => {
    const dir = await gitRepo();
    await cairn(['init'], { cwd: dir });
    writeFileSync(join(dir, '.dvc/config'), '[core]\n    remote = s\n    autostage = maybe\n');
    const { exitCode, stderr } = await cairn(['doctor'], { cwd: dir });
    expect(exitCode).toBe(1);
    expect(stderr).toBe(
      `error: .dvc/config:3:1: core.autostage: expected boolean, got string "maybe"`,
    );
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  findGitRoot,
  git,
  gitAdd,
  headSha,
  isDirty,
  listAllCommits,
  listFilesAtRev,
  readFileAtRev,
  resolveRev,
} from './git.js';

const env = {
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.com',
};

let dir: string;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cairn-git-'));
  await git(['init', '-q', '-b', 'main'], { cwd: dir });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function commit(message: string): Promise<string> {
  await git(['commit', '-q', '-m', message], { cwd: dir, env: { ...process.env, ...env } });
  return (await headSha(dir)) as string;
}

describe('git helpers', () => {
  it('finds the work tree root, or undefined outside git', async () => {
    expect(await findGitRoot(dir)).toBe(dir);
    const outside = mkdtempSync(join(tmpdir(), 'cairn-nogit-'));
    try {
      expect(await findGitRoot(outside)).toBeUndefined();
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('reads files at revisions and lists trees', async () => {
    expect(await headSha(dir)).toBeUndefined();
    writeFileSync(join(dir, 'a.dvc'), 'one\n');
    await gitAdd(dir, ['a.dvc']);
    const first = await commit('first');
    writeFileSync(join(dir, 'a.dvc'), 'two\n');
    expect(await isDirty(dir)).toBe(true);
    await gitAdd(dir, ['a.dvc']);
    const second = await commit('second');
    expect(await isDirty(dir)).toBe(false);
    expect((await readFileAtRev(dir, first, 'a.dvc'))?.toString()).toBe('one\n');
    expect((await readFileAtRev(dir, 'HEAD', 'a.dvc'))?.toString()).toBe('two\n');
    expect(await readFileAtRev(dir, 'HEAD', 'missing')).toBeUndefined();
    expect(await resolveRev(dir, 'HEAD~1')).toBe(first);
    expect(await listAllCommits(dir)).toEqual([second, first]);
    expect(await listFilesAtRev(dir, 'HEAD')).toEqual(['a.dvc']);
  });

  it('leaves experiment refs out of --all-commits unless asked', async () => {
    writeFileSync(join(dir, 'f'), '1');
    await gitAdd(dir, ['f']);
    const base = await commit('base');
    writeFileSync(join(dir, 'f'), '2');
    await gitAdd(dir, ['f']);
    const exp = await commit('exp');
    await git(['update-ref', 'refs/exps/aa/bb/my-exp', exp], { cwd: dir });
    await git(['reset', '-q', '--hard', base], { cwd: dir });
    expect(await listAllCommits(dir)).toEqual([base]);
    expect(await listAllCommits(dir, { experiments: true })).toEqual([exp, base]);
  });

  it('reports an unknown revision clearly', async () => {
    await expect(resolveRev(dir, 'nope')).rejects.toThrow("unknown git revision 'nope'");
  });
});

describe('git failures and input', () => {
  it('feeds input on stdin', async () => {
    // The blob id of "hello\n", as `echo hello | git hash-object --stdin` prints it.
    expect(await git(['hash-object', '--stdin'], { cwd: dir, input: 'hello\n' })).toBe(
      'ce013625030ba8dba906f756967f9e9ca394464a',
    );
  });

  it('reports a failing command with its stderr and exit code', async () => {
    await expect(git(['show', 'HEAD:nothing'], { cwd: dir })).rejects.toMatchObject({
      code: 'CAIRN_GIT',
      message: expect.stringMatching(/^git show failed: fatal: .+/),
      details: { args: ['show', 'HEAD:nothing'], exitCode: 128 },
    });
  });

  it('reports a missing git binary', async () => {
    await expect(
      git(['status'], { cwd: dir, env: { PATH: join(dir, 'no-such-folder') } }),
    ).rejects.toMatchObject({
      code: 'CAIRN_GIT_MISSING',
      message: 'git is not installed or not on PATH',
    });
  });
});

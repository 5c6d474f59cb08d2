import { chmod, mkdir, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/helpers.js';
import { DvcIgnore } from './dvcignore.js';
import { type WalkDiagnostic, walkTree } from './walk.js';

/** Creates files (content = path) and folders (names ending in `/`) under `root`. */
async function tree(root: string, paths: string[]): Promise<void> {
  for (const path of paths) {
    const abs = join(root, path);
    if (path.endsWith('/')) {
      await mkdir(abs, { recursive: true });
    } else {
      await mkdir(dirname(abs), { recursive: true });
      await writeFile(abs, path.endsWith('.dvcignore') ? '' : path);
    }
  }
}

function paths(root: string, options: Parameters<typeof walkTree>[1] = {}): string[] {
  return walkTree(root, options)
    .files.map((f) => f.path)
    .sort();
}

describe('walkTree', () => {
  it('reports files with posix paths relative to the root and their stat facts', async () => {
    const root = await tempDir();
    await tree(root, ['a.txt', 'sub/b.bin', 'sub/deeper/c']);
    await chmod(join(root, 'sub/deeper/c'), 0o755);
    const { files } = walkTree(root);
    expect(files.map((f) => f.path)).toEqual(['a.txt', 'sub/b.bin', 'sub/deeper/c']);
    const c = files[2];
    const st = await stat(join(root, 'sub/deeper/c'));
    expect(c).toEqual({
      path: 'sub/deeper/c',
      absPath: join(root, 'sub/deeper/c'),
      size: 'sub/deeper/c'.length,
      mtimeMs: st.mtimeMs,
      ino: st.ino,
      mode: st.mode,
      isExecutable: true,
      isSymlink: false,
    });
    expect(files[0]?.isExecutable).toBe(false);
  });

  it('lists files before subfolders, each in code-unit order', async () => {
    const root = await tempDir();
    await tree(root, ['b/x', 'a-b', 'a/z', 'B', 'a0']);
    expect(walkTree(root).files.map((f) => f.path)).toEqual(['B', 'a-b', 'a0', 'a/z', 'b/x']);
  });

  it('never enters .git, .hg or .dvc and skips a .git file', async () => {
    const root = await tempDir();
    await tree(root, ['.git/HEAD', '.dvc/config', '.hg/store', 'sub/.git', 'sub/.dvc/x', 'keep']);
    expect(paths(root)).toEqual(['keep']);
  });

  it('keeps names with spaces and non-ASCII characters intact', async () => {
    const root = await tempDir();
    await tree(root, ['é file.txt', '日本/データ 1.csv', 'with space/ x ']);
    expect(paths(root)).toEqual(['with space/ x ', 'é file.txt', '日本/データ 1.csv']);
  });

  it('reports empty folders when asked, counting ignored content as absent', async () => {
    const root = await tempDir();
    await tree(root, ['empty/', 'nested/empty/', 'only-ignored/x.log', 'full/f']);
    await writeFile(join(root, '.dvcignore'), '*.log\n');
    const result = walkTree(root, { emptyDirs: true });
    expect(result.emptyDirs.sort()).toEqual(['empty', 'nested/empty', 'only-ignored']);
    expect(walkTree(root).emptyDirs).toEqual([]);
  });

  it('refuses a root that is not a folder', async () => {
    const root = await tempDir();
    await writeFile(join(root, 'f'), 'x');
    expect(() => walkTree(join(root, 'f'))).toThrow(
      expect.objectContaining({ code: 'CAIRN_NOT_A_DIRECTORY' }),
    );
  });
});

describe('walkTree with .dvcignore', () => {
  it('applies gitignore patterns: globs, negation, anchoring, folder-only patterns', async () => {
    const root = await tempDir();
    await tree(root, [
      'a.log',
      'keep.log',
      'sub/b.log',
      'top.txt',
      'sub/top.txt',
      'build/out.o',
      'sub/build',
      'cache/x/y.tmp',
      'cache/y.tmp',
      'Case.LOG',
    ]);
    await writeFile(
      join(root, '.dvcignore'),
      ['# comment', '*.log', '!keep.log', '/top.txt', 'build/', 'cache/*.tmp', ''].join('\n'),
    );
    expect(paths(root)).toEqual([
      '.dvcignore',
      'Case.LOG',
      'cache/x/y.tmp',
      'keep.log',
      'sub/build',
      'sub/top.txt',
    ]);
  });

  it('applies a nested .dvcignore relative to its folder, over the ones above', async () => {
    const root = await tempDir();
    await tree(root, [
      'x.csv',
      'data/a.csv',
      'data/deep/b.csv',
      'data/important.log',
      'data/raw/keep.txt',
      'data/raw/drop.txt',
      'other/raw/drop.txt',
    ]);
    await writeFile(join(root, '.dvcignore'), '*.log\n');
    await writeFile(join(root, 'data/.dvcignore'), '*.csv\n!important.log\n/raw/drop.txt\n');
    expect(paths(root)).toEqual([
      '.dvcignore',
      'data/.dvcignore',
      'data/important.log',
      'data/raw/keep.txt',
      'other/raw/drop.txt',
      'x.csv',
    ]);
  });

  it('cannot re-include a file inside an ignored folder (as git)', async () => {
    const root = await tempDir();
    await tree(root, ['logs/keep.txt', 'logs/other.txt']);
    await writeFile(join(root, '.dvcignore'), 'logs/\n!logs/keep.txt\n');
    expect(paths(root)).toEqual(['.dvcignore']);
  });

  it('can re-include a folder that a pattern above ignored', async () => {
    const root = await tempDir();
    await tree(root, ['a/tmp/f', 'b/tmp/f']);
    await writeFile(join(root, '.dvcignore'), 'tmp/\n');
    await writeFile(join(root, 'a/.dvcignore'), '!tmp/\n');
    expect(paths(root)).toEqual(['.dvcignore', 'a/.dvcignore', 'a/tmp/f']);
  });

  it('treats glob characters in folder names literally when rebasing patterns', async () => {
    const root = await tempDir();
    await tree(root, ['[x]/a.tmp', '[x]/a.txt', 'x/a.tmp', '*/a.tmp']);
    await writeFile(join(root, '[x]/.dvcignore'), '*.tmp\n');
    expect(paths(root)).toEqual(['*/a.tmp', '[x]/.dvcignore', '[x]/a.txt', 'x/a.tmp']);
  });

  it('is off with dvcignore: false', async () => {
    const root = await tempDir();
    await tree(root, ['a.log']);
    await writeFile(join(root, '.dvcignore'), '*.log\n');
    expect(paths(root, { dvcignore: false })).toEqual(['.dvcignore', 'a.log']);
  });

  it('applies the rules of a repository root above the walk root', async () => {
    const repo = await tempDir();
    await tree(repo, ['data/raw/a.tmp', 'data/raw/a.csv']);
    await writeFile(join(repo, '.dvcignore'), 'data/raw/*.tmp\n');
    const result = walkTree(join(repo, 'data'), { dvcignore: new DvcIgnore(repo) });
    expect(result.files.map((f) => f.path)).toEqual(['raw/a.csv']);
    expect(() => walkTree(repo, { dvcignore: new DvcIgnore(join(repo, 'data')) })).toThrow(
      expect.objectContaining({ code: 'CAIRN_PATH_ESCAPE' }),
    );
  });
});

describe('DvcIgnore.isIgnored', () => {
  it('answers for single paths, including paths under ignored folders', async () => {
    const root = await tempDir();
    await tree(root, ['data/']);
    await writeFile(join(root, '.dvcignore'), 'logs/\n*.tmp\n');
    await writeFile(join(root, 'data/.dvcignore'), '!keep.tmp\n');
    const ignore = new DvcIgnore(root);
    expect(ignore.isIgnored('a.tmp')).toBe(true);
    expect(ignore.isIgnored('data/keep.tmp')).toBe(false);
    expect(ignore.isIgnored('data/other.tmp')).toBe(true);
    expect(ignore.isIgnored('logs', true)).toBe(true);
    expect(ignore.isIgnored('logs')).toBe(false);
    expect(ignore.isIgnored('logs/a.txt')).toBe(true);
    expect(ignore.isIgnored('sub/.git/config')).toBe(true);
    expect(ignore.isIgnored('data/file.csv')).toBe(false);
  });
});

describe('walkTree symlink policy', () => {
  it('follows a symlink to a file and reports the target size', async () => {
    const root = await tempDir();
    await tree(root, ['real/file.txt']);
    await symlink(join(root, 'real/file.txt'), join(root, 'link.txt'));
    const link = walkTree(root).files.find((f) => f.path === 'link.txt');
    expect(link).toMatchObject({ isSymlink: true, size: 'real/file.txt'.length });
  });

  it('does not enter a symlink to a folder, and reports it', async () => {
    const root = await tempDir();
    const outside = await tempDir();
    await tree(outside, ['secret.txt']);
    await tree(root, ['a.txt']);
    await symlink(outside, join(root, 'linked-dir'));
    const diagnostics: WalkDiagnostic[] = [];
    const result = walkTree(root, { onDiagnostic: (d) => diagnostics.push(d) });
    expect(result.files.map((f) => f.path)).toEqual(['a.txt']);
    expect(diagnostics).toEqual([
      { kind: 'symlink-to-dir', path: 'linked-dir', absPath: join(root, 'linked-dir') },
    ]);
  });

  it('fails on a dangling symlink, naming it', async () => {
    const root = await tempDir();
    await tree(root, ['sub/']);
    await symlink(join(root, 'nowhere'), join(root, 'sub/broken'));
    expect(() => walkTree(root)).toThrow(
      expect.objectContaining({
        code: 'CAIRN_BROKEN_SYMLINK',
        message: expect.stringContaining('sub/broken'),
      }),
    );
  });

  it('fails on a symlink loop, and ignores broken links that .dvcignore lists', async () => {
    const root = await tempDir();
    await symlink(join(root, 'loop'), join(root, 'loop'));
    expect(() => walkTree(root)).toThrow(expect.objectContaining({ code: 'CAIRN_BROKEN_SYMLINK' }));
    await writeFile(join(root, '.dvcignore'), 'loop\n');
    expect(paths(root)).toEqual(['.dvcignore']);
  });
});

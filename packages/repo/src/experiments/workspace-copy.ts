/**
 * The isolated copy an experiment runs in: a detached `git worktree` of the baseline under
 * `.dvc/tmp/exps/run/<id>` (git-ignored by `.dvc/.gitignore`), plus the workspace's uncommitted
 * changes to tracked files and its untracked, non-ignored files, as DVC includes them. Nothing
 * in the user's workspace is written: files are only read from it.
 */
import { constants, existsSync } from 'node:fs';
import { chmod, copyFile, lstat, mkdir, mkdtemp, readlink, rm, symlink } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { git } from '@cairn/core-io';
import { CairnError } from '@cairn/types';
import { DVC_DIR } from '../paths.js';

export interface WorkspaceCopy {
  /** The worktree folder (the top of the copy's git work tree). */
  dir: string;
  /** The copy's DVC root (`dir` unless the repository lives in a subfolder of its git repo). */
  root: string;
  /** Untracked workspace files copied in, relative to `dir` (posix). */
  untracked: string[];
  remove(): Promise<void>;
}

const toPosix = (p: string) => (sep === '/' ? p : p.split(sep).join('/'));

function nulList(text: string): string[] {
  return text.split('\0').filter((f) => f !== '');
}

/** Copies one workspace path into the copy (a deleted file is deleted there too). */
async function copyPath(src: string, dst: string): Promise<void> {
  const info = await lstat(src).catch(() => undefined);
  if (!info) {
    await rm(dst, { force: true });
    return;
  }
  // Folders here are nested repositories or submodules: not part of this repository's tree.
  if (info.isDirectory()) return;
  await mkdir(dirname(dst), { recursive: true });
  await rm(dst, { force: true });
  if (info.isSymbolicLink()) {
    await symlink(await readlink(src), dst);
    return;
  }
  await copyFile(src, dst, constants.COPYFILE_FICLONE);
  await chmod(dst, info.mode & 0o7777);
}

/**
 * Creates the copy of `root`'s git checkout at `baseline` with the workspace changes applied.
 * On any failure the half-made copy is removed before the error propagates.
 */
export async function createWorkspaceCopy(
  root: string,
  tmpDir: string,
  baseline: string,
): Promise<WorkspaceCopy> {
  const top = await git(['rev-parse', '--show-toplevel'], { cwd: root });
  const prefix = toPosix(relative(top, root));
  const runs = join(tmpDir, 'exps', 'run');
  await mkdir(runs, { recursive: true });
  const dir = await mkdtemp(join(runs, 'exp-'));
  const remove = async () => {
    try {
      await git(['worktree', 'remove', '--force', '--force', dir], { cwd: root });
    } catch {
      // Not registered (a failed add) or already partly gone: remove the folder, then let git
      // forget worktrees whose folders no longer exist.
      await rm(dir, { recursive: true, force: true });
      await git(['worktree', 'prune'], { cwd: root }).catch(() => {});
    }
  };
  try {
    // Hooks are the user's (post-checkout in particular); an experiment copy must not run them.
    await git(
      ['-c', 'core.hooksPath=/dev/null', 'worktree', 'add', '--detach', '--quiet', dir, baseline],
      { cwd: root },
    );
    // Our own folder is ignored via .dvc/.gitignore; never copy it into itself regardless.
    const own = `${prefix ? `${prefix}/` : ''}${DVC_DIR}/tmp/`;
    const keep = (f: string) => !f.startsWith(own) && !f.endsWith('/');
    const changed = nulList(
      await git(['diff', '--name-only', '-z', '--no-renames', baseline, '--'], { cwd: top }),
    ).filter(keep);
    const untracked = nulList(
      await git(['ls-files', '--others', '--exclude-standard', '-z'], { cwd: top }),
    ).filter(keep);
    for (const file of [...changed, ...untracked]) {
      await copyPath(join(top, file), join(dir, file));
    }
    const copyRoot = prefix ? join(dir, prefix) : dir;
    // A repository whose .dvc/ was never committed still needs one here, or opening the copy
    // would find the user's repository above it.
    await mkdir(join(copyRoot, DVC_DIR), { recursive: true });
    const localConfig = join(root, DVC_DIR, 'config.local');
    if (existsSync(localConfig)) {
      await copyFile(localConfig, join(copyRoot, DVC_DIR, 'config.local'));
    }
    return { dir, root: copyRoot, untracked, remove };
  } catch (error) {
    await remove();
    if (error instanceof CairnError) throw error;
    throw new CairnError(
      'CAIRN_EXP_COPY_FAILED',
      `cannot prepare the experiment's copy: ${error}`,
      {
        cause: error,
      },
    );
  }
}

/**
 * Where pipeline commands work: the DVC repository containing the working directory (its
 * cache folder and `parsing` settings), or else the git work tree, or else the folder itself.
 */
import { relative, resolve, sep } from 'node:path';
import { findGitRoot } from '@cairn/core-io';
import type { ParsingConfig } from '@cairn/pipeline';
import { Repo } from '@cairn/repo';
import { isCairnError, usageError } from '@cairn/types';

export interface PipelineContext {
  root: string;
  cacheDir: string;
  parsing: ParsingConfig;
  /** The working directory relative to the root, posix ('' at the root). */
  cwdInRoot: string;
  /** A repo-relative path as the user should see it: relative to the working directory. */
  display(path: string): string;
  /** A path typed by the user (relative to the working directory) as a repo-relative path. */
  toRepoPath(path: string): string;
}

export async function pipelineContext(cwd: string): Promise<PipelineContext> {
  let root: string;
  let cacheDir: string | undefined;
  let parsing: ParsingConfig = {};
  try {
    const repo = Repo.open(cwd);
    root = repo.root;
    cacheDir = repo.cacheDir;
    parsing = repo.config.parsing ?? {};
  } catch (error) {
    if (!(isCairnError(error) && error.code === 'CAIRN_NOT_A_REPO')) throw error;
    root = (await findGitRoot(cwd)) ?? cwd;
  }
  const toPosix = (p: string) => p.split(sep).join('/');
  return {
    root,
    cacheDir: cacheDir ?? resolve(root, '.dvc', 'cache'),
    parsing,
    cwdInRoot: toPosix(relative(root, cwd)),
    display: (path) => toPosix(relative(cwd, resolve(root, path))) || '.',
    toRepoPath: (path) => toPosix(relative(root, resolve(cwd, path))),
  };
}

/** `--precision N`: a positive integer. */
export function parsePrecision(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) === 0) {
    throw usageError(`--precision expects a positive integer, got '${value}'`);
  }
  return Number(value);
}

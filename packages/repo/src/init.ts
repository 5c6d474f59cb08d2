/**
 * `cairn init`: the same files `dvc init` creates, so either tool can take over the repository.
 * Unlike `dvc init -f`, re-initialising keeps `.dvc/cache`: nothing stored is thrown away.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { findGitRoot, gitAdd, writeFileAtomic } from '@cairn/core-io';
import { CairnError } from '@cairn/types';
import { DVC_DIR } from './paths.js';

export interface InitOptions {
  /** Initialise without git (writes `core.no_scm = True`). */
  noScm?: boolean;
  /** Re-initialise an existing repository (keeps the cache). */
  force?: boolean;
  /** Allow a repository in a subfolder of a git work tree. */
  subdir?: boolean;
}

export interface InitResult {
  root: string;
  dvcDir: string;
  scm: 'git' | null;
  /** Files created, relative to the root, staged in git when there is one. */
  files: string[];
}

export const DVCIGNORE_TEMPLATE = `# Add patterns of files dvc should ignore, which could improve
# the performance. Learn more at
# https://dvc.org/doc/user-guide/dvcignore
`;
export const DVC_GITIGNORE = '/config.local\n/tmp\n/cache\n';

export async function initRepo(dir: string, options: InitOptions = {}): Promise<InitResult> {
  const root = resolve(dir);
  const dvcDir = join(root, DVC_DIR);
  let scm: 'git' | null = null;
  if (!options.noScm) {
    const gitRoot = await findGitRoot(root);
    if (gitRoot === undefined || (!options.subdir && resolve(gitRoot) !== root)) {
      throw new CairnError(
        'CAIRN_NO_SCM',
        `${root} is not tracked by any supported SCM tool (e.g. Git)`,
        {
          hint:
            gitRoot === undefined
              ? "run 'git init' first, or use --no-scm to work without git"
              : `run it at the git root (${gitRoot}), or use --subdir to initialise a subfolder`,
        },
      );
    }
    scm = 'git';
  }
  if (existsSync(dvcDir)) {
    if (!options.force) {
      throw new CairnError('CAIRN_ALREADY_INITIALIZED', `'${DVC_DIR}' exists in ${root}`, {
        hint: 'use --force to re-initialise (the cache is kept)',
      });
    }
    for (const entry of readdirSync(dvcDir)) {
      if (entry !== 'cache') rmSync(join(dvcDir, entry), { recursive: true, force: true });
    }
  }
  mkdirSync(join(dvcDir, 'tmp'), { recursive: true });
  const config = join(dvcDir, 'config');
  const gitignore = join(dvcDir, '.gitignore');
  const dvcignore = join(root, '.dvcignore');
  await writeFileAtomic(config, options.noScm ? '[core]\n    no_scm = True\n' : '');
  await writeFileAtomic(gitignore, DVC_GITIGNORE);
  if (!existsSync(dvcignore)) await writeFileAtomic(dvcignore, DVCIGNORE_TEMPLATE);
  const files = [config, gitignore, dvcignore].map((f) => relative(root, f));
  if (scm === 'git') await gitAdd(root, files);
  return { root, dvcDir, scm, files };
}

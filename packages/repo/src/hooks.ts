/**
 * `cairn install`: git hooks that keep the data in step with git, as `dvc install` sets up:
 * post-checkout runs `cairn checkout` after a branch switch (not during a rebase), pre-commit
 * shows `cairn status`, pre-push runs `cairn push`. A hook file that is not Cairn's is never
 * replaced: the install stops before writing anything.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { git, writeFileAtomic } from '@cairn/core-io';
import { CairnError } from '@cairn/types';

export const HOOKS = ['post-checkout', 'pre-commit', 'pre-push'] as const;
export type HookName = (typeof HOOKS)[number];

/** The line that marks a hook file as Cairn's (so installing again replaces it). */
const MARK = '# Installed by `cairn install`';

export interface InstallHooksOptions {
  /**
   * The node binary and CLI script to run cairn with (those of the install, normally); the hooks
   * fall back to `cairn` on the PATH once they are gone.
   */
  launcher?: { node: string; script: string };
}

/** A word for sh: single-quoted, quotes inside escaped. */
function shellWord(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

function hookScript(
  hook: HookName,
  launcher: InstallHooksOptions['launcher'],
  subdir: string,
): string {
  const run = launcher
    ? [
        'run_cairn() {',
        `  if [ -f ${shellWord(launcher.script)} ] && [ -x ${shellWord(launcher.node)} ]; then`,
        `    ${shellWord(launcher.node)} ${shellWord(launcher.script)} "$@"`,
        '  else',
        '    cairn "$@"',
        '  fi',
        '}',
      ]
    : ['run_cairn() { cairn "$@"; }'];
  const body: Record<HookName, string[]> = {
    // $3 is 1 for a branch checkout, 0 for a file checkout.
    'post-checkout': [
      '[ "$3" = 1 ] || exit 0',
      '[ -d "$(git rev-parse --git-path rebase-merge)" ] && exit 0',
      'run_cairn checkout',
    ],
    'pre-commit': ['run_cairn status'],
    'pre-push': ['run_cairn push'],
  };
  return [
    '#!/bin/sh',
    `${MARK}: keeps tracked data in step with git.`,
    // Git runs hooks at the top of the work tree; the repository may be a folder below it.
    ...(subdir === '' ? [] : [`cd ${shellWord(subdir)} || exit 0`]),
    '[ -d .dvc ] || exit 0',
    ...run,
    ...body[hook],
    '',
  ].join('\n');
}

/** Writes the three hooks into the repository's hooks folder; returns their paths. */
export async function installHooks(
  root: string,
  options: InstallHooksOptions = {},
): Promise<string[]> {
  const top = await git(['rev-parse', '--show-toplevel'], { cwd: root });
  const subdir = relative(top, root).split(sep).join('/');
  const paths = await Promise.all(
    HOOKS.map(async (hook) =>
      resolve(root, await git(['rev-parse', '--git-path', `hooks/${hook}`], { cwd: root })),
    ),
  );
  const foreign = paths.filter((p) => existsSync(p) && !readFileSync(p, 'utf8').includes(MARK));
  if (foreign.length > 0) {
    throw new CairnError(
      'CAIRN_HOOK_EXISTS',
      `git hooks already exist and are not Cairn's: ${foreign.join(', ')}`,
      { hint: 'merge them by hand, or move them away and run cairn install again' },
    );
  }
  for (const [i, path] of paths.entries()) {
    mkdirSync(dirname(path), { recursive: true });
    await writeFileAtomic(path, hookScript(HOOKS[i] as HookName, options.launcher, subdir));
    chmodSync(path, 0o755);
  }
  return paths;
}

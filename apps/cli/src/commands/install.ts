import { HOOKS, Repo } from '@cairn/repo';
import { defineCommand } from '../command.js';

export default defineCommand({
  name: 'install',
  summary: 'Install git hooks that keep data in step with git (dvc install).',
  description:
    'Writes three git hooks, as `dvc install` does: post-checkout runs `cairn checkout` after a\n' +
    'branch switch (not during a rebase), pre-commit shows `cairn status`, pre-push runs\n' +
    "`cairn push`. A hook that is not Cairn's is never replaced (exit 1, nothing written);\n" +
    "installing again refreshes Cairn's. The hooks run cairn with this install's node and\n" +
    'script while they exist, else `cairn` from PATH.',
  options: {},
  examples: ['cairn install'],
  async run({ cwd, env }) {
    const repo = Repo.open(cwd, { env });
    const script = process.argv[1];
    const hooks = await repo.installHooks(
      script ? { launcher: { node: process.execPath, script } } : {},
    );
    return {
      data: { hooks },
      text: HOOKS.map((hook) => `Installed ${hook} hook`).join('\n'),
    };
  },
});

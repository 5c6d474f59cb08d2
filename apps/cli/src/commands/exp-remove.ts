import { Repo } from '@cairn/repo';
import { defineCommand } from '../command.js';

export default defineCommand({
  name: 'exp remove',
  summary: 'Delete experiments (their refs/exps refs).',
  description:
    'Every name is resolved first, so an unknown one removes nothing. The data stays in the\n' +
    'cache until `cairn gc` (which keeps it with --all-experiments).',
  options: {
    all: { type: 'boolean', description: 'Remove every experiment of every baseline.' },
  },
  positionals: [
    { name: 'experiments', description: 'Names or full refs/exps/… refs.', variadic: true },
  ],
  exitCodes: { 1: 'an experiment does not exist (CAIRN_EXP_NOT_FOUND)' },
  examples: ['cairn exp remove brisk-otter', 'cairn exp remove --all'],
  async run({ positionals, options, cwd, env }) {
    const repo = Repo.open(cwd, { env });
    const removed = await repo.experiments.remove(positionals, { all: options.all });
    const text =
      removed.length === 0
        ? 'No experiments to remove.'
        : `Removed experiments: ${removed.map((r) => r.name).join(',')}`;
    return { data: { removed }, text };
  },
});

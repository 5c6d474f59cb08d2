import { Repo } from '@cairn/repo';
import { defineCommand } from '../command.js';

export default defineCommand({
  name: 'exp apply',
  summary: "Bring an experiment's files and data into the workspace (dvc exp apply).",
  description:
    'Writes the files the experiment changed (params, dvc.lock, metrics, code) into the\n' +
    'workspace, unstaged, and checks out its data outputs from the cache; `cairn status` is then\n' +
    'clean. Refuses, before writing anything, when that would overwrite uncommitted changes or\n' +
    'workspace data that is not in the cache, unless --force.',
  options: {
    force: {
      type: 'boolean',
      short: 'f',
      description: 'Overwrite uncommitted changes and data that is not in the cache.',
    },
  },
  positionals: [
    { name: 'experiment', description: 'Its name, or its full refs/exps/… ref.', required: true },
  ],
  exitCodes: {
    1: 'unknown experiment (CAIRN_EXP_NOT_FOUND), uncommitted changes in the way (CAIRN_EXP_APPLY_CONFLICT, CAIRN_CHECKOUT_CONFLICT), or outputs missing from the cache',
  },
  examples: ['cairn exp apply brisk-otter', 'cairn exp apply -f brisk-otter'],
  async run({ positionals, options, cwd, env, onProgress, signal }) {
    const repo = Repo.open(cwd, { env });
    const result = await repo.experiments.apply(positionals[0] as string, {
      force: options.force,
      onProgress,
      signal,
    });
    const lines = [`Changes for experiment '${result.name}' have been applied to your workspace.`];
    const failed = result.checkout.failed;
    if (failed.length > 0) {
      lines.push('Checkout failed for these outputs:');
      for (const f of failed) lines.push(`  ${f.path}: ${f.message}`);
      lines.push('Is your cache up to date? Fetch missing objects with `cairn pull`.');
    }
    return { data: result, text: lines.join('\n'), exitCode: failed.length > 0 ? 1 : 0 };
  },
});

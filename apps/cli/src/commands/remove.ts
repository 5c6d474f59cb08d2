import { Repo } from '@cairn/repo';
import { defineCommand } from '../command.js';

export default defineCommand({
  name: 'remove',
  summary: 'Stop tracking pointer files or stages (the data stays unless --outs).',
  options: {
    outs: { type: 'boolean', description: 'Also delete the outputs from the workspace.' },
  },
  positionals: [
    {
      name: 'targets',
      description: 'Pointer files (data.dvc) or stage names.',
      required: true,
      variadic: true,
    },
  ],
  examples: ['cairn remove data.dvc', 'cairn remove train --outs'],
  async run({ positionals, options, cwd, env, onProgress, signal }) {
    const repo = Repo.open(cwd, { env });
    const result = await repo.remove(positionals, { cwd, onProgress, signal, outs: options.outs });
    const lines = result.removed.map((p) => `Removed ${p}`);
    for (const p of result.deletedOutputs) lines.push(`Deleted ${p}`);
    return { data: result, text: lines.join('\n') };
  },
});

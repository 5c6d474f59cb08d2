import { Repo } from '@cairn/repo';
import { defineCommand } from '../command.js';

export default defineCommand({
  name: 'commit',
  summary: 'Record the current content of tracked outputs in the cache, pointers and dvc.lock.',
  options: {
    force: {
      type: 'boolean',
      short: 'f',
      description: 'Accepted for DVC compatibility (commit never prompts).',
    },
  },
  positionals: [
    {
      name: 'targets',
      description: 'Outputs, pointer files or stages (default: all).',
      variadic: true,
    },
  ],
  examples: ['cairn commit', 'cairn commit data.dvc'],
  async run({ positionals, cwd, env, onProgress, signal }) {
    const repo = Repo.open(cwd, { env });
    const result = await repo.commit(positionals, { cwd, onProgress, signal });
    const text =
      result.committed.length === 0
        ? 'Nothing to commit: every output matches its record.'
        : result.committed.map((p) => `Committed ${p}`).join('\n');
    return { data: result, text };
  },
});

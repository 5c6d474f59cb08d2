import { Repo } from '@cairn/repo';
import { defineCommand } from '../command.js';

export default defineCommand({
  name: 'cache dir',
  summary: 'Print the cache directory, or set cache.dir.',
  options: {
    local: { type: 'boolean', description: 'Set it in .dvc/config.local.' },
    unset: { type: 'boolean', short: 'u', description: 'Remove cache.dir (back to .dvc/cache).' },
  },
  positionals: [
    { name: 'value', description: 'New cache directory (relative to .dvc/ or absolute).' },
  ],
  examples: ['cairn cache dir', 'cairn cache dir --local /mnt/fast/dvc-cache'],
  async run({ options, positionals, cwd, env }) {
    const repo = Repo.open(cwd, { env });
    const level = options.local ? 'local' : 'repo';
    const [value] = positionals;
    if (options.unset) await repo.unsetConfig('cache.dir', level);
    else if (value !== undefined) await repo.setConfig('cache.dir', value, level);
    return { data: { dir: repo.cacheDir }, text: repo.cacheDir };
  },
});

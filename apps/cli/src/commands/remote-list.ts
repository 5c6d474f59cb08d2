import { Repo } from '@cairn/repo';
import { defineCommand } from '../command.js';
import { chosenLevel, LEVEL_OPTIONS } from '../remote-output.js';

export default defineCommand({
  name: 'remote list',
  summary: 'List all available data remotes.',
  description:
    'One line per remote: name, url (secrets replaced by ***) and (default) for core.remote;\n' +
    'all levels merged unless a level flag is given.',
  options: { ...LEVEL_OPTIONS },
  examples: ['cairn remote list', 'cairn remote list --local'],
  async run({ options, cwd, env }) {
    const repo = Repo.open(cwd, { env });
    const remotes = repo.listRemotes(chosenLevel(options));
    const text = remotes
      .map((r) => `${r.name}\t${r.url}${r.isDefault ? '\t(default)' : ''}`)
      .join('\n');
    return { data: remotes, text };
  },
});

import { Repo } from '@cairn/repo';
import { defineCommand } from '../command.js';
import { chosenLevel, LEVEL_OPTIONS } from '../remote-output.js';

export default defineCommand({
  name: 'remote remove',
  summary: 'Remove a data remote.',
  description:
    'Removes the remote section at the chosen level (and its credentials in the more specific\n' +
    'levels, e.g. .dvc/config.local), and unsets core.remote wherever it named this remote.',
  options: { ...LEVEL_OPTIONS },
  positionals: [{ name: 'name', description: 'Name of the remote to remove.', required: true }],
  exitCodes: { 1: "the remote doesn't exist at that level" },
  examples: ['cairn remote remove backup'],
  async run({ options, positionals, cwd, env }) {
    const [name = ''] = positionals;
    const level = chosenLevel(options) ?? 'repo';
    await Repo.open(cwd, { env }).removeRemote(name, level);
    return { data: { removed: name.toLowerCase(), level }, text: '' };
  },
});

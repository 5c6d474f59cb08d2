import { Repo } from '@cairn/repo';
import { defineCommand } from '../command.js';
import { chosenLevel, LEVEL_OPTIONS } from '../remote-output.js';

export default defineCommand({
  name: 'remote rename',
  summary: 'Rename a data remote.',
  description:
    'Renames the remote section at the chosen level (and in the more specific levels), and\n' +
    'points core.remote at the new name wherever it named the old one.',
  options: { ...LEVEL_OPTIONS },
  positionals: [
    { name: 'name', description: 'Remote to be renamed.', required: true },
    { name: 'new', description: 'New name of the remote.', required: true },
  ],
  exitCodes: { 1: "the remote doesn't exist, or the new name is taken" },
  examples: ['cairn remote rename storage origin'],
  async run({ options, positionals, cwd, env }) {
    const [name = '', newName = ''] = positionals;
    const level = chosenLevel(options) ?? 'repo';
    await Repo.open(cwd, { env }).renameRemote(name, newName, level);
    return { data: { from: name.toLowerCase(), to: newName.toLowerCase(), level }, text: '' };
  },
});

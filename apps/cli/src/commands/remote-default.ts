import { Repo } from '@cairn/repo';
import { defineCommand } from '../command.js';
import { chosenLevel, LEVEL_OPTIONS } from '../remote-output.js';

export default defineCommand({
  name: 'remote default',
  summary: 'Set/unset the default data remote.',
  description:
    'Without a name, prints core.remote (exit 1 when none is set). With a name, sets it (the\n' +
    'remote must exist); -u unsets it.',
  options: {
    ...LEVEL_OPTIONS,
    unset: { type: 'boolean', short: 'u', description: 'Unset default remote.' },
  },
  positionals: [{ name: 'name', description: 'Name of the remote.' }],
  exitCodes: { 1: 'no default remote is set (when printing it), or the remote does not exist' },
  examples: ['cairn remote default storage', 'cairn remote default', 'cairn remote default -u'],
  async run({ options, positionals, cwd, env }) {
    const [name] = positionals;
    const level = chosenLevel(options);
    const repo = Repo.open(cwd, { env });
    if (name === undefined && !options.unset) {
      const current = repo.defaultRemote(level);
      return current === undefined
        ? { data: { default: null }, text: 'No default remote set', exitCode: 1 }
        : { data: { default: current }, text: current };
    }
    await repo.setDefaultRemote(options.unset ? undefined : name, level ?? 'repo');
    return {
      data: { default: options.unset ? null : (name ?? '').toLowerCase(), level: level ?? 'repo' },
      text: '',
    };
  },
});

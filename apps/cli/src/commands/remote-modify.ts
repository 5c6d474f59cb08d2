import { displayValue, Repo } from '@cairn/repo';
import { usageError } from '@cairn/types';
import { defineCommand } from '../command.js';
import { chosenLevel, LEVEL_OPTIONS } from '../remote-output.js';

export default defineCommand({
  name: 'remote modify',
  summary: 'Modify the configuration of a data remote.',
  description:
    'Sets (or with -u removes) one option of a remote at the chosen level. Credentials\n' +
    '(password, secret_access_key, account_key, connection_string, sas_token, ...) are refused in\n' +
    '.dvc/config, which is committed to git: pass --local to keep them in .dvc/config.local.',
  options: {
    ...LEVEL_OPTIONS,
    unset: { type: 'boolean', short: 'u', description: 'Unset option.' },
  },
  positionals: [
    { name: 'name', description: 'Name of the remote.', required: true },
    { name: 'option', description: 'Name of the option to modify.', required: true },
    { name: 'value', description: '(optional) Value of the option.' },
  ],
  exitCodes: { 1: "the remote doesn't exist, or a secret was refused in .dvc/config" },
  examples: [
    'cairn remote modify storage endpointurl http://localhost:9000',
    'cairn remote modify --local storage secret_access_key <key>',
  ],
  async run({ options, positionals, cwd, env }) {
    const [name = '', option = '', value] = positionals;
    if (!options.unset && value === undefined) {
      throw usageError(`missing value for '${option}'`, 'give a value, or -u to unset the option');
    }
    const level = chosenLevel(options) ?? 'repo';
    const repo = Repo.open(cwd, { env });
    await repo.modifyRemote(name, option, options.unset ? undefined : value, level);
    return {
      data: {
        name: name.toLowerCase(),
        option: option.toLowerCase(),
        level,
        ...(options.unset || value === undefined
          ? { unset: true }
          : { value: displayValue(option, value) }),
      },
      text: '',
    };
  },
});

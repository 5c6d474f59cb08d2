import { Repo } from '@cairn/repo';
import { defineCommand } from '../command.js';
import { chosenLevel, LEVEL_OPTIONS } from '../remote-output.js';

export default defineCommand({
  name: 'remote add',
  summary: 'Add a new data remote.',
  description:
    'Writes [\'remote "<name>"\'] url = <url> to .dvc/config (or the level chosen). Names are\n' +
    'lower-cased as in DVC. Credentials go in with `cairn remote modify --local`.',
  options: {
    ...LEVEL_OPTIONS,
    default: { type: 'boolean', short: 'd', description: 'Set as default remote.' },
    force: { type: 'boolean', short: 'f', description: 'Force overwriting existing configs.' },
  },
  positionals: [
    { name: 'name', description: 'Name of the remote.', required: true },
    {
      name: 'url',
      description: 'Remote location: a path, s3://, gs://, azure://, http(s)://',
      required: true,
    },
  ],
  exitCodes: { 1: 'a remote of that name exists (use -f)' },
  examples: ['cairn remote add -d storage s3://bucket/dvc', 'cairn remote add backup /mnt/backup'],
  async run({ options, positionals, cwd, env }) {
    const [name = '', url = ''] = positionals;
    const level = chosenLevel(options) ?? 'repo';
    const repo = Repo.open(cwd, { env });
    await repo.addRemote(name, url, { level, default: options.default, force: options.force });
    const key = name.toLowerCase();
    const added = repo.listRemotes(level).find((r) => r.name === key);
    const text = options.default ? `Setting '${key}' as a default remote.` : '';
    return { data: { ...added, level }, text };
  },
});

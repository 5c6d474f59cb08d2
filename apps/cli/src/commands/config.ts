import { type ConfigLevel, Repo, SECRET_OPTIONS } from '@cairn/repo';
import { CairnError, usageError } from '@cairn/types';
import { defineCommand } from '../command.js';

const show = (value: string | string[]) => (Array.isArray(value) ? value.join(', ') : value);

export default defineCommand({
  name: 'config',
  summary: 'Get, set or unset options in .dvc/config (or config.local with --local).',
  description:
    "Reads and edits DVC's INI files in place: comments, order and unknown keys survive, values\n" +
    'are validated before anything is written. Secrets (passwords, keys, tokens) are refused in\n' +
    '.dvc/config and only accepted with --local; listings redact them.',
  options: {
    local: { type: 'boolean', description: 'Use .dvc/config.local (git-ignored).' },
    project: { type: 'boolean', description: 'Use .dvc/config (the default for writes).' },
    global: { type: 'boolean', description: 'Use the global config of this user.' },
    system: { type: 'boolean', description: 'Use the system-wide config.' },
    unset: { type: 'boolean', short: 'u', description: 'Remove the option.' },
    list: { type: 'boolean', short: 'l', description: 'List all options.' },
  },
  positionals: [
    { name: 'key', description: 'section.option or remote.<name>.option' },
    { name: 'value', description: 'New value (omit to print the current one).' },
  ],
  exitCodes: { 1: 'the option is not set' },
  examples: [
    'cairn config core.remote storage',
    'cairn config --local remote.storage.password s3cr3t',
    'cairn config -l',
  ],
  async run({ options, positionals, cwd, env }) {
    const repo = Repo.open(cwd, { env });
    const chosen = (['local', 'project', 'global', 'system'] as const).filter((l) => options[l]);
    if (chosen.length > 1)
      throw usageError('choose at most one of --local, --project, --global, --system');
    const level: ConfigLevel | undefined =
      chosen[0] === undefined ? undefined : chosen[0] === 'project' ? 'repo' : chosen[0];
    const [key, value] = positionals;
    if (options.list) {
      const items = repo.listConfig(level).map((i) => ({
        ...i,
        value: SECRET_OPTIONS.has(i.key.split('.').at(-1) ?? '') ? '***' : i.value,
      }));
      return { data: items, text: items.map((i) => `${i.key}=${show(i.value)}`).join('\n') };
    }
    if (key === undefined)
      throw usageError('missing key', 'e.g. cairn config core.remote, or -l to list');
    if (options.unset) {
      const removed = await repo.unsetConfig(key, level ?? 'repo');
      if (!removed) throw new CairnError('CAIRN_CONFIG_MISSING', `option '${key}' is not set`);
      return { data: { key, unset: true, level: level ?? 'repo' }, text: '' };
    }
    if (value !== undefined) {
      await repo.setConfig(key, value, level ?? 'repo');
      return { data: { key, value, level: level ?? 'repo' }, text: '' };
    }
    const found = repo.getConfig(key, level);
    if (!found) throw new CairnError('CAIRN_CONFIG_MISSING', `option '${key}' is not set`);
    return { data: { key, ...found }, text: show(found.value) };
  },
});

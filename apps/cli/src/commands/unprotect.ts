import { Repo } from '@cairn/repo';
import { defineCommand } from '../command.js';

export default defineCommand({
  name: 'unprotect',
  summary: 'Make tracked files or folders editable (replace cache links by writable copies).',
  description:
    'With cache.type hardlink or symlink, workspace files are read-only links into the cache.\n' +
    'unprotect replaces each by a writable copy (a read-only copy is made writable), as\n' +
    '`dvc unprotect` does; `cairn add` or `cairn commit` records the edits afterwards.',
  options: {},
  positionals: [
    {
      name: 'targets',
      description: 'Files or folders to unprotect.',
      required: true,
      variadic: true,
    },
  ],
  examples: ['cairn unprotect data/labels.csv', 'cairn unprotect images/ && cairn add images'],
  async run({ positionals, cwd, env, onProgress, signal }) {
    const repo = Repo.open(cwd, { env });
    const changed = await repo.unprotect(positionals, { cwd, onProgress, signal });
    return { data: { unprotected: changed } };
  },
});

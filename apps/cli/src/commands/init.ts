import { resolve } from 'node:path';
import { initRepo } from '@cairn/repo';
import { defineCommand } from '../command.js';

export default defineCommand({
  name: 'init',
  summary: 'Create a DVC-compatible repository (.dvc/, .dvcignore) in a git repo.',
  description:
    'Writes .dvc/config, .dvc/.gitignore, .dvc/tmp/ and .dvcignore exactly as `dvc init` does and\n' +
    'stages them in git. --force re-initialises but keeps .dvc/cache.',
  options: {
    'no-scm': { type: 'boolean', description: 'Initialise without git (sets core.no_scm).' },
    force: { type: 'boolean', short: 'f', description: 'Re-initialise an existing repository.' },
    subdir: {
      type: 'boolean',
      description: 'Initialise in a subfolder of a git work tree.',
    },
  },
  positionals: [{ name: 'dir', description: 'Folder to initialise (default: current).' }],
  examples: ['git init && cairn init', 'cairn init --no-scm'],
  async run({ options, positionals, cwd }) {
    const dir = positionals[0] ?? '.';
    const result = await initRepo(resolve(cwd, dir), {
      noScm: options['no-scm'],
      force: options.force,
      subdir: options.subdir,
    });
    const text = [
      `Initialized Cairn repository (DVC 3 format) in ${result.root}`,
      result.scm === 'git'
        ? `Staged in git: ${result.files.join(', ')}\nYou can now commit the changes to git.`
        : 'No SCM: core.no_scm = True.',
    ].join('\n');
    return { data: result, text };
  },
});

import { Repo } from '@cairn/repo';
import { defineCommand } from '../command.js';

export default defineCommand({
  name: 'add',
  summary: 'Track files or folders: cache them, write <target>.dvc and a .gitignore entry.',
  description:
    'Hashes each target (files already seen unchanged are not read again), stores its content in\n' +
    'the cache (.dvc/cache/files/md5/..), writes a DVC 3 pointer file next to it and adds the\n' +
    'target to the .gitignore beside it. The workspace is linked per cache.type; an existing\n' +
    'pointer keeps its comments and extra fields.',
  options: {
    out: {
      type: 'string',
      short: 'o',
      valueName: '<path>',
      description: 'Track the target (which may be outside the repository) under this path.',
    },
    force: { type: 'boolean', short: 'f', description: 'With -o: replace what is at the path.' },
    glob: {
      type: 'boolean',
      description: 'Expand wildcards in the targets (*, ?, [...], ** for any folders).',
    },
    'no-commit': {
      type: 'boolean',
      description: 'Write the pointer but store nothing in the cache (`cairn commit` does later).',
    },
  },
  positionals: [
    { name: 'targets', description: 'Files or folders to track.', required: true, variadic: true },
  ],
  examples: [
    'cairn add data/raw.csv',
    'cairn add images/ && git add images.dvc .gitignore',
    'cairn add --no-commit big/ && cairn commit big.dvc',
    "cairn add --glob 'data/*.csv'",
    'cairn add /mnt/share/images -o data/images',
  ],
  async run({ positionals, options, cwd, env, onProgress, signal }) {
    const repo = Repo.open(cwd, { env });
    const noCommit = options['no-commit'];
    const results = await repo.add(positionals, {
      cwd,
      onProgress,
      signal,
      noCommit,
      glob: options.glob,
      force: options.force,
      ...(options.out === undefined ? {} : { out: options.out }),
    });
    const lines = results.map(
      (r) =>
        `Added ${r.path} (${r.nfiles !== undefined ? `${r.nfiles} files, ` : ''}${r.size} bytes, ${noCommit ? 'not cached: run `cairn commit` to store it' : `${r.stored} new in cache`}) → ${r.pointer}`,
    );
    const toStage = [
      ...new Set(results.flatMap((r) => [r.pointer, ...(r.gitignore ? [r.gitignore] : [])])),
    ];
    if (repo.usesGit && toStage.length > 0) {
      lines.push('', 'To track the changes with git, run:', '', `\tgit add ${toStage.join(' ')}`);
    }
    return { data: { added: results }, text: lines.join('\n') };
  },
});

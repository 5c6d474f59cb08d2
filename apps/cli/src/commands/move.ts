import { Repo } from '@cairn/repo';
import { defineCommand } from '../command.js';

export default defineCommand({
  name: 'move',
  summary: 'Rename tracked data: the data, its pointer file and .gitignore entries.',
  description:
    'Renames a file or folder tracked by a .dvc file, as `dvc move` does: the pointer file is\n' +
    'renamed with it when it is named after the data (data.dvc → <dst>.dvc), and its path and\n' +
    'the .gitignore entries follow. Moving into an existing folder keeps the name. Nothing is\n' +
    'hashed or cached again. Outputs of dvc.yaml stages are moved in dvc.yaml instead.',
  options: {},
  positionals: [
    { name: 'src', description: 'Tracked file or folder.', required: true },
    {
      name: 'dst',
      description: 'New path, or an existing folder to move it into.',
      required: true,
    },
  ],
  examples: ['cairn move data.csv raw/data.csv', 'cairn move images archive/'],
  async run({ positionals, cwd, env, onProgress, signal }) {
    const repo = Repo.open(cwd, { env });
    const [src, dst] = positionals as [string, string];
    const result = await repo.move(src, dst, { cwd, onProgress, signal });
    const lines = [`Moved ${result.from} → ${result.to} (${result.pointer})`];
    if (repo.usesGit) {
      lines.push('', 'To track the changes with git, run:', '');
      lines.push(`\tgit add ${[result.pointer, ...result.gitignore].join(' ')}`);
      const gone = [result.oldPointer ?? [], result.gitignoreDeleted ?? []].flat();
      if (gone.length > 0) lines.push(`\tgit rm -q --cached --ignore-unmatch ${gone.join(' ')}`);
    }
    return { data: result, text: lines.join('\n') };
  },
});

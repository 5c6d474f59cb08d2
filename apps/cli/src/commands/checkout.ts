import { Repo } from '@cairn/repo';
import { defineCommand } from '../command.js';
import { summary } from '../remote-output.js';

export default defineCommand({
  name: 'checkout',
  summary: 'Restore tracked data from the cache into the workspace.',
  description:
    'Makes tracked outputs (pointer files and dvc.lock) match their recorded versions, linking\n' +
    'from the cache per cache.type. Every object is verified first: a corrupt one is reported and\n' +
    'never linked. Workspace changes that are not in the cache are never overwritten or deleted\n' +
    'unless --force is given.',
  options: {
    force: {
      type: 'boolean',
      short: 'f',
      description: 'Discard workspace changes that are not in the cache.',
    },
    relink: { type: 'boolean', description: 'Re-create links even for files that are up to date.' },
    summary: {
      type: 'boolean',
      description: 'Print how many files were added, deleted and modified instead of each output.',
    },
  },
  positionals: [
    {
      name: 'targets',
      description: 'Outputs, paths inside tracked folders, pointer files or stages (default: all).',
      variadic: true,
    },
  ],
  exitCodes: { 1: 'some outputs could not be checked out (missing or corrupt objects, conflicts)' },
  examples: [
    'cairn checkout',
    'cairn checkout data.dvc --force',
    'cairn checkout data/images/cat.jpg',
  ],
  async run({ positionals, options, cwd, env, onProgress, signal }) {
    const repo = Repo.open(cwd, { env });
    const result = await repo.checkout(positionals, {
      cwd,
      onProgress,
      signal,
      force: options.force,
      relink: options.relink,
    });
    const { added, deleted, modified } = result.stats;
    const counted = summary([
      ['added', added],
      ['deleted', deleted],
      ['modified', modified],
    ]);
    const lines = options.summary
      ? [counted || 'No changes.']
      : [...result.added.map((p) => `A       ${p}`), ...result.modified.map((p) => `M       ${p}`)];
    if (lines.length === 0 && result.failed.length === 0) lines.push('Everything is up to date.');
    if (options.relink && result.failed.length === 0) lines.push('Relinked successfully');
    if (result.failed.length > 0) {
      lines.push('Checkout failed for these targets:');
      for (const f of result.failed) lines.push(`  ${f.path}: ${f.message}`);
      lines.push('Is your cache up to date? Fetch missing objects with `cairn pull`.');
    }
    return { data: result, text: lines.join('\n'), exitCode: result.failed.length > 0 ? 1 : 0 };
  },
});

import { Repo } from '@cairn/repo';
import { defineCommand } from '../command.js';

export default defineCommand({
  name: 'exp list',
  summary: 'List experiment names per baseline (dvc exp list).',
  description:
    "HEAD's experiments (newest first) under its branch name or short sha; with -A those of\n" +
    'every commit. Read from the refs alone, so it is fast and works in a fresh process or a\n' +
    "clone that fetched 'refs/exps/*'.",
  options: {
    'all-commits': {
      type: 'boolean',
      short: 'A',
      description: 'Experiments of every commit, not just HEAD.',
    },
    'name-only': { type: 'boolean', description: 'Only the names, one a line.' },
  },
  examples: ['cairn exp list', 'cairn exp list -A --json'],
  async run({ options, cwd, env }) {
    const repo = Repo.open(cwd, { env });
    const list = await repo.experiments.list({ allCommits: options['all-commits'] });
    const lines: string[] = [];
    for (const entry of list) {
      if (entry.experiments.length === 0) continue;
      if (options['name-only']) {
        lines.push(...entry.experiments.map((e) => e.name));
        continue;
      }
      lines.push(`${entry.name ?? entry.baseline.slice(0, 7)}:`);
      lines.push(...entry.experiments.map((e) => `\t${e.name}`));
    }
    return { data: list, ...(lines.length > 0 ? { text: lines.join('\n') } : {}) };
  },
});

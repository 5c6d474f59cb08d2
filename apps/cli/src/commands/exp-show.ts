import { renderTable } from '@cairn/pipeline';
import { experimentsTable, experimentsToJson, Repo } from '@cairn/repo';
import { defineCommand } from '../command.js';
import { parsePrecision } from '../pipeline-context.js';

export default defineCommand({
  name: 'exp show',
  summary: 'Print experiments with their metrics and params (dvc exp show).',
  description:
    'One row for the workspace, one for the baseline (HEAD, named by its branch or tag) and one\n' +
    "per experiment of it, newest first: Created, then the stages' metrics, then the params\n" +
    "files' values. Baselines and experiments are read from their commits (cached metrics from\n" +
    'the cache), never from the workspace. Floats print with 5 significant digits, a missing\n' +
    "value as '-', a file that failed to load as '!'. --json prints DVC's list of states\n" +
    '(with deps and outs from dvc.lock, which the table leaves out).',
  options: {
    'all-commits': {
      type: 'boolean',
      short: 'A',
      description: 'Every commit that has experiments, not just HEAD.',
    },
    md: { type: 'boolean', description: 'Print a Markdown table.' },
    sha: { type: 'boolean', description: 'Name baselines by short sha, not branch or tag.' },
    precision: {
      type: 'string',
      valueName: '<n>',
      description: 'Significant digits of floats (default 5).',
    },
  },
  examples: ['cairn exp show', 'cairn exp show --md', 'cairn exp show --json'],
  async run({ options, cwd, env, signal }) {
    const precision = parsePrecision(options.precision) ?? 5;
    const repo = Repo.open(cwd, { env });
    const states = await repo.experiments.show({ allCommits: options['all-commits'], signal });
    const table = experimentsTable(states, { precision, sha: options.sha });
    return {
      data: experimentsToJson(states),
      text: renderTable(table, { markdown: options.md }),
    };
  },
});

import type { Writable } from 'node:stream';
import { type DiffOutcome, diffTable, diffToJson, metricsDiff, renderTable } from '@cairn/pipeline';
import { defineCommand } from '../command.js';
import { parsePrecision, pipelineContext } from '../pipeline-context.js';

/** DVC warns about revisions (or files) it could not read, and goes on. */
export function revisionWarnings(
  errors: DiffOutcome['errors'],
  stderr: Writable,
  what: 'metrics' | 'params',
): void {
  if (errors.length === 0) return;
  const lines = [
    `warning: failed to load some ${what} for following revisions: '${errors.map((e) => e.rev).join(', ')}'.`,
  ];
  for (const e of errors) {
    if (e.error) lines.push(`  ${e.rev}: ${e.error.message}`);
    for (const [file, error] of e.fileErrors) lines.push(`  ${e.rev}: ${file}: ${error.message}`);
  }
  stderr.write(`${lines.join('\n')}\n`);
}

export default defineCommand({
  name: 'metrics diff',
  summary: 'Show changes in metrics between two revisions (default: HEAD and the workspace).',
  description:
    "Compares the stages' metrics and the top-level `metrics:` files (JSON, YAML, TOML; CSV/TSV:\n" +
    'the last row) as `dvc metrics diff` does: floats rounded to --precision digits (5), a\n' +
    'Change column for numbers. Cached metrics of past revisions are read from the DVC cache.',
  options: {
    all: { type: 'boolean', description: 'Show unchanged metrics too.' },
    targets: {
      type: 'string',
      multiple: true,
      valueName: '<file>',
      description: 'Metrics files to compare instead of the pipeline’s (repeatable).',
    },
    precision: {
      type: 'string',
      valueName: '<n>',
      description: 'Round floats to n digits after the point (default 5).',
    },
    md: { type: 'boolean', description: 'Print a Markdown table.' },
    'no-path': { type: 'boolean', description: 'Leave out the Path column.' },
  },
  positionals: [
    { name: 'a_rev', description: 'Old revision (default HEAD).' },
    { name: 'b_rev', description: 'New revision (default workspace).' },
  ],
  examples: ['cairn metrics diff', 'cairn metrics diff HEAD~1 --precision 3 --md'],
  async run({ options, positionals, cwd, stderr }) {
    const precision = parsePrecision(options.precision) ?? 5;
    const ctx = await pipelineContext(cwd);
    const [aRev, bRev] = positionals;
    const { diff, errors } = await metricsDiff({
      root: ctx.root,
      cacheDir: ctx.cacheDir,
      ...(aRev ? { aRev } : {}),
      ...(bRev ? { bRev } : {}),
      all: options.all,
      targets: options.targets.map(ctx.toRepoPath),
    });
    revisionWarnings(errors, stderr, 'metrics');
    const shown = Object.fromEntries(Object.entries(diff).map(([p, d]) => [ctx.display(p), d]));
    const table = diffTable(shown, {
      title: 'Metric',
      precision,
      noPath: options['no-path'],
      ...(aRev ? { aRev } : {}),
      ...(bRev ? { bRev } : {}),
    });
    return { data: diffToJson(shown), text: renderTable(table, { markdown: options.md }) };
  },
});

import { metricsTable, renderTable, showMetrics, toJsonValue } from '@cairn/pipeline';
import { isCairnError } from '@cairn/types';
import { defineCommand } from '../command.js';
import { revisionWarnings } from '../diff-output.js';
import { parsePrecision, pipelineContext } from '../pipeline-context.js';

export default defineCommand({
  name: 'metrics show',
  summary: 'Print the metrics of the workspace.',
  description:
    "Reads the stages' metrics and the top-level `metrics:` files (or the given files) and\n" +
    'prints them as `dvc metrics show` does: one row per file, one column per metric, floats\n' +
    'rounded to --precision digits (5). --json prints what `dvc metrics show --json` prints.',
  options: {
    precision: {
      type: 'string',
      valueName: '<n>',
      description: 'Round floats to n digits after the point (default 5).',
    },
    md: { type: 'boolean', description: 'Print a Markdown table.' },
  },
  positionals: [{ name: 'targets', description: 'Metrics files to show.', variadic: true }],
  examples: ['cairn metrics show', 'cairn metrics show eval/metrics.json --md'],
  async run({ options, positionals, cwd, stderr }) {
    const precision = parsePrecision(options.precision) ?? 5;
    const ctx = await pipelineContext(cwd);
    const data = await showMetrics({
      root: ctx.root,
      cacheDir: ctx.cacheDir,
      targets: positionals.map(ctx.toRepoPath),
    });
    if (data.error) throw data.error;
    revisionWarnings(data.fileErrors.size > 0 ? [data] : [], stderr, 'metrics');
    const files: Record<string, unknown> = {};
    for (const [path, value] of data.files) files[ctx.display(path)] = { data: toJsonValue(value) };
    for (const [path, error] of data.fileErrors) {
      files[ctx.display(path)] = {
        error: { type: isCairnError(error) ? error.code : error.name, msg: error.message },
      };
    }
    const rows = [...data.files].map(([path, value]) => ({ path: ctx.display(path), data: value }));
    return {
      data: { '': { data: files } },
      text: renderTable(metricsTable(rows, { precision }), { markdown: options.md }),
    };
  },
});

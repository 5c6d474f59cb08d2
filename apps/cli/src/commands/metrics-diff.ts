import { metricsDiff } from '@cairn/pipeline';
import { defineCommand } from '../command.js';
import { diffOptions, diffOutput, REVISION_POSITIONALS } from '../diff-output.js';
import { parsePrecision, pipelineContext } from '../pipeline-context.js';

export default defineCommand({
  name: 'metrics diff',
  summary: 'Show changes in metrics between two revisions (default: HEAD and the workspace).',
  description:
    "Compares the stages' metrics and the top-level `metrics:` files (JSON, YAML, TOML; CSV/TSV:\n" +
    'the last row) as `dvc metrics diff` does: floats rounded to --precision digits (5), a\n' +
    'Change column for numbers. Cached metrics of past revisions are read from the DVC cache.',
  options: {
    ...diffOptions('metrics'),
    precision: {
      type: 'string',
      valueName: '<n>',
      description: 'Round floats to n digits after the point (default 5).',
    },
  },
  positionals: REVISION_POSITIONALS,
  examples: ['cairn metrics diff', 'cairn metrics diff HEAD~1 --precision 3 --md'],
  async run({ options, positionals, cwd, stderr }) {
    const precision = parsePrecision(options.precision) ?? 5;
    const ctx = await pipelineContext(cwd);
    const [aRev, bRev] = positionals;
    const outcome = await metricsDiff({
      root: ctx.root,
      cacheDir: ctx.cacheDir,
      ...(aRev ? { aRev } : {}),
      ...(bRev ? { bRev } : {}),
      all: options.all,
      targets: options.targets.map(ctx.toRepoPath),
    });
    return diffOutput(outcome, ctx, {
      what: 'metrics',
      aRev,
      bRev,
      precision,
      markdown: options.md,
      noPath: options['no-path'],
      stderr,
    });
  },
});

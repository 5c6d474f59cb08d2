import { metricsDiff, paramsDiff } from '@cairn/pipeline';
import { Repo } from '@cairn/repo';
import { defineCommand } from '../command.js';
import { renderDiff } from '../diff-output.js';
import { parsePrecision, pipelineContext } from '../pipeline-context.js';

export default defineCommand({
  name: 'exp diff',
  summary: 'Show how metrics and params changed between experiments (dvc exp diff).',
  description:
    'Compares the metrics and params of two revisions, each a git revision or an experiment\n' +
    "name (default: HEAD and the workspace), as `dvc exp diff` does: the metrics' table, then\n" +
    "the params', each with a Change column for numbers.",
  options: {
    all: { type: 'boolean', description: 'Show unchanged metrics and params too.' },
    'param-deps': { type: 'boolean', description: 'Only params that stages depend on.' },
    md: { type: 'boolean', description: 'Print Markdown tables.' },
    'no-path': { type: 'boolean', description: 'Leave out the Path column.' },
    precision: {
      type: 'string',
      valueName: '<n>',
      description: 'Round metric floats to n digits after the point (default 5).',
    },
  },
  positionals: [
    { name: 'a_rev', description: 'Old experiment or revision (default HEAD).' },
    { name: 'b_rev', description: 'New experiment or revision (default: the workspace).' },
  ],
  examples: ['cairn exp diff', 'cairn exp diff main small-lr --md'],
  async run({ options, positionals, cwd, env, stderr }) {
    const precision = parsePrecision(options.precision) ?? 5;
    const ctx = await pipelineContext(cwd);
    const repo = Repo.open(cwd, { env });
    const [aName, bName] = positionals;
    const revs = {
      ...(aName ? { aRev: await repo.experiments.revision(aName) } : {}),
      ...(bName ? { bRev: await repo.experiments.revision(bName) } : {}),
    };
    const base = { root: ctx.root, cacheDir: ctx.cacheDir, all: options.all, ...revs };
    const metrics = await metricsDiff(base);
    const params = await paramsDiff({ ...base, deps: options['param-deps'] });
    const shared = {
      aRev: aName,
      bRev: bName,
      markdown: options.md,
      noPath: options['no-path'],
      stderr,
      showChanges: true,
      onEmptyDiff: 'diff not supported',
    };
    const shown = {
      metrics: renderDiff(metrics, ctx, { ...shared, what: 'metrics', precision }),
      params: renderDiff(params, ctx, { ...shared, what: 'params' }),
    };
    const text = `${shown.metrics.text}\n\n${shown.params.text}`;
    return {
      data: { metrics: shown.metrics.json, params: shown.params.json },
      text: text.trim() === '' ? undefined : text,
    };
  },
});

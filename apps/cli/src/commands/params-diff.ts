import { diffTable, diffToJson, paramsDiff, renderTable } from '@cairn/pipeline';
import { defineCommand } from '../command.js';
import { pipelineContext } from '../pipeline-context.js';
import { revisionWarnings } from './metrics-diff.js';

export default defineCommand({
  name: 'params diff',
  summary: 'Show changes in params between two revisions (default: HEAD and the workspace).',
  description:
    "Compares the stages' params, the top-level `params:` files, params.yaml and the values\n" +
    'templates take from vars files, as `dvc params diff` does. Revisions are git revisions\n' +
    'or `workspace`. Values print as Python prints them.',
  options: {
    all: { type: 'boolean', description: 'Show unchanged params too.' },
    deps: { type: 'boolean', description: 'Only params that stages depend on.' },
    targets: {
      type: 'string',
      multiple: true,
      valueName: '<file>',
      description: 'Params files to compare instead of the pipeline’s (repeatable).',
    },
    md: { type: 'boolean', description: 'Print a Markdown table.' },
    'no-path': { type: 'boolean', description: 'Leave out the Path column.' },
  },
  positionals: [
    { name: 'a_rev', description: 'Old revision (default HEAD).' },
    { name: 'b_rev', description: 'New revision (default workspace).' },
  ],
  examples: ['cairn params diff', 'cairn params diff main HEAD --md'],
  async run({ options, positionals, cwd, stderr }) {
    const ctx = await pipelineContext(cwd);
    const [aRev, bRev] = positionals;
    const { diff, errors } = await paramsDiff({
      root: ctx.root,
      cacheDir: ctx.cacheDir,
      ...(aRev ? { aRev } : {}),
      ...(bRev ? { bRev } : {}),
      all: options.all,
      deps: options.deps,
      targets: options.targets.map(ctx.toRepoPath),
    });
    revisionWarnings(errors, stderr, 'params');
    const shown = Object.fromEntries(Object.entries(diff).map(([p, d]) => [ctx.display(p), d]));
    const table = diffTable(shown, {
      title: 'Param',
      showChanges: false,
      noPath: options['no-path'],
      ...(aRev ? { aRev } : {}),
      ...(bRev ? { bRev } : {}),
    });
    return { data: diffToJson(shown), text: renderTable(table, { markdown: options.md }) };
  },
});

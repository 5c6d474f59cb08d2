import { paramsDiff } from '@cairn/pipeline';
import { defineCommand } from '../command.js';
import { diffOptions, diffOutput, REVISION_POSITIONALS } from '../diff-output.js';
import { pipelineContext } from '../pipeline-context.js';

export default defineCommand({
  name: 'params diff',
  summary: 'Show changes in params between two revisions (default: HEAD and the workspace).',
  description:
    "Compares the stages' params, the top-level `params:` files, params.yaml and the values\n" +
    'templates take from vars files, as `dvc params diff` does. Revisions are git revisions\n' +
    'or `workspace`. Values print as Python prints them.',
  options: {
    ...diffOptions('params'),
    deps: { type: 'boolean', description: 'Only params that stages depend on.' },
  },
  positionals: REVISION_POSITIONALS,
  examples: ['cairn params diff', 'cairn params diff main HEAD --md'],
  async run({ options, positionals, cwd, stderr }) {
    const ctx = await pipelineContext(cwd);
    const [aRev, bRev] = positionals;
    const outcome = await paramsDiff({
      root: ctx.root,
      cacheDir: ctx.cacheDir,
      ...(aRev ? { aRev } : {}),
      ...(bRev ? { bRev } : {}),
      all: options.all,
      deps: options.deps,
      targets: options.targets.map(ctx.toRepoPath),
    });
    return diffOutput(outcome, ctx, {
      what: 'params',
      aRev,
      bRev,
      markdown: options.md,
      noPath: options['no-path'],
      stderr,
    });
  },
});

import { listStages, loadPipeline } from '@cairn/pipeline';
import { defineCommand } from '../command.js';
import { pipelineContext } from '../pipeline-context.js';

export default defineCommand({
  name: 'stage list',
  summary: 'List stages with their descriptions (dvc stage list).',
  description:
    'Lists the stages of the dvc.yaml in the current folder (or of the dvc.yaml or .dvc files,\n' +
    'folders or stages given), each with the first line of its desc, else what it outputs and\n' +
    'reports, as `dvc stage list` does.',
  options: {
    all: { type: 'boolean', description: 'List every stage and .dvc file of the repository.' },
    recursive: {
      type: 'boolean',
      short: 'R',
      description: 'List everything below the folders given.',
    },
    'name-only': { type: 'boolean', description: 'Print only the stage names.' },
  },
  positionals: [
    {
      name: 'targets',
      description: 'dvc.yaml or .dvc files, folders or stages (default: dvc.yaml).',
      variadic: true,
    },
  ],
  examples: ['cairn stage list', 'cairn stage list --all', 'cairn stage list -R models/'],
  async run({ positionals, options, cwd }) {
    const ctx = await pipelineContext(cwd);
    const pipeline = await loadPipeline({ root: ctx.root, parsing: ctx.parsing });
    const entries = listStages(pipeline, {
      targets: positionals,
      all: options.all,
      recursive: options.recursive,
      cwd: ctx.cwdInRoot,
    });
    const width = Math.max(0, ...entries.map((e) => e.addressing.length));
    const text = entries
      .map((e) =>
        options['name-only']
          ? e.addressing
          : `${e.addressing.padEnd(width)}  ${e.description}`.trimEnd(),
      )
      .join('\n');
    return { data: entries, text: text === '' ? undefined : text };
  },
});

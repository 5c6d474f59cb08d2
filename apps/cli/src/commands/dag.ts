import {
  dagToJson,
  findTargets,
  loadPipeline,
  type PipelineNode,
  renderDot,
  renderMermaid,
  renderText,
} from '@cairn/pipeline';
import { usageError } from '@cairn/types';
import { defineCommand } from '../command.js';
import { pipelineContext } from '../pipeline-context.js';

export default defineCommand({
  name: 'dag',
  summary: 'Show the stage graph of the pipeline (text, mermaid, dot or JSON).',
  description:
    'Reads every dvc.yaml (and .dvc file) of the repository and prints the graph of stages: by\n' +
    'default each stage in run order with the stages it depends on. With targets (a stage, a\n' +
    'dvc.yaml:stage, a foreach group, an output path), only the stages they need, or with\n' +
    '--full their whole pipelines. --mermaid and --dot print what `dvc dag` prints.',
  options: {
    mermaid: { type: 'boolean', description: 'Print the graph in mermaid format.' },
    md: { type: 'boolean', description: 'Print mermaid wrapped in a Markdown code block.' },
    dot: { type: 'boolean', description: 'Print the graph in Graphviz dot format.' },
    full: {
      type: 'boolean',
      description: 'Show the whole pipelines the targets belong to.',
    },
    downstream: {
      type: 'boolean',
      description: 'Show the stages that depend on the targets instead of those they need.',
    },
  },
  positionals: [{ name: 'targets', description: 'Stages or outputs to show.', variadic: true }],
  examples: ['cairn dag', 'cairn dag train --mermaid', 'cairn dag --dot | dot -Tsvg > dag.svg'],
  async run({ options, positionals, cwd, json }) {
    const formats = ['mermaid', 'md', 'dot'].filter((f) => options[f as 'mermaid' | 'md' | 'dot']);
    if (formats.length > 1 || (json && formats.length > 0)) {
      throw usageError('choose one output format: --mermaid, --md, --dot or --json');
    }
    const ctx = await pipelineContext(cwd);
    const pipeline = await loadPipeline({ root: ctx.root, parsing: ctx.parsing });
    let dag = pipeline.dag;
    if (positionals.length > 0) {
      const targets: PipelineNode[] = positionals.flatMap((t) =>
        findTargets(pipeline, t, { cwd: ctx.cwdInRoot }),
      );
      dag = dag.subgraph(
        dag.select(targets, { pipeline: options.full, downstream: options.downstream }),
      );
    }
    const data = dagToJson(dag);
    let text: string;
    if (options.mermaid || options.md) text = renderMermaid(dag, { markdown: options.md });
    else if (options.dot) text = renderDot(dag);
    else text = renderText(dag);
    return { data, text };
  },
});

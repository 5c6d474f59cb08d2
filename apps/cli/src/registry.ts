/**
 * Every command, with the summary shown in `cairn --help`. Modules load lazily, so starting the
 * CLI never imports what the chosen command does not need.
 */
import type { CommandDefinition } from './command.js';

export interface CommandEntry {
  summary: string;
  load: () => Promise<CommandDefinition>;
}
export interface CommandGroup {
  summary: string;
  subcommands: CommandTree;
}
export type CommandTree = Record<string, CommandEntry | CommandGroup>;

export function isGroup(node: CommandEntry | CommandGroup): node is CommandGroup {
  return 'subcommands' in node;
}

const load =
  (importer: () => Promise<{ default: CommandDefinition }>) =>
  async (): Promise<CommandDefinition> =>
    (await importer()).default;

export const commands: CommandTree = {
  init: {
    summary: 'Create a DVC-compatible repository (.dvc/, .dvcignore) in a git repo.',
    load: load(() => import('./commands/init.js')),
  },
  eval: {
    summary: 'Compute classification metrics from a predictions file and write metrics.json.',
    load: load(() => import('./commands/eval.js')),
  },
  doctor: {
    summary: 'Show versions, platform, cache link types and configured remotes.',
    load: load(() => import('./commands/doctor.js')),
  },
  dag: {
    summary: 'Show the stage graph of the pipeline (text, mermaid, dot or JSON).',
    load: load(() => import('./commands/dag.js')),
  },
  params: {
    summary: 'Compare pipeline parameters between revisions.',
    subcommands: {
      diff: {
        summary: 'Show changes in params between two revisions (default: HEAD and the workspace).',
        load: load(() => import('./commands/params-diff.js')),
      },
    },
  },
  metrics: {
    summary: 'Show and compare pipeline metrics.',
    subcommands: {
      show: {
        summary: 'Print the metrics of the workspace.',
        load: load(() => import('./commands/metrics-show.js')),
      },
      diff: {
        summary: 'Show changes in metrics between two revisions (default: HEAD and the workspace).',
        load: load(() => import('./commands/metrics-diff.js')),
      },
    },
  },
  'check-git-binaries': {
    summary:
      'List files committed to git that belong in DVC (models, arrays, archives, big files).',
    load: load(() => import('./commands/check-git-binaries.js')),
  },
};

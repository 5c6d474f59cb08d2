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
};

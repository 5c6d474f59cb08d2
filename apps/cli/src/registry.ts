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
  add: {
    summary: 'Track files or folders: cache them, write <target>.dvc and a .gitignore entry.',
    load: load(() => import('./commands/add.js')),
  },
  checkout: {
    summary: 'Restore tracked data from the cache into the workspace.',
    load: load(() => import('./commands/checkout.js')),
  },
  status: {
    summary: 'Show what changed against pointer files and dvc.lock.',
    load: load(() => import('./commands/status.js')),
  },
  diff: {
    summary:
      'Show added, modified, renamed or deleted data between commits, or against the workspace.',
    load: load(() => import('./commands/diff.js')),
  },
  commit: {
    summary: 'Record the current content of tracked outputs in the cache, pointers and dvc.lock.',
    load: load(() => import('./commands/commit.js')),
  },
  remove: {
    summary: 'Stop tracking pointer files or stages (the data stays unless --outs).',
    load: load(() => import('./commands/remove.js')),
  },
  move: {
    summary: 'Rename tracked data: the data, its pointer file and .gitignore entries.',
    load: load(() => import('./commands/move.js')),
  },
  unprotect: {
    summary: 'Make tracked files or folders editable (replace cache links by writable copies).',
    load: load(() => import('./commands/unprotect.js')),
  },
  repro: {
    summary: 'Run the pipeline stages whose command, deps, params or outs changed.',
    load: load(() => import('./commands/repro.js')),
  },
  freeze: {
    summary: 'Freeze stages or .dvc files: repro leaves them alone (dvc freeze).',
    load: load(() => import('./commands/freeze.js')),
  },
  unfreeze: {
    summary: 'Unfreeze stages or .dvc files (dvc unfreeze).',
    load: load(() => import('./commands/unfreeze.js')),
  },
  gc: {
    summary: 'Delete cache objects that nothing in the chosen scope references.',
    load: load(() => import('./commands/gc.js')),
  },
  push: {
    summary: 'Upload tracked files or directories to remote storage.',
    load: load(() => import('./commands/push.js')),
  },
  fetch: {
    summary: 'Download tracked files or directories from remote storage into the cache.',
    load: load(() => import('./commands/fetch.js')),
  },
  pull: {
    summary: 'Download tracked files or directories from remote storage and check them out.',
    load: load(() => import('./commands/pull.js')),
  },
  remote: {
    summary: 'Set up and manage data remotes.',
    subcommands: {
      add: {
        summary: 'Add a new data remote.',
        load: load(() => import('./commands/remote-add.js')),
      },
      modify: {
        summary: 'Modify the configuration of a data remote.',
        load: load(() => import('./commands/remote-modify.js')),
      },
      default: {
        summary: 'Set/unset the default data remote.',
        load: load(() => import('./commands/remote-default.js')),
      },
      list: {
        summary: 'List all available data remotes.',
        load: load(() => import('./commands/remote-list.js')),
      },
      remove: {
        summary: 'Remove a data remote.',
        load: load(() => import('./commands/remote-remove.js')),
      },
      rename: {
        summary: 'Rename a data remote.',
        load: load(() => import('./commands/remote-rename.js')),
      },
    },
  },
  mirror: {
    summary: 'Copy every object the chosen revisions use from one remote to another.',
    load: load(() => import('./commands/mirror.js')),
  },
  audit: {
    summary: 'Show which remotes hold each tracked output; fail if one is on no remote.',
    load: load(() => import('./commands/audit.js')),
  },
  cache: {
    summary: 'Cache settings.',
    subcommands: {
      dir: {
        summary: 'Print the cache directory, or set cache.dir.',
        load: load(() => import('./commands/cache-dir.js')),
      },
    },
  },
  config: {
    summary: 'Get, set or unset options in .dvc/config (or config.local with --local).',
    load: load(() => import('./commands/config.js')),
  },
  eval: {
    summary: 'Compute classification metrics from a predictions file and write metrics.json.',
    load: load(() => import('./commands/eval.js')),
  },
  runs: {
    summary: 'Run folders: runs/<experiment>/<UTC timestamp>/, one folder per step.',
    subcommands: {
      list: {
        summary: 'List the run folders under runs/, oldest first, with the status of each step.',
        load: load(() => import('./commands/runs-list.js')),
      },
    },
  },
  manifest: {
    summary: 'Step manifests: the lineage record each step writes last.',
    subcommands: {
      show: {
        summary: 'Print a step manifest: what ran, where, with which inputs, outputs and metrics.',
        load: load(() => import('./commands/manifest-show.js')),
      },
      verify: {
        summary: 'Check that every input and output of a manifest is present and unchanged.',
        load: load(() => import('./commands/manifest-verify.js')),
      },
    },
  },
  bundle: {
    summary: 'Deployable bundles: artifacts plus the manifests they came from, verified.',
    subcommands: {
      export: {
        summary: 'Copy the outputs of step manifests into a new, verifiable bundle folder.',
        load: load(() => import('./commands/bundle-export.js')),
      },
      verify: {
        summary: 'Check a bundle: every file listed, intact, inside the bundle, and nothing else.',
        load: load(() => import('./commands/bundle-verify.js')),
      },
    },
  },
  ingest: {
    summary: 'Validate a capture folder and copy it into data/captures/<experiment>/<run_id>/.',
    load: load(() => import('./commands/ingest.js')),
  },
  install: {
    summary: 'Install git hooks that keep data in step with git (dvc install).',
    load: load(() => import('./commands/install.js')),
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
  data: {
    summary: 'Tracked data across the last commit, the pointer files and the workspace.',
    subcommands: {
      status: {
        summary:
          'Show changes between the last commit, the pointer files and the data (dvc data status).',
        load: load(() => import('./commands/data-status.js')),
      },
    },
  },
  stage: {
    summary: 'Pipeline stages in dvc.yaml.',
    subcommands: {
      add: {
        summary: 'Add a stage to dvc.yaml (dvc stage add).',
        load: load(() => import('./commands/stage-add.js')),
      },
      list: {
        summary: 'List stages with their descriptions (dvc stage list).',
        load: load(() => import('./commands/stage-list.js')),
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
  exp: {
    summary: 'Experiments: pipeline runs with changed params, kept as git refs (dvc exp).',
    subcommands: {
      run: {
        summary: 'Run the pipeline as an experiment, in an isolated copy of the workspace.',
        load: load(() => import('./commands/exp-run.js')),
      },
      show: {
        summary: 'Print the workspace, HEAD and its experiments with metrics and params.',
        load: load(() => import('./commands/exp-show.js')),
      },
      diff: {
        summary: 'Show how metrics and params changed between experiments (dvc exp diff).',
        load: load(() => import('./commands/exp-diff.js')),
      },
      apply: {
        summary: "Bring an experiment's files and data into the workspace.",
        load: load(() => import('./commands/exp-apply.js')),
      },
      remove: {
        summary: 'Delete experiments.',
        load: load(() => import('./commands/exp-remove.js')),
      },
      list: {
        summary: 'List experiment names per baseline.',
        load: load(() => import('./commands/exp-list.js')),
      },
    },
  },
  'check-ignore': {
    summary: 'Check whether paths are excluded by .dvcignore (dvc check-ignore).',
    load: load(() => import('./commands/check-ignore.js')),
  },
  'check-git-binaries': {
    summary:
      'List files committed to git that belong in DVC (models, arrays, archives, big files).',
    load: load(() => import('./commands/check-git-binaries.js')),
  },
};

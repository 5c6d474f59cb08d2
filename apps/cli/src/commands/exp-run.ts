import { Repo } from '@cairn/repo';
import { defineCommand } from '../command.js';

export default defineCommand({
  name: 'exp run',
  summary: 'Run the pipeline as an experiment, in an isolated copy (dvc exp run --temp).',
  description:
    'Reproduces the pipeline with the -S overrides in a temporary git worktree of HEAD under\n' +
    ".dvc/tmp/exps/run/, with the workspace's uncommitted and untracked files copied in; your\n" +
    'workspace files are not touched. Outputs go to the shared cache. The result is committed on\n' +
    "top of HEAD and stored as refs/exps/<HEAD[0:2]>/<HEAD[2:]>/<name> (DVC's layout); the copy\n" +
    'is removed afterwards, and a failed run leaves no experiment. Without -n the name is\n' +
    '<adjective>-<noun>, picked deterministically from HEAD and the overrides.',
  options: {
    'set-param': {
      type: 'string',
      short: 'S',
      multiple: true,
      valueName: '[file:]key=value',
      description: 'Change a param for this experiment (repeatable).',
    },
    name: { type: 'string', short: 'n', valueName: '<name>', description: 'Name the experiment.' },
    force: {
      type: 'boolean',
      short: 'f',
      description: 'Replace an experiment of the same name; run every stage.',
    },
  },
  positionals: [
    {
      name: 'targets',
      description: 'Stages, dvc.yaml files or outputs (default: every stage).',
      variadic: true,
    },
  ],
  exitCodes: {
    1: 'the experiment failed (nothing recorded), it exists already (CAIRN_EXP_EXISTS) or there is no commit (CAIRN_EXP_NO_BASELINE)',
  },
  examples: [
    'cairn exp run -S train.lr=0.01',
    'cairn exp run -n big-lr -S params.yaml:train.lr=0.5 train',
  ],
  async run({ positionals, options, cwd, env, json, quiet, stdout, stderr, onProgress, signal }) {
    const repo = Repo.open(cwd, { env });
    const say = (line: string) => {
      if (!quiet) (json ? stderr : stdout).write(`${line}\n`);
    };
    const result = await repo.experiments.run({
      targets: positionals,
      cwd,
      set: options['set-param'],
      force: options.force,
      ...(options.name === undefined ? {} : { name: options.name }),
      onMessage: say,
      ...(json ? { output: { stdout: stderr, stderr } } : {}),
      onProgress,
      signal,
    });
    if (result.untracked.length > 0 && !quiet) {
      stderr.write(
        `warning: these files the experiment created are not in its commit:\n\t${result.untracked.join('\n\t')}\n`,
      );
    }
    const text = [
      `Ran experiment(s): ${result.name}`,
      'To apply the results of an experiment to your workspace run:',
      '',
      `\tcairn exp apply ${result.name}`,
    ].join('\n');
    return { data: result, text };
  },
});

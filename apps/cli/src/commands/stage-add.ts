import { Repo } from '@cairn/repo';
import { usageError } from '@cairn/types';
import { defineCommand } from '../command.js';

/** DVC's `parse_cmd`: one argument is the command; several are joined, quoting spaced ones. */
function commandLine(args: readonly string[]): string {
  if (args.length < 2) return args.join(' ');
  const quote = (arg: string) =>
    arg === '' ? '""' : arg.includes(' ') && !arg.includes('"') ? `"${arg}"` : arg;
  return args.map(quote).join(' ');
}

const paths = (description: string) =>
  ({ type: 'string', multiple: true, valueName: '<path>', description }) as const;

export default defineCommand({
  name: 'stage add',
  summary: 'Add a stage to dvc.yaml (dvc stage add).',
  description:
    'Writes the stage into the dvc.yaml of the current folder (created if missing), in the order\n' +
    'and layout DVC writes, and adds .gitignore entries for its cached outputs. Everything after\n' +
    'the first argument that is not an option is the command. The whole pipeline is checked\n' +
    'with the new stage first (duplicate or overlapping outputs, cycles): a refused stage leaves\n' +
    'dvc.yaml unchanged. --run then runs it (as `cairn repro -s <name>`).',
  options: {
    name: {
      type: 'string',
      short: 'n',
      valueName: '<name>',
      description: 'Stage name (required).',
    },
    force: { type: 'boolean', short: 'f', description: 'Overwrite a stage of the same name.' },
    deps: { ...paths('Dependency (repeatable).'), short: 'd' },
    params: {
      type: 'string',
      short: 'p',
      multiple: true,
      valueName: '[<file>:]<keys>',
      description: 'Params the stage depends on, comma-separated (repeatable).',
    },
    outs: { ...paths('Output, cached (repeatable).'), short: 'o' },
    'outs-no-cache': { ...paths('Output, not cached (repeatable).'), short: 'O' },
    'outs-persist': paths('Output kept between runs (repeatable).'),
    'outs-persist-no-cache': paths('Output kept between runs, not cached (repeatable).'),
    metrics: { ...paths('Metrics file, cached (repeatable).'), short: 'm' },
    'metrics-no-cache': { ...paths('Metrics file, not cached (repeatable).'), short: 'M' },
    plots: paths('Plots file, cached (repeatable).'),
    'plots-no-cache': paths('Plots file, not cached (repeatable).'),
    wdir: {
      type: 'string',
      short: 'w',
      valueName: '<path>',
      description: 'Folder to run the command in.',
    },
    'always-changed': { type: 'boolean', description: 'Always consider the stage changed.' },
    desc: { type: 'string', valueName: '<text>', description: 'Description of the stage.' },
    run: { type: 'boolean', description: 'Run the stage once it is added.' },
  },
  positionals: [
    { name: 'command', description: 'The command to run.', variadic: true, remainder: true },
  ],
  examples: [
    'cairn stage add -n prepare -d src/prepare.py -d data/raw -o data/prepared python src/prepare.py',
    'cairn stage add -n train -p train.lr,train.epochs -m metrics.json --run python train.py --fast',
  ],
  async run({ positionals, options, cwd, env, onProgress, signal }) {
    if (options.name === undefined) {
      throw usage('the following arguments are required: -n/--name');
    }
    if (positionals.length === 0) throw usage('command is not specified');
    const repo = Repo.open(cwd, { env });
    const added = await repo.addStage({
      cwd,
      onProgress,
      signal,
      name: options.name,
      cmd: commandLine(positionals),
      deps: options.deps,
      params: options.params,
      outs: options.outs,
      outsNoCache: options['outs-no-cache'],
      outsPersist: options['outs-persist'],
      outsPersistNoCache: options['outs-persist-no-cache'],
      metrics: options.metrics,
      metricsNoCache: options['metrics-no-cache'],
      plots: options.plots,
      plotsNoCache: options['plots-no-cache'],
      alwaysChanged: options['always-changed'],
      force: options.force,
      ...(options.wdir === undefined ? {} : { wdir: options.wdir }),
      ...(options.desc === undefined ? {} : { desc: options.desc }),
    });
    const lines = [`Added stage '${added.stage}' in '${added.file}'`];
    let ran: Awaited<ReturnType<Repo['repro']>> | undefined;
    if (options.run) {
      ran = await repo.repro({ targets: [added.stage], single: true, cwd, onProgress, signal });
      for (const s of ran.stages) lines.push(`Stage '${s.stage}': ${s.action}`);
    }
    if (repo.usesGit) {
      const stage = [added.file, ...added.gitignore];
      lines.push('', 'To track the changes with git, run:', '', `\tgit add ${stage.join(' ')}`);
    }
    return { data: { ...added, ...(ran ? { run: ran } : {}) }, text: lines.join('\n') };
  },
});

function usage(message: string) {
  return usageError(message, "see 'cairn stage add --help'");
}

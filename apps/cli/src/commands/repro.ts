import { Repo } from '@cairn/repo';
import { usageError } from '@cairn/types';
import { defineCommand } from '../command.js';

export default defineCommand({
  name: 'repro',
  summary: 'Run the pipeline stages whose command, deps, params or outs changed (dvc repro).',
  description:
    'Stages run upstream first; a stage that matches dvc.lock is skipped, and one whose outputs\n' +
    'alone are missing is checked out from the cache instead of run. After each stage its outputs\n' +
    'are cached, then dvc.lock is written (atomically) and a step manifest is recorded under\n' +
    "runs/pipeline/. A failing command stops the run and leaves dvc.lock as it was. Commands'\n" +
    'output streams to the terminal (to stderr with --json).',
  options: {
    force: { type: 'boolean', short: 'f', description: 'Run the stages even if nothing changed.' },
    'single-item': {
      type: 'boolean',
      short: 's',
      description: 'Only the targets, not the stages they depend on.',
    },
    downstream: { type: 'boolean', description: 'The targets and the stages that depend on them.' },
    pipeline: {
      type: 'boolean',
      short: 'p',
      description: 'The whole pipeline each target belongs to.',
    },
    'all-pipelines': {
      type: 'boolean',
      short: 'P',
      description: 'Every pipeline of the repository (as with no targets).',
    },
    glob: { type: 'boolean', description: 'Targets are wildcard patterns over stage names.' },
    dry: { type: 'boolean', description: 'Print what would run; run nothing.' },
    'keep-going': {
      type: 'boolean',
      short: 'k',
      description: 'After a failure, run the stages that do not depend on it, then fail.',
    },
    'ignore-errors': {
      type: 'boolean',
      description: 'After a failure, run every other stage too, and do not fail.',
    },
    'set-param': {
      type: 'string',
      short: 'S',
      multiple: true,
      valueName: '[file:]key=value',
      description: 'Change a param in its file before running (repeatable).',
    },
    'no-manifests': { type: 'boolean', description: 'Do not write step manifests under runs/.' },
  },
  positionals: [
    {
      name: 'targets',
      description: 'Stages, dvc.yaml files or outputs (default: every stage).',
      variadic: true,
    },
  ],
  exitCodes: {
    1: 'a stage failed (its command, a missing output or dependency); with -k, after the others ran',
  },
  examples: [
    'cairn repro',
    'cairn repro train',
    'cairn repro -f -s evaluate',
    'cairn repro --dry',
    "cairn repro -k --glob 'train-*'",
  ],
  async run({ positionals, options, cwd, env, json, quiet, stdout, stderr, onProgress, signal }) {
    const repo = Repo.open(cwd, { env });
    const say = (line: string) => {
      if (!quiet) (json ? stderr : stdout).write(`${line}\n`);
    };
    if (options['all-pipelines'] && positionals.length > 0) {
      throw usageError('-P/--all-pipelines takes no targets');
    }
    if (options['keep-going'] && options['ignore-errors']) {
      throw usageError('choose one of -k/--keep-going and --ignore-errors');
    }
    const onError = options['keep-going']
      ? 'keep-going'
      : options['ignore-errors']
        ? 'ignore'
        : 'fail';
    const result = await repo.repro({
      targets: positionals,
      onError,
      glob: options.glob,
      cwd,
      force: options.force,
      single: options['single-item'],
      downstream: options.downstream,
      pipeline: options.pipeline,
      dry: options.dry,
      set: options['set-param'],
      manifests: !options['no-manifests'],
      onMessage: say,
      ...(json ? { output: { stdout: stderr, stderr } } : {}),
      onProgress,
      signal,
    });
    const ran = result.stages.filter((s) => s.action === 'ran' || s.action === 'failed').length;
    const text =
      result.stages.length === 0
        ? 'There are no stages to reproduce.'
        : ran === 0 && !options.dry
          ? 'Data and pipelines are up to date.'
          : undefined;
    return { data: result, ...(text ? { text } : {}) };
  },
});

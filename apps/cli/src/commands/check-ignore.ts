import { Repo } from '@cairn/repo';
import { usageError } from '@cairn/types';
import { defineCommand } from '../command.js';

export default defineCommand({
  name: 'check-ignore',
  summary: 'Check whether paths are excluded by .dvcignore (dvc check-ignore).',
  description:
    'Prints each target that .dvcignore excludes (itself, or a folder above it). With -d, each\n' +
    'line starts with the deciding pattern as <file>:<line>:<pattern> and a tab, as\n' +
    '`dvc check-ignore -d` prints it; -n also lists the targets no pattern excludes (`::`).',
  options: {
    details: {
      type: 'boolean',
      short: 'd',
      description: 'Show the pattern that decides, with its file and line.',
    },
    'non-matching': {
      type: 'boolean',
      short: 'n',
      description: 'With -d: also show the targets that are not excluded.',
    },
  },
  positionals: [
    { name: 'targets', description: 'Paths to check.', required: true, variadic: true },
  ],
  exitCodes: { 1: 'no target is excluded' },
  examples: ['cairn check-ignore data/tmp.log', 'cairn check-ignore -d -n data/*'],
  async run({ positionals, options, cwd, env }) {
    if (options['non-matching'] && !options.details) {
      throw usageError('-n/--non-matching is only valid with -d/--details');
    }
    const repo = Repo.open(cwd, { env });
    const results = repo.checkIgnore(positionals, { cwd });
    const lines = results.flatMap((r) => {
      if (!r.ignored && !(options.details && options['non-matching'])) return [];
      return [options.details ? `${r.source ?? '::'}\t${r.path}` : r.path];
    });
    return {
      data: results,
      text: lines.length > 0 ? lines.join('\n') : undefined,
      exitCode: results.some((r) => r.ignored) ? 0 : 1,
    };
  },
});

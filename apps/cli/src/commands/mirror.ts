import { Repo } from '@cairn/repo';
import { usageError } from '@cairn/types';
import { defineCommand } from '../command.js';
import {
  failureLines,
  SCOPE_OPTIONS,
  scopeFrom,
  summary,
  warningLines,
  writeLines,
} from '../remote-output.js';

export default defineCommand({
  name: 'mirror',
  summary: 'Copy every object the chosen revisions use from one remote to another.',
  description:
    'Makes remote --to hold every object referenced by pointer files and dvc.lock of the\n' +
    'workspace (and, with -a / -T / -A, of git history), copying from --from only what --to\n' +
    'lacks. Objects stream remote to remote (nothing is written locally) and are md5-checked on\n' +
    'the way: a corrupt source object is reported, never copied. Listings go after their files.',
  options: {
    from: { type: 'string', valueName: '<remote>', description: 'The remote to copy from.' },
    to: { type: 'string', valueName: '<remote>', description: 'The remote to copy to.' },
    ...SCOPE_OPTIONS,
  },
  exitCodes: { 1: 'some objects could not be copied (each is listed with its reason)' },
  examples: ['cairn mirror --from storage --to backup', 'cairn mirror --from s3 --to gcs -A'],
  async run({ options, cwd, env, onProgress, signal, stderr, json }) {
    if (options.from === undefined || options.to === undefined) {
      throw usageError('mirror needs --from <remote> and --to <remote>');
    }
    if (options.from.toLowerCase() === options.to.toLowerCase()) {
      throw usageError('--from and --to name the same remote');
    }
    const repo = Repo.open(cwd, { env });
    const result = await repo.mirror({
      from: options.from,
      to: options.to,
      cwd,
      onProgress,
      signal,
      ...scopeFrom(options),
    });
    const failed = result.failed.length;
    if (!json) {
      writeLines(stderr, warningLines(result));
      if (failed > 0) {
        writeLines(stderr, [
          `error: failed to mirror '${options.from}' to '${options.to}' - ${failed} files failed to copy`,
          ...failureLines(result.failed),
        ]);
      }
    }
    const text =
      summary([['copied', result.transferred]]) || (failed ? '' : 'Everything is up to date.');
    return { data: result, text, exitCode: failed > 0 ? 1 : 0 };
  },
});

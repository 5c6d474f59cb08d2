import { Repo } from '@cairn/repo';
import { defineCommand } from '../command.js';
import {
  failureLines,
  REMOTE_OPTION,
  SCOPE_OPTIONS,
  scopeFrom,
  summary,
  warningLines,
  writeLines,
} from '../remote-output.js';

export default defineCommand({
  name: 'push',
  summary: 'Upload tracked files or directories to remote storage.',
  description:
    'Uploads the cache objects of the chosen outputs (a directory: its .dir listing and every\n' +
    'file in it) that the remote lacks; each object is md5-checked as it streams and a listing\n' +
    "is only uploaded once all its files are. The remote is -r, else the output's `remote:`,\n" +
    'else core.remote. Outputs with `push: false` are left out.',
  options: { ...REMOTE_OPTION, ...SCOPE_OPTIONS },
  positionals: [
    {
      name: 'targets',
      description: 'Outputs, paths inside tracked folders, pointer files or stages (default: all).',
      variadic: true,
    },
  ],
  exitCodes: { 1: 'some objects failed to upload (each is listed with its reason)' },
  examples: ['cairn push', 'cairn push -r backup data.dvc', 'cairn push --all-commits -j 32'],
  async run({ positionals, options, cwd, env, onProgress, signal, stderr, json }) {
    const repo = Repo.open(cwd, { env });
    const result = await repo.push(positionals, {
      cwd,
      onProgress,
      signal,
      ...scopeFrom(options),
      ...(options.remote === undefined ? {} : { remote: options.remote }),
    });
    if (!json) writeLines(stderr, warningLines(result));
    const failed = result.failed.length;
    if (failed > 0 && !json) {
      writeLines(stderr, [
        `error: failed to push data to the cloud - ${failed} files failed to upload`,
        ...failureLines(result.failed),
      ]);
    }
    const text =
      summary([['pushed', result.transferred]]) || (failed ? '' : 'Everything is up to date.');
    return { data: result, text, exitCode: failed > 0 ? 1 : 0 };
  },
});

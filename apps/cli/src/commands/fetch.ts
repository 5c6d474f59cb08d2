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
  name: 'fetch',
  summary: 'Download tracked files or directories from remote storage into the cache.',
  description:
    'Downloads the objects of the chosen outputs that the cache lacks: .dir listings first, then\n' +
    'the files they list. Each object is md5-checked as it streams into a temp file and only a\n' +
    'verified one enters the cache; a corrupt remote object is reported and discarded. The\n' +
    "remote is -r, else the output's `remote:`, else core.remote. The workspace is not touched.",
  options: { ...REMOTE_OPTION, ...SCOPE_OPTIONS },
  positionals: [
    {
      name: 'targets',
      description: 'Outputs, paths inside tracked folders, pointer files or stages (default: all).',
      variadic: true,
    },
  ],
  exitCodes: { 1: 'some objects failed to download (each is listed with its reason)' },
  examples: ['cairn fetch', 'cairn fetch -r backup data.dvc', 'cairn fetch --all-commits -j 32'],
  async run({ positionals, options, cwd, env, onProgress, signal, stderr, json }) {
    const repo = Repo.open(cwd, { env });
    const result = await repo.fetch(positionals, {
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
        `error: failed to fetch data to the cloud - ${failed} files failed to download`,
        ...failureLines(result.failed),
      ]);
    }
    const text =
      summary([['fetched', result.transferred]]) || (failed ? '' : 'Everything is up to date.');
    return { data: result, text, exitCode: failed > 0 ? 1 : 0 };
  },
});

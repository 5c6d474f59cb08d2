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
  name: 'pull',
  summary: 'Download tracked files or directories from remote storage and check them out.',
  description:
    '`cairn fetch` (verified downloads into the cache), then `cairn checkout` of the same\n' +
    'targets. Objects that could not be fetched (missing or corrupt on the remote) are listed\n' +
    'and their outputs are not checked out; nothing unverified ever reaches the cache.',
  options: {
    ...REMOTE_OPTION,
    ...SCOPE_OPTIONS,
    force: {
      type: 'boolean',
      short: 'f',
      description: 'Discard workspace changes that are not in the cache.',
    },
  },
  positionals: [
    {
      name: 'targets',
      description: 'Outputs, paths inside tracked folders, pointer files or stages (default: all).',
      variadic: true,
    },
  ],
  exitCodes: { 1: 'some objects failed to download or some outputs could not be checked out' },
  examples: ['cairn pull', 'cairn pull -r backup data.dvc'],
  async run({ positionals, options, cwd, env, onProgress, signal, stderr, json }) {
    const repo = Repo.open(cwd, { env });
    const result = await repo.pull(positionals, {
      cwd,
      onProgress,
      signal,
      force: options.force,
      ...scopeFrom(options),
      ...(options.remote === undefined ? {} : { remote: options.remote }),
    });
    const { fetch, checkout } = result;
    const failed = fetch.failed.length + checkout.failed.length;
    if (!json) {
      writeLines(stderr, warningLines(fetch));
      if (fetch.failed.length > 0) {
        writeLines(stderr, [
          `error: ${fetch.failed.length} files failed to download`,
          ...failureLines(fetch.failed),
        ]);
      }
      if (checkout.failed.length > 0) {
        writeLines(stderr, [
          'error: failed to pull data from the cloud - Checkout failed for following targets:',
          ...checkout.failed.map((f) => `  ${f.path}: ${f.message}`),
        ]);
      }
    }
    const lines = [
      ...checkout.added.map((p) => `A       ${p}`),
      ...checkout.modified.map((p) => `M       ${p}`),
    ];
    const counts = summary([
      ['fetched', fetch.transferred],
      ['added', checkout.added.length],
      ['modified', checkout.modified.length],
    ]);
    lines.push(counts || (failed ? '' : 'Everything is up to date.'));
    return {
      data: result,
      text: lines.filter((l) => l !== '').join('\n'),
      exitCode: failed > 0 ? 1 : 0,
    };
  },
});

import { formatStatus, Repo } from '@cairn/repo';
import { cloudStatusResult } from '../cloud-status-output.js';
import { defineCommand } from '../command.js';
import { REMOTE_OPTION, SCOPE_OPTIONS } from '../remote-output.js';

export default defineCommand({
  name: 'status',
  summary: 'Show what changed against pointer files and dvc.lock.',
  description:
    "Compares the workspace with what pointer files and dvc.lock record, in DVC's format:\n" +
    'changed deps / changed outs, each modified, deleted, new or "not in cache". Unchanged files\n' +
    'are not read again (stat-keyed index). With -q nothing is printed and the exit code says it.',
  options: {
    quiet: {
      type: 'boolean',
      short: 'q',
      description: 'Print nothing; exit 1 when anything changed.',
    },
    cloud: {
      type: 'boolean',
      short: 'c',
      description: 'Compare the cache with a remote instead (new / deleted / missing objects).',
    },
    ...REMOTE_OPTION,
    ...SCOPE_OPTIONS,
  },
  positionals: [
    {
      name: 'targets',
      description: 'Outputs, pointer files or stages (default: all).',
      variadic: true,
    },
  ],
  exitCodes: { 1: 'with -q: something changed (or, with -c, cache and remote differ)' },
  examples: ['cairn status', 'cairn status -q || echo "data changed"', 'cairn status -c -r backup'],
  async run(context) {
    const { positionals, options, cwd, env, onProgress, signal } = context;
    const repo = Repo.open(cwd, { env });
    if (options.cloud || options.remote !== undefined) return cloudStatusResult(repo, context);
    // The entry count only picks the message; listing them alongside costs no extra time.
    const [entries, report] = await Promise.all([
      repo.trackedEntries(),
      repo.status(positionals, { cwd, onProgress, signal }),
    ]);
    const changed = Object.keys(report).length > 0;
    const text = changed
      ? formatStatus(report)
      : entries.length === 0
        ? 'There are no data or pipelines tracked in this project yet.'
        : 'Data and pipelines are up to date.';
    return {
      data: report,
      text: options.quiet ? undefined : text,
      exitCode: options.quiet && changed ? 1 : 0,
    };
  },
});

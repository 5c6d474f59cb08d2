import { Repo } from '@cairn/repo';
import { defineCommand } from '../command.js';
import { parseJobs } from '../remote-output.js';

export default defineCommand({
  name: 'audit',
  summary: 'Show which remotes hold each tracked output; fail if one is on no remote.',
  description:
    'For every output of pointer files and dvc.lock (of the workspace, or with -A of every\n' +
    'commit), lists the remotes that hold it completely: a file when its object is there, a\n' +
    'directory when its .dir listing and every file it lists are. Outputs with `push: false` are\n' +
    'shown but never fail the audit. `cairn mirror` fills the gaps.',
  options: {
    remote: {
      type: 'string',
      short: 'r',
      multiple: true,
      valueName: '<name>',
      description: 'A remote to check (repeatable; default: every configured remote).',
    },
    'all-commits': {
      type: 'boolean',
      short: 'A',
      description: 'Audit the outputs of every commit.',
    },
    jobs: {
      type: 'string',
      short: 'j',
      valueName: '<number>',
      description: 'Requests in flight per remote.',
    },
  },
  exitCodes: { 1: 'some output is on none of the remotes' },
  examples: ['cairn audit', 'cairn audit -r storage -r backup -A'],
  async run({ options, cwd, env, onProgress, signal }) {
    const repo = Repo.open(cwd, { env });
    const jobs = parseJobs(options.jobs);
    const result = await repo.audit({
      ...(options.remote.length > 0 ? { remotes: options.remote } : {}),
      allCommits: options['all-commits'],
      ...(jobs === undefined ? {} : { jobs }),
      onProgress,
      signal,
    });
    const width = Math.max(0, ...result.outputs.map((o) => o.path.length));
    const lines = result.outputs.map((o) => {
      const where =
        o.remotes.length > 0
          ? o.remotes.join(', ')
          : o.push
            ? 'on no remote'
            : 'on no remote (push: false)';
      return `${o.path.padEnd(width)}  ${where}`;
    });
    lines.push(
      result.unprotected > 0
        ? `${result.unprotected} of ${result.outputs.length} outputs are on no remote (checked: ${result.remotes.join(', ')}). Push them, or copy them with \`cairn mirror\`.`
        : `Every output is on at least one remote (checked: ${result.remotes.join(', ')}).`,
    );
    return { data: result, text: lines.join('\n'), exitCode: result.unprotected > 0 ? 1 : 0 };
  },
});

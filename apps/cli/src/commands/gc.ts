import { Repo } from '@cairn/repo';
import { usageError } from '@cairn/types';
import { defineCommand } from '../command.js';
import { parseJobs, REMOTE_OPTION } from '../remote-output.js';

export default defineCommand({
  name: 'gc',
  summary: 'Delete cache objects that nothing in the chosen scope references.',
  description:
    'Keeps every object referenced by pointer files and dvc.lock in the workspace (-w) and, with\n' +
    '--all-commits / -a / -T / --all-experiments, in git history too (read straight from git).\n' +
    'With -c, what the scope does not use is deleted from the remote too (-r, else the default).\n' +
    'Asks for confirmation on a terminal; elsewhere it needs -f. --dry only reports.',
  options: {
    workspace: { type: 'boolean', short: 'w', description: 'Keep what the workspace references.' },
    'all-commits': { type: 'boolean', description: 'Keep what any commit references.' },
    'all-branches': {
      type: 'boolean',
      short: 'a',
      description: 'Keep what any branch tip references.',
    },
    'all-tags': { type: 'boolean', short: 'T', description: 'Keep what any tag references.' },
    'all-experiments': { type: 'boolean', description: 'Keep what any experiment references.' },
    cloud: {
      type: 'boolean',
      short: 'c',
      description: 'Also delete unused objects from the remote.',
    },
    ...REMOTE_OPTION,
    jobs: {
      type: 'string',
      short: 'j',
      valueName: '<number>',
      description: 'Remote deletions at once (default: per remote type).',
    },
    force: { type: 'boolean', short: 'f', description: 'Do not ask for confirmation.' },
    dry: { type: 'boolean', description: 'Only report what would be removed.' },
  },
  exitCodes: { 2: 'no scope flag, or not confirmed' },
  examples: ['cairn gc -w -f', 'cairn gc --all-commits --dry', 'cairn gc -w -c -r backup --dry'],
  async run({ options, cwd, env, onProgress, signal, json }) {
    const repo = Repo.open(cwd, { env });
    const jobs = parseJobs(options.jobs);
    const scope = {
      cloud: options.cloud,
      ...(options.remote === undefined ? {} : { remote: options.remote }),
      ...(jobs === undefined ? {} : { jobs }),
      workspace: options.workspace,
      allCommits: options['all-commits'],
      allBranches: options['all-branches'],
      allTags: options['all-tags'],
      allExperiments: options['all-experiments'],
    };
    if (!options.dry && !options.force) {
      if (!process.stdin.isTTY || json) {
        throw usageError(
          'gc deletes data and needs confirmation',
          'pass -f to confirm, or --dry to preview',
        );
      }
      const { createInterface } = await import('node:readline/promises');
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      const answer = await rl.question(
        `This removes every cache object not referenced in the chosen scope${options.cloud ? ', from the remote too' : ''}. Proceed? [y/n] `,
      );
      rl.close();
      if (!/^y(es)?$/i.test(answer.trim())) throw usageError('gc cancelled');
    }
    const result = await repo.gc({ ...scope, dryRun: options.dry, onProgress, signal });
    const verb = result.dryRun ? 'Would remove' : 'Removed';
    const lines = [`${verb} ${result.removed.length} objects; ${result.kept} kept.`];
    if (result.cloud) {
      const { remote, removed, kept, missingListings } = result.cloud;
      lines.push(`${verb} ${removed.length} objects from remote '${remote}'; ${kept} kept.`);
      if (missingListings.length > 0) {
        lines.push(
          `warning: ${missingListings.length} directory listings are in neither the cache nor the remote; their files were not kept: ${missingListings.slice(0, 5).join(', ')}`,
        );
      }
    }
    if (result.staleTemps > 0) {
      lines.push(`Removed ${result.staleTemps} temporary files left by interrupted commands.`);
    }
    for (const s of result.skipped)
      lines.push(`warning: skipped ${s.file} at ${s.rev.slice(0, 8)}: ${s.message}`);
    return { data: result, text: lines.join('\n') };
  },
});

/** `cairn status -c`: DVC's cloud status text, JSON and `-q` exit code. */
import { formatCloudStatus, type Repo } from '@cairn/repo';
import type { ProgressListener } from '@cairn/types';
import type { CommandResult } from './command.js';
import { scopeFrom } from './remote-output.js';

interface CloudContext {
  positionals: string[];
  options: {
    quiet: boolean;
    remote: string | undefined;
    'all-branches': boolean;
    'all-tags': boolean;
    'all-commits': boolean;
    jobs: string | undefined;
  };
  cwd: string;
  onProgress: ProgressListener;
  signal: AbortSignal;
}

export async function cloudStatusResult(repo: Repo, context: CloudContext): Promise<CommandResult> {
  const { positionals, options, cwd, onProgress, signal } = context;
  const status = await repo.cloudStatus(positionals, {
    cwd,
    onProgress,
    signal,
    ...scopeFrom(options),
    ...(options.remote === undefined ? {} : { remote: options.remote }),
  });
  const changed = Object.keys(status.changes).length > 0;
  const text = changed
    ? formatCloudStatus(status.changes)
    : status.outputs === 0
      ? 'There are no data or pipelines tracked in this project yet.'
      : `Cache and remote '${status.remotes.join("', '")}' are in sync.`;
  return {
    data: status.changes,
    text: options.quiet ? undefined : text,
    exitCode: options.quiet && changed ? 1 : 0,
  };
}

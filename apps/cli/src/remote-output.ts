/**
 * Shared by push / fetch / pull / status -c / mirror / audit: the flags DVC gives them, the
 * config-level flags of `remote *`, and DVC's summary wording.
 */
import type { Writable } from 'node:stream';
import type { ConfigLevel, SyncFailure, SyncResult } from '@cairn/repo';
import { usageError } from '@cairn/types';
import type { OptionsSpec } from './command.js';

export const LEVEL_OPTIONS = {
  local: { type: 'boolean', description: 'Use .dvc/config.local (git-ignored): for credentials.' },
  project: { type: 'boolean', description: 'Use .dvc/config (the default for changes).' },
  global: { type: 'boolean', description: 'Use the global config of this user.' },
  system: { type: 'boolean', description: 'Use the system-wide config.' },
} satisfies OptionsSpec;

/** The level chosen by --local / --project / --global / --system (at most one). */
export function chosenLevel(
  options: Record<keyof typeof LEVEL_OPTIONS, boolean>,
): ConfigLevel | undefined {
  const chosen = (['local', 'project', 'global', 'system'] as const).filter((l) => options[l]);
  if (chosen.length > 1) {
    throw usageError('choose at most one of --local, --project, --global, --system');
  }
  const [level] = chosen;
  return level === 'project' ? 'repo' : level;
}

export const SCOPE_OPTIONS = {
  'all-branches': {
    type: 'boolean',
    short: 'a',
    description: 'Also the outputs of every branch tip.',
  },
  'all-tags': { type: 'boolean', short: 'T', description: 'Also the outputs of every tag.' },
  'all-commits': {
    type: 'boolean',
    short: 'A',
    description: 'Also the outputs of every commit.',
  },
  jobs: {
    type: 'string',
    short: 'j',
    valueName: '<number>',
    description: 'Objects transferred at once (default: per remote type, e.g. 4 × CPUs).',
  },
} satisfies OptionsSpec;

export const REMOTE_OPTION = {
  remote: {
    type: 'string',
    short: 'r',
    valueName: '<name>',
    description: 'Remote storage to use.',
  },
} satisfies OptionsSpec;

/** `-j` as a positive integer. */
export function parseJobs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const jobs = Number(value);
  if (!Number.isInteger(jobs) || jobs < 1) {
    throw usageError(`-j/--jobs must be a positive integer, not '${value}'`);
  }
  return jobs;
}

export function scopeFrom(options: {
  'all-branches': boolean;
  'all-tags': boolean;
  'all-commits': boolean;
  jobs: string | undefined;
}) {
  const jobs = parseJobs(options.jobs);
  return {
    allBranches: options['all-branches'],
    allTags: options['all-tags'],
    allCommits: options['all-commits'],
    ...(jobs === undefined ? {} : { jobs }),
  };
}

/** DVC's `get_summary`: "3 files pushed", "1 file fetched and 2 files added". */
export function summary(stats: ReadonlyArray<readonly [string, number]>): string {
  const parts = stats
    .filter(([, count]) => count > 0)
    .map(([state, count]) => `${count} file${count > 1 ? 's' : ''} ${state}`);
  if (parts.length <= 1) return parts[0] ?? '';
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/** The failure lines of a transfer: what failed, for which paths, and why. */
export function failureLines(failed: readonly SyncFailure[]): string[] {
  return failed.map((f) => {
    const where = f.paths.length > 0 ? `${f.paths.join(', ')} (${f.oid})` : f.oid;
    return `  ${where}: ${f.reason} [${f.code}]`;
  });
}

/** Warnings about what a transfer (or `data status`) left out, for stderr. */
export function warningLines(
  result: Pick<SyncResult, 'skippedRevisions'> & { legacy?: string[] },
): string[] {
  const lines: string[] = [];
  for (const s of result.skippedRevisions) {
    lines.push(`warning: skipped ${s.file} at ${s.rev.slice(0, 8)}: ${s.message}`);
  }
  if (result.legacy !== undefined && result.legacy.length > 0) {
    lines.push(
      `warning: left out ${result.legacy.length} legacy (DVC 2, md5-dos2unix) output(s): ${result.legacy.join(', ')}`,
    );
  }
  return lines;
}

export function writeLines(stream: Writable, lines: readonly string[]): void {
  if (lines.length > 0) stream.write(`${lines.join('\n')}\n`);
}

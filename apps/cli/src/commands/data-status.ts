import { type DataStatus, type DataStatusChanges, Repo } from '@cairn/repo';
import { defineCommand } from '../command.js';
import { REMOTE_OPTION, warningLines, writeLines } from '../remote-output.js';

type Group =
  | 'not_in_cache'
  | 'not_in_remote'
  | 'committed'
  | 'uncommitted'
  | 'untracked'
  | 'unchanged';

const LABELS: Record<Group, string> = {
  not_in_cache: 'Not in cache',
  not_in_remote: 'Not in remote',
  committed: 'DVC committed changes',
  uncommitted: 'DVC uncommitted changes',
  untracked: 'Untracked files',
  unchanged: 'DVC unchanged files',
};
const HINTS: Partial<Record<Group, string[]>> = {
  not_in_cache: ['use "cairn fetch <file>..." to download files'],
  not_in_remote: ['use "cairn push <file>..." to upload files'],
  committed: ['git commit the corresponding dvc files to update the repo'],
  uncommitted: [
    'use "cairn commit <file>..." to track changes',
    'use "cairn checkout <file>..." to discard changes',
  ],
  untracked: ['use "git add <file> ..." or "cairn add <file>..." to commit to git or to dvc'],
};
const STATES = ['added', 'deleted', 'modified', 'renamed', 'unknown'] as const;

/** A group's lines: paths, or `state: path` for changes (`old -> new` for renames). */
function items(value: string[] | DataStatusChanges): string[] {
  if (Array.isArray(value)) return value;
  return STATES.flatMap((state) =>
    state === 'renamed'
      ? value.renamed.map((r) => `renamed: ${r.old} -> ${r.new}`)
      : value[state].map((path) => `${state}: ${path}`),
  );
}

/** DVC's JSON: the groups that hold something, changes without their empty states. */
function compact(groups: Array<[Group, string[] | DataStatusChanges]>): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  for (const [group, value] of groups) {
    if (Array.isArray(value)) {
      if (value.length > 0) json[group] = value;
      continue;
    }
    const states = Object.fromEntries(
      STATES.filter((s) => value[s].length > 0).map((s) => [s, value[s]]),
    );
    if (Object.keys(states).length > 0) json[group] = states;
  }
  return json;
}

function statusText(
  status: DataStatus,
  groups: Array<[Group, string[] | DataStatusChanges]>,
): string {
  const lines: string[] = [];
  const shown = groups.filter(([, value]) => items(value).length > 0);
  if (shown.length === 0)
    lines.push(`No changes${status.git.isEmpty ? ' in an empty git repo' : ''}.`);
  shown.forEach(([group, value], i) => {
    if (i > 0) lines.push('');
    lines.push(`${LABELS[group]}:`);
    for (const hint of HINTS[group] ?? []) lines.push(`  (${hint})`);
    for (const item of items(value)) lines.push(`        ${item}`);
  });
  if (status.git.isDirty) {
    lines.push(
      `(there are ${shown.length > 0 ? 'other ' : ''}changes not tracked by dvc, use "git status" to see)`,
    );
  }
  return lines.join('\n');
}

export default defineCommand({
  name: 'data status',
  summary:
    'Show changes between the last commit, the pointer files and the data (dvc data status).',
  description:
    "Compares the last commit's pointer files and dvc.lock with the workspace's (\"DVC committed\n" +
    'changes": what git commit would record) and those with the data itself ("DVC uncommitted\n' +
    'changes": what cairn commit would record), and lists entries whose objects are not in the\n' +
    'cache. --granular compares the files inside tracked folders too.',
  options: {
    granular: { type: 'boolean', description: 'Show file-level changes inside tracked folders.' },
    unchanged: { type: 'boolean', description: 'Also list unchanged tracked files.' },
    'untracked-files': { type: 'boolean', description: 'Also list files git does not track.' },
    'not-in-remote': { type: 'boolean', description: 'Also list what the remote lacks.' },
    ...REMOTE_OPTION,
  },
  positionals: [
    {
      name: 'targets',
      description: 'Outputs or paths inside them to limit the status to.',
      variadic: true,
    },
  ],
  examples: ['cairn data status', 'cairn data status --granular data/', 'cairn data status --json'],
  async run({ positionals, options, cwd, env, json, stderr, onProgress, signal }) {
    const repo = Repo.open(cwd, { env });
    const status = await repo.dataStatus({
      cwd,
      onProgress,
      signal,
      targets: positionals,
      granular: options.granular,
      untrackedFiles: options['untracked-files'],
      notInRemote: options['not-in-remote'],
      ...(options.remote === undefined ? {} : { remote: options.remote }),
    });
    const groups: Array<[Group, string[] | DataStatusChanges]> = [
      ['not_in_cache', status.not_in_cache],
      ['not_in_remote', status.not_in_remote],
      ['committed', status.committed],
      ['uncommitted', status.uncommitted],
      ['untracked', status.untracked],
      ...(options.unchanged ? [['unchanged', status.unchanged] as [Group, string[]]] : []),
    ];
    if (!json) writeLines(stderr, warningLines(status));
    return { data: compact(groups), text: statusText(status, groups) };
  },
});

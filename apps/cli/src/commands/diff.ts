import { renderTable } from '@cairn/pipeline';
import { type DataDiff, Repo } from '@cairn/repo';
import { defineCommand } from '../command.js';

type State = 'added' | 'deleted' | 'renamed' | 'modified' | 'not in cache';
interface Shown {
  path: string | { old: string; new: string };
  hash?: string | { old: string; new: string };
}

const STATES: readonly State[] = ['added', 'deleted', 'renamed', 'modified', 'not in cache'];

const pathText = (e: Shown) =>
  typeof e.path === 'string' ? e.path : `${e.path.old} -> ${e.path.new}`;
const hashText = (e: Shown) =>
  e.hash === undefined
    ? ''
    : typeof e.hash === 'string'
      ? e.hash.slice(0, 8)
      : `${e.hash.old.slice(0, 8)}..${e.hash.new.slice(0, 8)}`;

/** DVC's text: a group per state, then how many files (folders not counted) changed. */
function diffText(groups: Array<[State, Shown[]]>): string {
  const lines: string[] = [];
  const counts: string[] = [];
  for (const [state, entries] of groups) {
    if (entries.length === 0) continue;
    lines.push(`${state.charAt(0).toUpperCase()}${state.slice(1)}:`);
    for (const e of entries) {
      const hash = hashText(e);
      lines.push(`    ${hash}${hash ? '  ' : ''}${pathText(e)}`);
    }
    lines.push('');
    const files = entries.filter((e) => !pathText(e).endsWith('/')).length;
    if (files > 0) counts.push(`${files} ${state}`);
  }
  if (counts.length > 0) lines.push(`files summary: ${counts.join(', ')}`);
  return lines.join('\n').trimEnd();
}

export default defineCommand({
  name: 'diff',
  summary:
    'Show added, modified, renamed or deleted data between commits, or against the workspace.',
  description:
    'Compares the cached outputs of two git revisions (default: HEAD and the workspace), as\n' +
    '`dvc diff` does: folders (with a trailing /) and the files in them. Files inside a folder are\n' +
    'known from its .dir listing in the cache; a folder whose listing is not there shows as a\n' +
    'whole. Against the workspace, old entries the cache lacks are listed as "not in cache".\n' +
    'Paths are relative to the repository root.',
  options: {
    targets: {
      type: 'string',
      multiple: true,
      valueName: '<path>',
      description: 'Only these outputs, paths inside them or pointer files (repeatable).',
    },
    'show-hash': { type: 'boolean', description: 'Show the hash of each entry.' },
    md: { type: 'boolean', description: 'Print a Markdown table.' },
    'hide-missing': { type: 'boolean', description: 'Leave out "not in cache" entries.' },
  },
  positionals: [
    { name: 'a_rev', description: 'Old git revision (default HEAD).' },
    { name: 'b_rev', description: 'New git revision (default: the workspace).' },
  ],
  examples: ['cairn diff', 'cairn diff HEAD~1 --show-hash', 'cairn diff v1 v2 --json'],
  async run({ positionals, options, cwd, env, onProgress, signal }) {
    const repo = Repo.open(cwd, { env });
    const [aRev, bRev] = positionals;
    const diff: DataDiff = await repo.diff({
      cwd,
      onProgress,
      signal,
      targets: options.targets,
      ...(aRev ? { aRev } : {}),
      ...(bRev ? { bRev } : {}),
    });
    const hidden = options['hide-missing'] || bRev !== undefined;
    const changed = STATES.some((s) => (diff[s]?.length ?? 0) > 0);
    const groups: Array<[State, Shown[]]> = STATES.filter(
      (s) => diff[s] !== undefined && !(hidden && s === 'not in cache'),
    ).map((s) => [
      s,
      (diff[s] ?? []).map((e): Shown => (options['show-hash'] ? e : { path: e.path })),
    ]);
    // DVC's JSON: {} when nothing changed, else every group (these keys, this order).
    const order: State[] = ['added', 'deleted', 'modified', 'renamed', 'not in cache'];
    const data = changed
      ? Object.fromEntries(order.flatMap((s) => groups.filter(([g]) => g === s)))
      : {};
    const text = options.md
      ? renderTable(
          {
            headers: options['show-hash'] ? ['Status', 'Hash', 'Path'] : ['Status', 'Path'],
            rows: groups.flatMap(([state, entries]) =>
              entries.map((e) =>
                options['show-hash'] ? [state, hashText(e), pathText(e)] : [state, pathText(e)],
              ),
            ),
          },
          { markdown: true },
        )
      : diffText(groups);
    return { data, text: text === '' ? undefined : text };
  },
});

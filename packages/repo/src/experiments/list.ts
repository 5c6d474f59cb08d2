/**
 * `cairn exp list`: experiment names per baseline, from the refs alone (no commit is read), so
 * it is instant however many experiments there are.
 */
import { git } from '@cairn/core-io';
import { type ExpRef, listExpRefs } from './refs.js';

export interface ExpListEntry {
  /** The 40-hex baseline commit. */
  baseline: string;
  /** Its branch or tag, when one points at it. */
  name: string | null;
  experiments: Array<Pick<ExpRef, 'name' | 'rev' | 'ref' | 'time'>>;
}

async function baselineName(root: string, sha: string, head: string): Promise<string | null> {
  if (sha === head) {
    const branch = await git(['symbolic-ref', '-q', '--short', 'HEAD'], { cwd: root }).catch(
      () => '',
    );
    if (branch) return branch;
  }
  const names = await git(
    ['for-each-ref', '--points-at', sha, '--format=%(refname:short)', 'refs/tags', 'refs/heads'],
    { cwd: root },
  );
  return names.split('\n').find((n) => n !== '') ?? null;
}

/** HEAD's experiments, or (`allCommits`) those of every baseline; HEAD's first. */
export async function listExperiments(
  root: string,
  head: string | undefined,
  { allCommits = false }: { allCommits?: boolean } = {},
): Promise<ExpListEntry[]> {
  if (head === undefined) return [];
  const refs = await listExpRefs(root, allCommits ? undefined : head);
  const baselines = [head, ...new Set(refs.map((r) => r.baseline).filter((b) => b !== head))];
  const out: ExpListEntry[] = [];
  for (const baseline of baselines) {
    const experiments = refs
      .filter((r) => r.baseline === baseline)
      .map(({ name, rev, ref, time }) => ({ name, rev, ref, time }));
    if (experiments.length === 0 && baseline !== head) continue;
    out.push({ baseline, name: await baselineName(root, baseline, head), experiments });
  }
  return out;
}

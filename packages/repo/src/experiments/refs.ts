/**
 * Experiment refs, laid out as DVC lays them out (dvc/repo/experiments/refs.py): one experiment
 * is the git ref `refs/exps/<baseline[0:2]>/<baseline[2:]>/<name>`, pointing at a commit whose
 * parent is the baseline. Refs are plain git refs, so they survive restarts and travel with
 * `git push/fetch 'refs/exps/*'`; `dvc exp list` sees Cairn's experiments and the reverse.
 */
import { git } from '@cairn/core-io';
import { CairnError, ExitCode } from '@cairn/types';

export const EXPS_NAMESPACE = 'refs/exps';

// DVC's own bookkeeping lives under refs/exps too (queue stashes, executor refs); never experiments.
const INTERNAL_NAMESPACES = ['stash', 'apply', 'celery', 'exec', 'temp'];

export interface ExpRefInfo {
  /** The 40-hex baseline commit. */
  baseline: string;
  name: string;
}

export interface ExpRef extends ExpRefInfo {
  /** The full ref, `refs/exps/ab/cdef…/name`. */
  ref: string;
  /** The experiment commit. */
  rev: string;
  /** Its committer time, in seconds since the epoch. */
  time: number;
}

/** `refs/exps/<b[0:2]>/<b[2:]>/<name>`. */
export function expRefName(baseline: string, name: string): string {
  return `${EXPS_NAMESPACE}/${baseline.slice(0, 2)}/${baseline.slice(2)}/${name}`;
}

/** The baseline and name of an experiment ref; undefined for anything else under refs/exps. */
export function parseExpRef(ref: string): ExpRefInfo | undefined {
  const parts = ref.split('/');
  if (parts.length !== 5 || `${parts[0]}/${parts[1]}` !== EXPS_NAMESPACE) return undefined;
  const [, , head = '', tail = '', name = ''] = parts;
  if (INTERNAL_NAMESPACES.includes(head)) return undefined;
  const baseline = head + tail;
  if (!/^[0-9a-f]{40}$/.test(baseline) || name === '') return undefined;
  return { baseline, name };
}

/** Experiment refs, newest first (then by name); of one baseline when given. */
export async function listExpRefs(root: string, baseline?: string): Promise<ExpRef[]> {
  const pattern = baseline
    ? `${EXPS_NAMESPACE}/${baseline.slice(0, 2)}/${baseline.slice(2)}`
    : EXPS_NAMESPACE;
  const out = await git(
    ['for-each-ref', '--format=%(refname)%00%(objectname)%00%(committerdate:unix)', pattern],
    { cwd: root },
  );
  const refs: ExpRef[] = [];
  for (const line of out.split('\n')) {
    const [ref = '', rev = '', time = ''] = line.split('\0');
    const info = parseExpRef(ref);
    if (!info || !/^[0-9a-f]{40}$/.test(rev)) continue;
    refs.push({ ...info, ref, rev, time: Number(time) || 0 });
  }
  return refs.sort((a, b) => b.time - a.time || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Rejects names git cannot store as one ref component (DVC: "Invalid exp name"). */
export async function assertValidName(root: string, name: string): Promise<void> {
  const invalid = () =>
    new CairnError('CAIRN_EXP_INVALID_NAME', `invalid experiment name '${name}'`, {
      hint: 'use letters, digits, `-`, `_` and `.`; no `/`, spaces or `..`',
      exitCode: ExitCode.usage,
      details: { name },
    });
  if (name === '' || name.includes('/')) throw invalid();
  try {
    await git(['check-ref-format', expRefName('0'.repeat(40), name)], { cwd: root });
  } catch {
    throw invalid();
  }
}

/**
 * The experiment a user named: a full `refs/exps/…` ref, or a name. A name is looked up under
 * the current baseline first, then under every baseline (DVC's order); two matches elsewhere
 * are ambiguous.
 */
export async function resolveExperiment(
  root: string,
  name: string,
  head: string | undefined,
): Promise<ExpRef> {
  const all = await listExpRefs(root);
  if (name.startsWith(`${EXPS_NAMESPACE}/`)) {
    const found = all.find((r) => r.ref === name);
    if (found) return found;
  } else {
    const matches = all.filter((r) => r.name === name);
    const current = matches.find((r) => r.baseline === head);
    if (current) return current;
    if (matches.length === 1) return matches[0] as ExpRef;
    if (matches.length > 1) {
      throw new CairnError(
        'CAIRN_EXP_AMBIGUOUS',
        `'${name}' names experiments of ${matches.length} baselines`,
        {
          hint: `name one by its full ref: ${matches.map((m) => m.ref).join(', ')}`,
          details: { refs: matches.map((m) => m.ref) },
        },
      );
    }
  }
  throw new CairnError('CAIRN_EXP_NOT_FOUND', `experiment '${name}' does not exist`, {
    hint: "see 'cairn exp list -A'",
    details: { name },
  });
}

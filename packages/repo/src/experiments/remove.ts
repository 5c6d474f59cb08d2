/**
 * `cairn exp remove`: deletes experiment refs. Every name is resolved before any ref is
 * deleted, so a typo removes nothing. The commits stay in git until it collects garbage, and
 * their data stays in the cache until `cairn gc` (without `--all-experiments`) drops it.
 */
import { git } from '@cairn/core-io';
import { usageError } from '@cairn/types';
import { type ExpRef, listExpRefs, resolveExperiment } from './refs.js';

export interface ExpRemoveOptions {
  /** Every experiment of every baseline. */
  all?: boolean;
}

export async function removeExperiments(
  root: string,
  head: string | undefined,
  names: readonly string[],
  options: ExpRemoveOptions = {},
): Promise<ExpRef[]> {
  if (names.length > 0 && options.all) {
    throw usageError('give experiment names or --all, not both');
  }
  if (names.length === 0 && !options.all) {
    throw usageError('name the experiments to remove, or pass --all', "see 'cairn exp list'");
  }
  const targets = options.all
    ? await listExpRefs(root)
    : await Promise.all(names.map((n) => resolveExperiment(root, n, head)));
  const unique = [...new Map(targets.map((t) => [t.ref, t])).values()];
  for (const t of unique) {
    // Deletes only if the ref still points where we read it: a concurrent re-run is kept.
    await git(['update-ref', '-d', t.ref, t.rev], { cwd: root });
  }
  return unique;
}

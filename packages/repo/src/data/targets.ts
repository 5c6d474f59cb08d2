/** Selecting tracked entries by CLI-style targets: data paths, `.dvc` files or stage names. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CairnError } from '@cairn/types';
import { isWithin, type TrackedEntry } from './outputs.js';

/**
 * Entries named by `targets` (resolved against `cwd`): a pointer file selects its entries, a
 * data path selects the outputs it lies in or contains, a stage name (`train`,
 * `sub/dvc.yaml:train`) its lock entries. No targets selects everything.
 */
export function selectEntries(
  entries: readonly TrackedEntry[],
  targets: readonly string[] | undefined,
  cwd: string,
): TrackedEntry[] {
  if (!targets || targets.length === 0) return [...entries];
  const chosen = new Set<TrackedEntry>();
  for (const target of targets) {
    const abs = resolve(cwd, target);
    const matches = entries.filter(
      (e) =>
        e.file === abs ||
        e.stage === target ||
        (e.kind === 'out' && (isWithin(abs, e.path) || isWithin(e.path, abs))),
    );
    if (matches.length === 0) {
      throw new CairnError(
        'CAIRN_NOT_TRACKED',
        existsSync(abs)
          ? `'${target}' is not tracked by any .dvc file or dvc.lock`
          : `'${target}' does not exist and is not a tracked output or stage`,
        { hint: 'track data with `cairn add <path>`', details: { target } },
      );
    }
    for (const m of matches) chosen.add(m);
  }
  return entries.filter((e) => chosen.has(e));
}

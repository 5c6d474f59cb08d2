/** Selecting tracked entries by CLI-style targets: data paths, `.dvc` files or stage names. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { CairnError } from '@cairn/types';
import {
  collectEntries,
  isTrackablePath,
  isWithin,
  pointerEntries,
  type TrackedEntry,
  toPosix,
} from './outputs.js';

/**
 * `selectEntries` of the workspace's entries. When every target is a pointer file, only those
 * are read, as DVC loads only them: no listing of the repository's files (a git process).
 */
export async function targetEntries(
  root: string,
  usesGit: boolean,
  targets: readonly string[] | undefined,
  cwd: string,
): Promise<TrackedEntry[]> {
  const files = [...new Set((targets ?? []).map((t) => resolve(cwd, t)))];
  const pointersOnly =
    files.length > 0 &&
    files.every(
      (f) =>
        f.endsWith('.dvc') &&
        isTrackablePath(root, f) &&
        statSync(f, { throwIfNoEntry: false })?.isFile() === true,
    );
  const entries = pointersOnly
    ? files.flatMap((f) => pointerEntries(root, f, readFileSync(f, 'utf8')))
    : await collectEntries(root, usesGit);
  return selectEntries(entries, targets, cwd);
}

/**
 * Entries named by `targets` (resolved against `cwd`): a pointer file selects its entries, a
 * data path selects the outputs it lies in or contains, a stage name (`train`,
 * `sub/dvc.yaml:train`) its lock entries. No targets selects everything. A directory output
 * that only paths inside it select comes back with those paths as `within`.
 */
export function selectEntries(
  entries: readonly TrackedEntry[],
  targets: readonly string[] | undefined,
  cwd: string,
): TrackedEntry[] {
  if (!targets || targets.length === 0) return [...entries];
  const whole = new Set<TrackedEntry>();
  const parts = new Map<TrackedEntry, Set<string>>();
  for (const target of targets) {
    const abs = resolve(cwd, target);
    let matched = false;
    for (const e of entries) {
      if (e.file === abs || e.stage === target || (e.kind === 'out' && isWithin(e.path, abs))) {
        whole.add(e);
      } else if (e.kind === 'out' && isWithin(abs, e.path)) {
        if (!e.oid?.endsWith('.dir')) whole.add(e);
        else parts.set(e, (parts.get(e) ?? new Set()).add(toPosix(relative(e.path, abs))));
      } else continue;
      matched = true;
    }
    if (!matched) {
      throw new CairnError(
        'CAIRN_NOT_TRACKED',
        existsSync(abs)
          ? `'${target}' is not tracked by any .dvc file or dvc.lock`
          : `'${target}' does not exist and is not a tracked output or stage`,
        { hint: 'track data with `cairn add <path>`', details: { target } },
      );
    }
  }
  return entries.flatMap((e) => {
    if (whole.has(e)) return [e];
    const within = parts.get(e);
    return within ? [{ ...e, within: [...within].sort() }] : [];
  });
}

/** Whether `relpath` (inside a directory output) is one that `within` selects (all when unset). */
export function isSelected(within: readonly string[] | undefined, relpath: string): boolean {
  return within === undefined || within.some((w) => relpath === w || relpath.startsWith(`${w}/`));
}

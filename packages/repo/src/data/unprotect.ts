/** `cairn unprotect`: make linked or read-only workspace files editable, as `dvc unprotect`. */
import { lstatSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { unprotect } from '@cairn/core-io';
import { CairnError, usageError } from '@cairn/types';
import { toPosix } from './outputs.js';

/** Unprotects each target (a folder file by file); returns the files changed, relative to `cwd`. */
export async function unprotectTargets(targets: readonly string[], cwd: string): Promise<string[]> {
  if (targets.length === 0) throw usageError('nothing to unprotect', 'name files or folders');
  const changed: string[] = [];
  for (const target of targets) {
    const abs = resolve(cwd, target);
    if (lstatSync(abs, { throwIfNoEntry: false }) === undefined) {
      throw new CairnError('CAIRN_NOT_FOUND', `can't unprotect non-existing data '${target}'`, {
        details: { target },
      });
    }
    for (const path of await unprotect(abs)) changed.push(toPosix(relative(cwd, path)));
  }
  return changed;
}

import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CairnError } from '@cairn/types';

export const DVC_DIR = '.dvc';

/** The repository root: the nearest folder at or above `start` that holds a `.dvc/` folder. */
export function findRepoRoot(start: string): string {
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, DVC_DIR);
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new CairnError(
        'CAIRN_NOT_A_REPO',
        `not a Cairn/DVC repository (no .dvc folder in ${resolve(start)} or any parent)`,
        { hint: "run 'cairn init' at the root of your git repository" },
      );
    }
    dir = parent;
  }
}

/**
 * `cairn remove`: stop tracking. For a pointer file: delete it and its `.gitignore` entries,
 * keeping the data unless `outs` is set. For a pipeline stage: drop it from `dvc.yaml` (comments
 * elsewhere kept) and `dvc.lock`. The cache is untouched; `gc` reclaims it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { rm, unlink } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { stringifyDvcYaml, writeFileAtomic } from '@cairn/core-io';
import { CairnError, DvcLock, parseYaml } from '@cairn/types';
import { parseDocument } from 'yaml';
import type { DataContext } from './context.js';
import { removeGitignoreEntries } from './gitignore.js';
import { collectEntries, type TrackedEntry, toPosix } from './outputs.js';

export interface RemoveResult {
  removed: string[];
  /** Workspace outputs deleted (with `outs`). */
  deletedOutputs: string[];
}

/** What removing one target takes: a pointer file, or a stage of a `dvc.yaml`. */
type Removal =
  | { kind: 'pointer'; target: string; file: string; outs: TrackedEntry[] }
  | { kind: 'stage'; target: string; file: string; name: string; outs: TrackedEntry[] };

export async function removeTargets(
  ctx: DataContext,
  targets: readonly string[],
  cwd: string,
  options: { outs?: boolean } = {},
): Promise<RemoveResult> {
  const { root, usesGit } = ctx.repo;
  const entries = await collectEntries(root, usesGit);
  // Every target is checked before anything changes; one named twice is removed once.
  const removals = [
    ...new Map(
      targets.map((target) => {
        const removal = resolveRemoval(root, entries, target, cwd);
        return [`${removal.file}\0${removal.kind === 'stage' ? removal.name : ''}`, removal];
      }),
    ).values(),
  ];
  // As DVC: the `.gitignore` entries go first (each file written once), then the pointers.
  if (usesGit) removeGitignoreEntries(removals.flatMap((r) => r.outs.map((out) => out.path)));
  const result: RemoveResult = { removed: [], deletedOutputs: [] };
  for (const removal of removals) {
    if (options.outs) {
      for (const out of removal.outs) {
        await rm(out.path, { recursive: true, force: true });
        result.deletedOutputs.push(toPosix(relative(root, out.path)));
      }
    }
    if (removal.kind === 'pointer') {
      await unlink(removal.file);
      result.removed.push(toPosix(relative(root, removal.file)));
      continue;
    }
    await removeStage(root, removal.file, removal.name);
    result.removed.push(removal.target);
  }
  return result;
}

function resolveRemoval(
  root: string,
  entries: readonly TrackedEntry[],
  target: string,
  cwd: string,
): Removal {
  const abs = resolve(cwd, target);
  const pointerFile = abs.endsWith('.dvc') ? abs : `${abs}.dvc`;
  const pointerOuts = entries.filter(
    (e) => e.source === 'pointer' && e.file === pointerFile && e.kind === 'out',
  );
  if (existsSync(pointerFile) && pointerOuts.length > 0) {
    return { kind: 'pointer', target, file: pointerFile, outs: pointerOuts };
  }
  const [file, name] = target.includes(':')
    ? [
        resolve(cwd, target.slice(0, target.lastIndexOf(':'))),
        target.slice(target.lastIndexOf(':') + 1),
      ]
    : [join(root, 'dvc.yaml'), target];
  if (!existsSync(file)) throw notTracked(target);
  if (!parseDocument(readFileSync(file, 'utf8'), { version: '1.2' }).hasIn(['stages', name])) {
    throw notTracked(target);
  }
  const outs = entries.filter((e) => e.source === 'lock' && e.stage === target && e.kind === 'out');
  return { kind: 'stage', target, file, name, outs };
}

/** Drops stage `name` from `file` (comments elsewhere kept) and from the `dvc.lock` beside it. */
async function removeStage(root: string, file: string, name: string): Promise<void> {
  const doc = parseDocument(readFileSync(file, 'utf8'), { version: '1.2' });
  doc.deleteIn(['stages', name]);
  await writeFileAtomic(file, doc.toString({ indentSeq: false, lineWidth: 0 }));
  const lockFile = join(dirname(file), 'dvc.lock');
  if (!existsSync(lockFile)) return;
  const lock = parseYaml(readFileSync(lockFile, 'utf8'), DvcLock, {
    file: toPosix(relative(root, lockFile)),
  });
  if (name in lock.stages) {
    delete lock.stages[name];
    await writeFileAtomic(lockFile, stringifyDvcYaml(lock));
  }
}

function notTracked(target: string): CairnError {
  return new CairnError(
    'CAIRN_NOT_TRACKED',
    `'${target}' is neither a .dvc file nor a pipeline stage`,
    {
      hint: 'pass the pointer file (data.dvc) or a stage name (train, sub/dvc.yaml:train)',
    },
  );
}

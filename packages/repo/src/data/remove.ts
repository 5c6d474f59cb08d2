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
import { removeGitignoreEntry } from './gitignore.js';
import { collectEntries, toPosix } from './outputs.js';

export interface RemoveResult {
  removed: string[];
  /** Workspace outputs deleted (with `outs`). */
  deletedOutputs: string[];
}

export async function removeTargets(
  ctx: DataContext,
  targets: readonly string[],
  cwd: string,
  options: { outs?: boolean } = {},
): Promise<RemoveResult> {
  const { root, usesGit } = ctx.repo;
  const entries = await collectEntries(root, usesGit);
  const result: RemoveResult = { removed: [], deletedOutputs: [] };
  for (const target of targets) {
    const abs = resolve(cwd, target);
    const pointerFile = abs.endsWith('.dvc') ? abs : `${abs}.dvc`;
    const pointerOuts = entries.filter(
      (e) => e.source === 'pointer' && e.file === pointerFile && e.kind === 'out',
    );
    if (existsSync(pointerFile) && pointerOuts.length > 0) {
      for (const out of pointerOuts) {
        if (usesGit) await removeGitignoreEntry(out.path);
        if (options.outs) {
          await rm(out.path, { recursive: true, force: true });
          result.deletedOutputs.push(toPosix(relative(root, out.path)));
        }
      }
      await unlink(pointerFile);
      result.removed.push(toPosix(relative(root, pointerFile)));
      continue;
    }
    const stageOuts = entries.filter((e) => e.source === 'lock' && e.stage === target);
    const [file, name] = target.includes(':')
      ? [
          resolve(cwd, target.slice(0, target.lastIndexOf(':'))),
          target.slice(target.lastIndexOf(':') + 1),
        ]
      : [join(root, 'dvc.yaml'), target];
    if (!existsSync(file)) throw notTracked(target);
    const doc = parseDocument(readFileSync(file, 'utf8'), { version: '1.2' });
    if (!doc.hasIn(['stages', name])) throw notTracked(target);
    doc.deleteIn(['stages', name]);
    await writeFileAtomic(file, doc.toString({ indentSeq: false, lineWidth: 0 }));
    const lockFile = join(dirname(file), 'dvc.lock');
    if (existsSync(lockFile)) {
      const lock = parseYaml(readFileSync(lockFile, 'utf8'), DvcLock, {
        file: toPosix(relative(root, lockFile)),
      });
      if (name in lock.stages) {
        delete lock.stages[name];
        await writeFileAtomic(lockFile, stringifyDvcYaml(lock));
      }
    }
    for (const out of stageOuts.filter((e) => e.kind === 'out')) {
      if (usesGit) await removeGitignoreEntry(out.path);
      if (options.outs) {
        await rm(out.path, { recursive: true, force: true });
        result.deletedOutputs.push(toPosix(relative(root, out.path)));
      }
    }
    result.removed.push(target);
  }
  return result;
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

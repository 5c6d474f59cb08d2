/**
 * What a stage's dependencies, params and outputs are in the workspace right now, measured
 * through the data context (stat-keyed state index: unchanged files are not read again), in the
 * shape `stageStatus` of @cairn/pipeline compares against dvc.lock.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isDirOid } from '@cairn/cache';
import {
  type FileSource,
  type HashInfo,
  type HashName,
  hashNamesFor,
  type LockStage,
  type PyDict,
  readTrackedParams,
  type Stage,
  type StageParams,
  type StageState,
} from '@cairn/pipeline';
import type { DataContext } from '../data/context.js';
import { type PathSummary, summarizePath } from '../data/hash-path.js';

export function hashInfoOf(hash: PathSummary, name: HashName = 'md5'): HashInfo {
  return hash.kind === 'file'
    ? { name, value: hash.md5, size: hash.size, ...(hash.isexec ? { isexec: true } : {}) }
    : { name, value: hash.oid, size: hash.size, nfiles: hash.nfiles };
}

export interface MeasuredStage {
  state: StageState;
  /** Current hashes of deps and outs by repo-relative path (absent: does not exist). */
  hashes: Map<string, HashInfo>;
}

/** Measures everything `stageStatus` asks about, so the (synchronous) state can answer. */
export async function measureStage(
  ctx: DataContext,
  root: string,
  source: FileSource,
  stage: Stage,
  lock: LockStage | undefined,
): Promise<MeasuredStage> {
  const names = hashNamesFor(stage, lock);
  const hashes = new Map<string, HashInfo>();
  const trees = new Map<string, PathSummary>();
  for (const item of [...stage.deps, ...stage.outs]) {
    if (item.external || hashes.has(item.path)) continue;
    const name = (names.get(item.path) ?? 'md5') as HashName;
    if (name !== 'md5' && name !== 'md5-dos2unix') continue;
    const hash = await summarizePath(ctx, join(root, item.path), name);
    if (hash === undefined) continue;
    hashes.set(item.path, hashInfoOf(hash, name));
    trees.set(item.path, hash);
  }
  const params = new Map<StageParams, PyDict | undefined>();
  for (const p of stage.params) params.set(p, await readTrackedParams(source, p));
  const state: StageState = {
    hash: (path) => hashes.get(path),
    params: (p) => params.get(p),
    inCache: (path, locked) => {
      const hashName = locked.name === 'md5-dos2unix' ? 'md5-dos2unix' : 'md5';
      if (!existsSync(ctx.store.path(locked.value, hashName))) return false;
      const current = trees.get(path);
      // A folder's files are checked when the workspace holds the locked version of it.
      if (!isDirOid(locked.value) || current?.kind !== 'dir' || current.oid !== locked.value) {
        return true;
      }
      return ctx.store.hasTreeContents(current.oid, undefined, { hashName, memo: ctx.memos });
    },
  };
  return { state, hashes };
}

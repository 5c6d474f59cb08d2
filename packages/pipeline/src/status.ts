/**
 * Is a stage up to date with its dvc.lock entry? (dvc/stage/__init__.py `status`,
 * dvc/output.py, dvc/dependency/param.py.) The result has DVC's shape and order:
 * `{"changed deps": {...}}`, `{"changed outs": {...}}`, `"always changed"`, `"changed command"`.
 * Only hash names and values are compared (never sizes); `cmd` is compared exactly (a string
 * never equals a list); a frozen stage does not report its dependencies.
 */
import type { LockStage } from '@cairn/types';
import type { HashInfo, HashName } from './lock.js';
import { type PyDict, type PyValue, pyEquals } from './py-value.js';
import type { Stage, StageParams } from './stage.js';

export type PathStatus = 'modified' | 'deleted' | 'new' | 'not in cache';
export type ParamStatus = 'modified' | 'deleted' | 'new';

export type StatusEntry =
  | { 'changed deps': Record<string, PathStatus | Record<string, ParamStatus>> }
  | { 'changed outs': Record<string, PathStatus> }
  | 'always changed'
  | 'changed command';

/** What the workspace holds now, supplied by the caller (who owns hashing and the cache). */
export interface StageState {
  /**
   * The current hash of a dependency or output (repo-relative path), computed with `hashName`
   * — `md5-dos2unix` for entries DVC 2 wrote (see `hashNamesFor`); undefined when it does not
   * exist.
   */
  hash(path: string, hashName: HashName): HashInfo | undefined;
  /** Current values of a params dependency (`readTrackedParams`); undefined: no such file. */
  params(params: StageParams): PyDict | undefined;
  /** Whether an output's data is in the cache (a directory: its `.dir` and every file). */
  inCache?(path: string, hash: HashInfo): boolean;
}

interface LockedHash {
  name: HashName;
  value: string;
}

function lockedHash(item: Record<string, unknown> | undefined): LockedHash | undefined {
  if (!item) return undefined;
  for (const name of ['md5', 'etag', 'checksum'] as const) {
    const value = item[name];
    if (typeof value === 'string' && value !== '') {
      const hashName: HashName = name === 'md5' && item.hash !== 'md5' ? 'md5-dos2unix' : name;
      return { name: hashName, value };
    }
  }
  return undefined;
}

function findItem(items: LockStage['deps'], defPath: string): Record<string, unknown> | undefined {
  return items?.find((i) => i.path === defPath) as Record<string, unknown> | undefined;
}

/**
 * The hash name each dependency and output must be hashed with to compare against the lock:
 * `md5`, or `md5-dos2unix` for a legacy entry (no `hash: md5`). Keyed by repo-relative path.
 */
export function hashNamesFor(stage: Stage, lock: LockStage | undefined): Map<string, HashName> {
  const out = new Map<string, HashName>();
  for (const [items, paths] of [
    [lock?.deps, stage.deps],
    [lock?.outs, stage.outs],
  ] as const) {
    for (const p of paths) {
      out.set(p.path, lockedHash(findItem(items, p.defPath))?.name ?? 'md5');
    }
  }
  return out;
}

function pathStatus(
  path: string,
  locked: LockedHash | undefined,
  state: StageState,
): 'modified' | 'deleted' | undefined {
  const current = state.hash(path, locked?.name ?? 'md5');
  if (!current) return 'deleted';
  // No lock entry compares an empty hash with a real one: DVC reports `modified`.
  if (!locked || (current.name ?? 'md5') !== locked.name || current.value !== locked.value) {
    return 'modified';
  }
  return undefined;
}

function paramsStatus(
  params: StageParams,
  locked: Record<string, unknown> | undefined,
  state: StageState,
): ParamStatus | Record<string, ParamStatus> | undefined {
  const actual = state.params(params);
  if (actual === undefined) return 'deleted';
  if (locked === undefined) return 'new';
  const info: Record<string, unknown> = {};
  if (params.keys.length === 0) Object.assign(info, locked);
  for (const key of params.keys) if (Object.hasOwn(locked, key)) info[key] = locked[key];
  const keys =
    params.keys.length > 0
      ? params.keys
      : [...new Set([...Object.keys(actual), ...Object.keys(info)])];
  const out: Record<string, ParamStatus> = {};
  for (const key of keys) {
    if (!Object.hasOwn(actual, key)) out[key] = 'deleted';
    else if (!Object.hasOwn(info, key)) out[key] = 'new';
    else if (!pyEquals(actual[key], info[key] as PyValue)) out[key] = 'modified';
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The changes of one stage against its lock entry (`[]` = up to date), in DVC's order. */
export function stageStatus(
  stage: Stage,
  lock: LockStage | undefined,
  state: StageState,
): StatusEntry[] {
  const result: StatusEntry[] = [];
  if (!stage.frozen) {
    const deps: Record<string, PathStatus | Record<string, ParamStatus>> = {};
    for (const dep of stage.deps) {
      const status = pathStatus(dep.path, lockedHash(findItem(lock?.deps, dep.defPath)), state);
      if (status) deps[dep.path] = status;
    }
    for (const params of stage.params) {
      const locked = lock?.params?.[params.file];
      const status = paramsStatus(params, locked, state);
      if (status) deps[params.path] = status;
    }
    if (Object.keys(deps).length > 0) result.push({ 'changed deps': deps });
  }
  const outs: Record<string, PathStatus> = {};
  for (const out of stage.outs) {
    const locked = lockedHash(findItem(lock?.outs, out.defPath));
    if (locked && out.cache && state.inCache && !state.inCache(out.path, locked)) {
      outs[out.path] = 'not in cache';
      continue;
    }
    const status = pathStatus(out.path, locked, state);
    if (status) outs[out.path] = status;
  }
  if (Object.keys(outs).length > 0) result.push({ 'changed outs': outs });
  const callback = stage.deps.length === 0 && stage.params.length === 0 && stage.outs.length === 0;
  if (stage.alwaysChanged || callback) result.push('always changed');
  if (lock && !cmdEquals(lock.cmd, stage.cmd)) result.push('changed command');
  return result;
}

function cmdEquals(a: string | string[], b: string | string[]): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

/** Whether a stage must run (`dvc repro` without `--force`): any change at all. */
export function isChanged(status: readonly StatusEntry[]): boolean {
  return status.length > 0;
}

const STATUS_LEN = 20;

/**
 * `dvc status` text: one `name:` line per level, each level indented by a tab, a leaf as
 * `<status>:` padded to 20 characters and then the path. Empty input: DVC's up-to-date line.
 */
export function formatStatus(status: Record<string, readonly StatusEntry[]>): string {
  const lines: string[] = [];
  const show = (value: unknown, indent: number) => {
    const ind = '\t'.repeat(indent);
    if (typeof value === 'string') {
      lines.push(`${ind}${value}`);
      return;
    }
    if (Array.isArray(value)) {
      for (const entry of value) show(entry, indent);
      return;
    }
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (typeof v === 'string') lines.push(`${ind}${`${v}:`.padEnd(STATUS_LEN)}${key}`);
      else if (v && (!Array.isArray(v) || v.length > 0)) {
        lines.push(`${ind}${key}:`);
        show(v, indent + 1);
      }
    }
  };
  show(status, 0);
  return lines.length > 0 ? lines.join('\n') : 'Data and pipelines are up to date.';
}

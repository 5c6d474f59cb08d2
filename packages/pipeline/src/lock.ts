/**
 * `dvc.lock` (dvc/dvcfile.py Lockfile, dvc/stage/serialize.py): read with Zod, and written so
 * that the bytes equal DVC's for the same data — `schema: '2.0'` first, stages in the order they
 * were first written, and per stage `cmd`, `deps`, `params`, `outs`; deps and outs sorted by
 * path as written in dvc.yaml; entries as `path`, `hash`, `md5`, `size`, `nfiles`, `isexec`;
 * params files with `params.yaml` first, the others by name, keys sorted at the first level.
 */
import { posix } from 'node:path';
import { stringifyDvcYaml, writeFileAtomic } from '@cairn/core-io';
import { CairnError, type DvcEntry, DvcLock, type LockStage, validateValue } from '@cairn/types';
import type { FileSource } from './file-source.js';
import { loadYamlPy } from './load-data.js';
import { type PyDict, type PyValue, pyCompare, pySort } from './py-value.js';
import { DEFAULT_PARAMS_FILE } from './resolve.js';
import type { Stage } from './stage.js';

export type { DvcEntry as LockEntryItem, LockStage };
export interface LockFile {
  schema: '2.0';
  stages: Record<string, LockStage>;
  datasets?: Array<Record<string, unknown>>;
}

/**
 * How a dependency or output was hashed: `md5` for DVC 3; `md5-dos2unix` for a legacy (DVC 2)
 * entry, which has no `hash:` key and whose value is stored under `md5`.
 */
export type HashName = 'md5' | 'md5-dos2unix' | 'etag' | 'checksum';

export interface HashInfo {
  /** Defaults to `md5`. */
  name?: HashName;
  /** The hash value; directories end in `.dir`. */
  value: string;
  size?: number;
  nfiles?: number;
  isexec?: boolean;
}

/** The dvc.lock next to a dvc.yaml (both repo-relative). */
export function lockPathFor(dvcfile: string): string {
  return posix.join(posix.dirname(dvcfile), 'dvc.lock');
}

/** Parses dvc.lock text; schema violations are `CAIRN_SCHEMA` errors with file:line:col. */
export function parseLock(text: string, file = 'dvc.lock'): LockFile {
  const { data, locate } = loadYamlPy(text, file);
  if (data === null) return { schema: '2.0', stages: {} };
  return validateValue(data, DvcLock, file, locate) as LockFile;
}

/** Reads the lock file of `dvcfile` from `source`; undefined when there is none. */
export async function readLock(source: FileSource, dvcfile: string): Promise<LockFile | undefined> {
  const file = lockPathFor(dvcfile);
  const bytes = await source.read(file);
  return bytes === undefined ? undefined : parseLock(bytes.toString('utf8'), file);
}

const ENTRY_ORDER = [
  'path',
  'hash',
  'md5',
  'etag',
  'checksum',
  'size',
  'nfiles',
  'isexec',
  'version_id',
];

/** An entry's keys in the order DVC writes them. */
function orderEntry(entry: DvcEntry): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const source = entry as Record<string, unknown>;
  for (const key of ENTRY_ORDER) if (source[key] !== undefined) out[key] = source[key];
  for (const [key, value] of Object.entries(source)) {
    if (!(key in out) && value !== undefined) out[key] = value;
  }
  return out;
}

function orderStage(stage: LockStage): Record<string, unknown> {
  return {
    cmd: stage.cmd,
    ...(stage.deps && stage.deps.length > 0 ? { deps: stage.deps.map(orderEntry) } : {}),
    ...(stage.params && Object.keys(stage.params).length > 0 ? { params: stage.params } : {}),
    ...(stage.outs && stage.outs.length > 0 ? { outs: stage.outs.map(orderEntry) } : {}),
  };
}

/** The text of a lock file, byte for byte as DVC writes it. */
export function formatLock(lock: LockFile): string {
  const stages: Record<string, unknown> = {};
  for (const [name, stage] of Object.entries(lock.stages)) stages[name] = orderStage(stage);
  return stringifyDvcYaml({
    schema: '2.0',
    stages,
    ...(lock.datasets ? { datasets: lock.datasets } : {}),
  });
}

/**
 * `lock` with `entries` replacing stages in place (or appended, in the order given), as DVC's
 * `Lockfile.dump_stages` updates the file.
 */
export function updateLock(
  lock: LockFile | undefined,
  entries: Record<string, LockStage>,
): LockFile {
  return {
    schema: '2.0',
    stages: { ...(lock?.stages ?? {}), ...entries },
    ...(lock?.datasets ? { datasets: lock.datasets } : {}),
  };
}

/** `lock` without the named stages (e.g. stages removed from dvc.yaml). */
export function removeFromLock(lock: LockFile, names: readonly string[]): LockFile {
  const stages = Object.fromEntries(
    Object.entries(lock.stages).filter(([n]) => !names.includes(n)),
  );
  return { ...lock, stages };
}

/** Writes a lock file atomically (`path` absolute). */
export async function writeLock(path: string, lock: LockFile): Promise<void> {
  await writeFileAtomic(path, formatLock(lock));
}

/** One dep/out entry of dvc.lock from a path as written in dvc.yaml and its hash. */
export function lockItem(defPath: string, hash: HashInfo): DvcEntry {
  const name = hash.name ?? 'md5';
  const legacy = name === 'md5-dos2unix';
  const item: Record<string, unknown> = { path: defPath };
  if (!legacy) item.hash = 'md5';
  item[legacy ? 'md5' : name] = hash.value;
  if (hash.size !== undefined) item.size = hash.size;
  if (hash.nfiles !== undefined) item.nfiles = hash.nfiles;
  if (hash.isexec) item.isexec = true;
  return item as DvcEntry;
}

export interface StageHashes {
  /** Hashes of the stage's dependencies and outputs, by repo-relative path (`StagePath.path`). */
  hashes: ReadonlyMap<string, HashInfo>;
  /** Params values by params file as written (`StageParams.file`), e.g. from `loadStageParams`. */
  params: ReadonlyMap<string, PyDict>;
}

/**
 * The dvc.lock entry of a stage after it ran (DVC's `to_single_stage_lockfile`). Every dep and
 * out needs a hash in `hashes`; a missing one is `CAIRN_LOCK_MISSING_HASH`.
 */
export function computeLockEntry(stage: Stage, { hashes, params }: StageHashes): LockStage {
  const items = (paths: ReadonlyArray<{ defPath: string; path: string }>, what: string) =>
    pySortBy(paths, (p) => p.defPath).map((p) => {
      const hash = hashes.get(p.path);
      if (!hash) {
        throw new CairnError(
          'CAIRN_LOCK_MISSING_HASH',
          `no hash for ${what} '${p.path}' of stage '${stage.addressing}'`,
          { details: { stage: stage.addressing, path: p.path } },
        );
      }
      return lockItem(p.defPath, hash);
    });
  const entry: LockStage = { cmd: stage.cmd };
  const deps = items(stage.deps, 'dependency');
  if (deps.length > 0) entry.deps = deps;
  const values = lockParams(stage, params);
  if (Object.keys(values).length > 0) entry.params = values;
  const outs = items(stage.outs, 'output');
  if (outs.length > 0) entry.outs = outs;
  return entry;
}

/** `{file: {key: value}}` with params.yaml first, then files and first-level keys sorted. */
function lockParams(
  stage: Stage,
  params: ReadonlyMap<string, PyDict>,
): Record<string, Record<string, unknown>> {
  const files = pySort(stage.params.map((p) => p.file));
  const ordered = [
    ...files.filter((f) => f === DEFAULT_PARAMS_FILE),
    ...files.filter((f) => f !== DEFAULT_PARAMS_FILE),
  ];
  const out: Record<string, Record<string, unknown>> = {};
  for (const file of ordered) {
    const dep = stage.params.find((p) => p.file === file);
    const values = params.get(file);
    if (!dep || !values) {
      throw new CairnError(
        'CAIRN_LOCK_MISSING_PARAMS',
        `no params values for '${file}' of stage '${stage.addressing}'`,
        {
          details: { stage: stage.addressing, file },
        },
      );
    }
    const keys =
      dep.keys.length === 0
        ? Object.keys(values)
        : dep.keys.filter((k) => Object.hasOwn(values, k));
    const sorted: Record<string, PyValue> = {};
    for (const key of pySort(keys)) sorted[key] = values[key] as PyValue;
    out[file] = sorted;
  }
  return out;
}

function pySortBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => pyCompare(key(a), key(b)));
}

/**
 * Params values of a stage (dvc/dependency/param.py): a tracked key is a dotted path into the
 * file (`train.lr`, `layers.0`); a whole-file dependency is the file's top-level mapping.
 */
import { CairnError } from '@cairn/types';
import type { FileSource } from './file-source.js';
import { parseDataFile } from './load-data.js';
import { type DiffOptions, type DiffOutcome, diffRevisions } from './metrics.js';
import type { Pipeline } from './pipeline.js';
import { isPyDict, type PyDict, type PyValue } from './py-value.js';
import { DEFAULT_PARAMS_FILE } from './resolve.js';
import { loadRevision, type RevisionData, type RevisionOptions, WORKSPACE } from './revisions.js';
import type { Stage, StageParams } from './stage.js';

/** The value at a dotted path (`a.b.0`), or undefined. */
export function getDotted(data: PyValue, key: string): PyValue | undefined {
  let current: PyValue | undefined = data;
  for (const part of key.split('.')) {
    if (isPyDict(current) && Object.hasOwn(current, part)) current = current[part];
    else if (Array.isArray(current) && /^\d+$/.test(part) && Number(part) < current.length) {
      current = current[Number(part)];
    } else return undefined;
  }
  return current;
}

/** Reads a params file as a mapping; `undefined` when it does not exist. */
export async function readParamsFile(
  source: FileSource,
  path: string,
): Promise<PyDict | undefined> {
  const bytes = await source.read(path);
  if (bytes === undefined) return undefined;
  const data = parseDataFile(bytes.toString('utf8'), path);
  if (data === null) return {};
  if (!isPyDict(data)) {
    throw new CairnError(
      'CAIRN_PARAMS_INVALID',
      `Unable to read parameters from '${path}': expected a mapping`,
      {
        details: { file: path },
      },
    );
  }
  return data;
}

/**
 * The tracked values of one params dependency, flattened by tracked key (`{"train.lr": 0.1}`),
 * or the top-level mapping for a whole file. Missing keys are left out; `undefined` when the
 * file does not exist (DVC's `read_params`).
 */
export async function readTrackedParams(
  source: FileSource,
  params: StageParams,
): Promise<PyDict | undefined> {
  const data = await readParamsFile(source, params.path);
  if (data === undefined || params.keys.length === 0) return data;
  const out: PyDict = {};
  for (const key of params.keys) {
    const value = getDotted(data, key);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/**
 * The current params values of a stage by params file (as written in dvc.yaml), for its lock
 * entry. A missing file or key is an error (`CAIRN_PARAMS_MISSING`), as `dvc repro` reports it.
 */
export async function loadStageParams(
  stage: Stage,
  source: FileSource,
): Promise<Map<string, PyDict>> {
  const out = new Map<string, PyDict>();
  for (const params of stage.params) {
    const values = await readTrackedParams(source, params);
    if (values === undefined) {
      throw new CairnError(
        'CAIRN_PARAMS_MISSING',
        `Parameters file '${params.path}' does not exist (stage '${stage.addressing}')`,
        {
          hint: `create ${params.path}, or remove it from the stage's params`,
          details: { stage: stage.addressing, file: params.path },
        },
      );
    }
    const missing = params.keys.filter((k) => !Object.hasOwn(values, k));
    if (missing.length > 0) {
      throw new CairnError(
        'CAIRN_PARAMS_MISSING',
        `Parameters '${missing.join(', ')}' are missing from '${params.path}' (stage '${stage.addressing}')`,
        {
          hint: `add them to ${params.path}, or remove them from the stage's params`,
          details: { stage: stage.addressing, file: params.path, keys: missing },
        },
      );
    }
    out.set(params.file, values);
  }
  return out;
}

/** A nested mapping holding only `keys` of `data` (DVC's `read_param_file` without flatten). */
function selectKeys(data: PyDict, keys: readonly string[]): PyDict {
  if (keys.length === 0) return data;
  const out: PyDict = {};
  for (const key of keys) {
    const value = getDotted(data, key);
    if (value === undefined) continue;
    const parts = key.split('.');
    let target = out;
    for (const part of parts.slice(0, -1)) {
      const next = target[part];
      target[part] = isPyDict(next) ? next : {};
      target = target[part] as PyDict;
    }
    target[parts[parts.length - 1] as string] = value;
  }
  return out;
}

export interface ParamsFilesOptions {
  /** Only the stages' params dependencies (`--deps`): no top-level `params`, no default file. */
  deps?: boolean;
  /** Params files (repo-relative) instead of the pipeline's. */
  targets?: readonly string[];
}

/**
 * The params files `params diff` reads and the keys tracked in each (empty: the whole file):
 * stage params, the top-level `params:` files and `params.yaml` at the root; a file tracked
 * whole anywhere is read whole (DVC's `_collect_params`).
 */
export async function collectParamsFiles(
  pipeline: Pipeline,
  options: ParamsFilesOptions = {},
): Promise<Map<string, string[]>> {
  const entries: Array<[string, string[]]> = [];
  if (options.targets && options.targets.length > 0) {
    for (const t of options.targets) entries.push([t, []]);
  } else {
    for (const stage of pipeline.stages)
      for (const p of stage.params) entries.push([p.path, p.keys]);
    if (!options.deps) {
      for (const file of pipeline.dvcfiles) for (const p of file.params) entries.push([p, []]);
      if ((await pipeline.source.read(DEFAULT_PARAMS_FILE)) !== undefined)
        entries.push([DEFAULT_PARAMS_FILE, []]);
    }
  }
  const whole = new Set(entries.filter(([, keys]) => keys.length === 0).map(([p]) => p));
  const out = new Map<string, string[]>();
  for (const [path, keys] of entries) {
    out.set(path, whole.has(path) ? [] : [...new Set([...(out.get(path) ?? []), ...keys])]);
  }
  return out;
}

/** The params of one revision: each file's tracked values, plus values used from vars files. */
export async function showParams(
  options: RevisionOptions & ParamsFilesOptions,
  rev = WORKSPACE,
): Promise<RevisionData> {
  return loadRevision(options, rev, async (pipeline, data) => {
    for (const [path, keys] of await collectParamsFiles(pipeline, options)) {
      try {
        const values = await readParamsFile(pipeline.source, path);
        if (values === undefined) {
          throw new CairnError('CAIRN_PARAMS_MISSING', `Parameters file '${path}' does not exist`, {
            details: { file: path },
          });
        }
        data.files.set(path, selectKeys(values, keys));
      } catch (error) {
        data.fileErrors.set(path, error instanceof Error ? error : new Error(String(error)));
      }
    }
    if (options.targets && options.targets.length > 0) return;
    // Values templates took from vars files, for files not read as params (DVC's `_collect_vars`).
    const read = new Set(data.files.keys());
    for (const stage of pipeline.stages) {
      for (const [file, values] of Object.entries(stage.trackedVars)) {
        if (read.has(file)) continue;
        const current = data.files.get(file);
        data.files.set(file, { ...(isPyDict(current) ? current : {}), ...values });
      }
    }
  });
}

/** `params diff [a_rev] [b_rev]`: HEAD against the workspace by default. */
export function paramsDiff(options: DiffOptions & ParamsFilesOptions): Promise<DiffOutcome> {
  return diffRevisions(options, (rev) => showParams(options, rev));
}

/**
 * Params values of a stage (dvc/dependency/param.py): a tracked key is a dotted path into the
 * file (`train.lr`, `layers.0`); a whole-file dependency is the file's top-level mapping.
 */
import { CairnError } from '@cairn/types';
import type { FileSource } from './file-source.js';
import { parseDataFile } from './load-data.js';
import { isPyDict, type PyDict, type PyValue } from './py-value.js';
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

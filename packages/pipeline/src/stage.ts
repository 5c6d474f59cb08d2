/**
 * Typed stages built from resolved definitions: what a runner needs (commands, working
 * directory, dependencies, params, outputs with their flags) with paths both as written in
 * dvc.yaml (relative to `wdir`, the form dvc.lock uses) and relative to the repository root.
 */
import { isAbsolute, posix, resolve } from 'node:path';
import type { CairnError } from '@cairn/types';
import { isPyDict, type PyDict, type PyValue, pyStr } from './py-value.js';
import {
  DEFAULT_PARAMS_FILE,
  definitionError,
  type ResolvedDvcYaml,
  type ResolvedStageDefinition,
  typeName,
} from './resolve.js';

/** A path of a dependency or output. */
export interface StagePath {
  /** As written in dvc.yaml: relative to the stage's `wdir` (the key dvc.lock uses). */
  defPath: string;
  /** Posix path relative to the repository root; for an external path, the path as written. */
  path: string;
  /** A URL (`s3://...`, `remote://...`) or a path outside the repository. */
  external: boolean;
}

export type StageDep = StagePath;

export type OutKind = 'out' | 'metric' | 'plot';

/** Plot properties of a stage plot (`x`, `y`, `template`, ...), in file order. */
export type PlotProps = PyDict;

export interface StageOut extends StagePath {
  kind: OutKind;
  /** Stored in the cache (default true); `cache: false` leaves the file to git. */
  cache: boolean;
  /** Kept (not deleted) before the command runs. */
  persist: boolean;
  /** Pushed to remotes (default true). */
  push: boolean;
  remote?: string;
  desc?: string;
  type?: string;
  labels?: string[];
  meta?: PyValue;
  /** Plot properties (plots only). */
  plot?: PlotProps;
}

export interface StageParams {
  /** The params file as written (relative to `wdir`); `params.yaml` by default. */
  file: string;
  /** The params file relative to the repository root. */
  path: string;
  /** Tracked keys (dotted paths) in the order given; empty when the whole file is tracked. */
  keys: string[];
}

export interface Stage {
  kind: 'stage';
  /** `train`, `train@model1`. */
  name: string;
  /** How DVC names it: `name` in ./dvc.yaml, else `dir/dvc.yaml:name`. */
  addressing: string;
  /** Repo-relative posix path of the dvc.yaml that defines it. */
  dvcfile: string;
  /** The `foreach`/`matrix` stage it was generated from, and its key there. */
  group?: string;
  groupKey?: string;
  /** `cmd` exactly as defined (a string, or a list of commands run in order). */
  cmd: string | string[];
  /** The commands to run, in order. */
  commands: string[];
  /** Working directory relative to the repository root ('' = root). */
  wdir: string;
  /** Absolute working directory. */
  wdirAbs: string;
  deps: StageDep[];
  params: StageParams[];
  /** Outputs in dvc.yaml order: `outs`, then `metrics`, then `plots`. */
  outs: StageOut[];
  frozen: boolean;
  alwaysChanged: boolean;
  desc?: string;
  meta?: PyValue;
  /** Values of vars/params files its templates used: file (repo-relative) → key → value. */
  trackedVars: Record<string, PyDict>;
}

const URL_LIKE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/** Resolves a path written in a stage (relative to its wdir) against the repository root. */
export function stagePath(defPath: string, wdir: string): StagePath {
  if (URL_LIKE.test(defPath) || isAbsolute(defPath)) {
    return { defPath, path: defPath, external: true };
  }
  const joined = posix.normalize(posix.join(wdir || '.', defPath)).replace(/\/+$/, '');
  const external = joined === '..' || joined.startsWith('../');
  return { defPath, path: joined === '.' ? '' : joined, external };
}

export function addressingOf(dvcfile: string, name: string): string {
  return dvcfile === 'dvc.yaml' ? name : `${dvcfile}:${name}`;
}

/** Build the typed stages of one resolved dvc.yaml; `root` is the repository root. */
export function buildStages(resolved: ResolvedDvcYaml, root: string): Stage[] {
  return resolved.stages.map((def) => new StageBuilder(resolved, def, root).build());
}

class StageBuilder {
  constructor(
    private readonly file: ResolvedDvcYaml,
    private readonly def: ResolvedStageDefinition,
    private readonly root: string,
  ) {}

  private error(field: Array<string | number>, message: string): CairnError {
    return definitionError(
      this.file.file,
      this.file.locate,
      [...this.def.yamlPath, ...field],
      message,
      {
        stage: this.def.name,
        code: 'CAIRN_PIPELINE_STAGE',
      },
    );
  }

  build(): Stage {
    const d = this.def.definition;
    const cmd = this.cmd(d.cmd);
    const stage: Stage = {
      kind: 'stage',
      name: this.def.name,
      addressing: addressingOf(this.file.file, this.def.name),
      dvcfile: this.file.file,
      ...(this.def.group === undefined ? {} : { group: this.def.group }),
      ...(this.def.key === undefined ? {} : { groupKey: this.def.key }),
      cmd,
      commands: typeof cmd === 'string' ? [cmd] : cmd,
      wdir: this.def.wdir,
      wdirAbs: resolve(this.root, this.def.wdir || '.'),
      deps: this.list(d.deps, 'deps').map((p, i) =>
        stagePath(this.pathString(p, ['deps', i]), this.def.wdir),
      ),
      params: this.params(d.params),
      outs: [
        ...this.outs(d.outs, 'outs', 'out'),
        ...this.outs(d.metrics, 'metrics', 'metric'),
        ...this.outs(d.plots, 'plots', 'plot'),
      ],
      frozen: this.bool(d.frozen, 'frozen'),
      alwaysChanged: this.bool(d.always_changed, 'always_changed'),
      trackedVars: this.def.trackedVars,
    };
    if (typeof d.desc === 'string') stage.desc = d.desc;
    if (d.meta !== undefined) stage.meta = d.meta;
    return stage;
  }

  private cmd(value: PyValue | undefined): string | string[] {
    if (typeof value === 'string') return value;
    if (Array.isArray(value) && value.length > 0 && value.every((c) => typeof c === 'string')) {
      return value as string[];
    }
    throw this.error(['cmd'], `expected a string or a list of strings, got ${typeName(value)}`);
  }

  private bool(value: PyValue | undefined, field: string): boolean {
    if (value === undefined || value === null) return false;
    if (typeof value === 'boolean') return value;
    throw this.error([field], `expected bool, got ${typeName(value)}`);
  }

  private list(value: PyValue | undefined, field: string): PyValue[] {
    if (value === undefined || value === null) return [];
    if (Array.isArray(value)) return value;
    throw this.error([field], `expected a list, got ${typeName(value)}`);
  }

  private pathString(value: PyValue | undefined, field: Array<string | number>): string {
    // A number interpolated into a path (`${item}` with item 2021) names a file `2021`.
    if (typeof value === 'number' || typeof value === 'bigint') return pyStr(value);
    if (typeof value !== 'string' || value === '') {
      throw this.error(field, `expected a path, got ${typeName(value)}`);
    }
    return value;
  }

  /** DVC's `_merge_params`: keys of params.yaml, `{file: [keys]}`, `{file: }` for a whole file. */
  private params(value: PyValue | undefined): StageParams[] {
    const items = this.list(value, 'params');
    const whole = new Set<string>();
    for (const item of items) {
      if (isPyDict(item)) {
        for (const [file, keys] of Object.entries(item)) {
          if (keys === null || (Array.isArray(keys) && keys.length === 0)) whole.add(file);
        }
      }
    }
    const byFile = new Map<string, string[]>();
    const add = (file: string, keys: string[]) => {
      const current = byFile.get(file) ?? [];
      byFile.set(file, whole.has(file) ? [] : [...current, ...keys]);
    };
    items.forEach((item, i) => {
      if (typeof item === 'string') add(DEFAULT_PARAMS_FILE, [item]);
      else if (isPyDict(item)) {
        for (const [file, keys] of Object.entries(item)) {
          if (keys !== null && !Array.isArray(keys)) {
            throw this.error(
              ['params', i, file],
              `Expected list of params for custom params file '${file}', got '${typeName(keys)}'.`,
            );
          }
          add(
            file,
            (keys ?? []).map((k, j) => this.pathString(k, ['params', i, file, j])),
          );
        }
      } else {
        throw this.error(
          ['params', i],
          `Only list of str/dict is supported. Got: '${typeName(item)}'.`,
        );
      }
    });
    return [...byFile].map(([file, keys]) => ({
      file,
      path: stagePath(file, this.def.wdir).path,
      keys: [...new Set(keys)],
    }));
  }

  private outs(value: PyValue | undefined, field: string, kind: OutKind): StageOut[] {
    return this.list(value, field).map((item, i) => {
      let defPath: string;
      let flags: PyDict = {};
      if (isPyDict(item)) {
        const [entry] = Object.entries(item);
        if (!entry || Object.keys(item).length !== 1) {
          throw this.error([field, i], 'expected exactly one path per entry');
        }
        defPath = this.pathString(entry[0], [field, i]);
        if (entry[1] !== null && !isPyDict(entry[1])) {
          throw this.error(
            [field, i, entry[0]],
            `expected a mapping of flags, got ${typeName(entry[1])}`,
          );
        }
        flags = (entry[1] ?? {}) as PyDict;
      } else defPath = this.pathString(item, [field, i]);
      return this.out(defPath, flags, kind, [field, i]);
    });
  }

  private out(defPath: string, flags: PyDict, kind: OutKind, at: Array<string | number>): StageOut {
    const flag = (name: string, fallback: boolean): boolean => {
      const v = flags[name];
      if (v === undefined || v === null) return fallback;
      if (typeof v !== 'boolean')
        throw this.error([...at, defPath, name], `expected bool, got ${typeName(v)}`);
      return v;
    };
    const out: StageOut = {
      ...stagePath(defPath, this.def.wdir),
      kind,
      cache: flag('cache', true),
      persist: flag('persist', false),
      push: flag('push', true),
    };
    for (const key of ['remote', 'desc', 'type'] as const) {
      const v = flags[key];
      if (typeof v === 'string') out[key] = v;
    }
    if (Array.isArray(flags.labels)) out.labels = flags.labels.map((l) => pyStr(l));
    if (flags.meta !== undefined) out.meta = flags.meta;
    if (kind === 'plot') {
      const props: PlotProps = {};
      for (const key of ['template', 'x', 'y', 'x_label', 'y_label', 'title', 'header']) {
        if (flags[key] !== undefined) props[key] = flags[key] as PyValue;
      }
      out.plot = props;
    }
    return out;
  }
}

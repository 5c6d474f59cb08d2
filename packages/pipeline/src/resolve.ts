/**
 * `dvc.yaml` → resolved stage definitions, as DVC's DataResolver (dvc/parsing/__init__.py) does:
 * the context is `params.yaml` (next to dvc.yaml, if present) plus the top-level `vars`; each
 * stage may add its own `vars`; `foreach`/`matrix` stages are expanded into `name@key` stages;
 * every `${...}` is resolved. Errors name the file, line and column, the field and the stage.
 */
import { posix } from 'node:path';
import { CairnError, CairnParseError, DvcYaml, type Locator, validateValue } from '@cairn/types';
import type { FileSource } from './file-source.js';
import {
  Context,
  checkExpressions,
  isInterpolated,
  type ParsingConfig,
  TemplateError,
  toStr,
} from './interpolate.js';
import { loadYamlPy, parseDataFile } from './load-data.js';
import { isPyDict, type PyDict, type PyValue } from './py-value.js';

export const DEFAULT_PARAMS_FILE = 'params.yaml';
/** Joins a group name and a generated key: `train@model1`. */
export const JOIN = '@';

export interface ResolvedStageDefinition {
  /** `train`, or `train@model1` / `build@win-3.7` for generated stages. */
  name: string;
  /** The `foreach`/`matrix` stage this one was generated from. */
  group?: string;
  /** The key within the group (`model1`, `win-3.7`). */
  key?: string;
  /** Every field of the definition, interpolated (without `vars`, `foreach`, `do`, `matrix`). */
  definition: PyDict;
  /** Posix path of the stage's working directory relative to the repository root ('' = root). */
  wdir: string;
  /** Path of the definition inside dvc.yaml, for error positions. */
  yamlPath: Array<string | number>;
  /** Values of vars/params files used by its templates: file (repo-relative) → key → value. */
  trackedVars: Record<string, PyDict>;
}

export interface ResolvedDvcYaml {
  /** Posix path of the dvc.yaml relative to the repository root. */
  file: string;
  stages: ResolvedStageDefinition[];
  params: string[];
  metrics: string[];
  plots: PyValue[];
  artifacts: Record<string, PyDict>;
  datasets: PyDict[];
  /** Locates a field path in the file: `{line, column}`. */
  locate: Locator;
}

export interface ResolveOptions {
  parsing?: ParsingConfig;
}

/** A definition error: `dvc.yaml:12:10: stages.train.cmd: Could not find 'lr'`. */
export function definitionError(
  file: string,
  locate: Locator,
  path: Array<string | number>,
  message: string,
  extra: { stage?: string; hint?: string; code?: `CAIRN_${Uppercase<string>}` } = {},
): CairnError {
  const { line, column } = locate(path);
  const where = path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
    .join('')
    .slice(1);
  const stage =
    extra.stage && !where.startsWith(`stages.${extra.stage}`) ? ` (stage '${extra.stage}')` : '';
  return new CairnError(
    extra.code ?? 'CAIRN_PIPELINE_RESOLVE',
    `${file}:${line}:${column}: ${where}${stage}: ${message}`,
    {
      details: { file, line, column, field: where, ...(extra.stage ? { stage: extra.stage } : {}) },
      ...(extra.hint ? { hint: extra.hint } : {}),
    },
  );
}

/** Read and resolve one dvc.yaml (`file` is repo-relative) from `source`. */
export async function resolveDvcYaml(
  source: FileSource,
  file: string,
  options: ResolveOptions = {},
): Promise<ResolvedDvcYaml> {
  const bytes = await source.read(file);
  if (bytes === undefined) {
    throw new CairnError('CAIRN_PIPELINE_NOT_FOUND', `'${file}' does not exist`, {
      details: { file },
    });
  }
  const text = bytes.toString('utf8');
  const { data, locate } = withTemplateHint(() => loadYamlPy(text, file), text);
  const raw = validateValue(data ?? {}, DvcYaml, file, locate) as DvcYaml;
  const resolver = new Resolver(source, file, raw as unknown as PyDict, locate, options);
  return resolver.run();
}

/**
 * `[out-${item}]` is a YAML syntax error (`{` opens a mapping inside a flow list): say so.
 */
function withTemplateHint<T>(load: () => T, text: string): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof CairnParseError) || error.code !== 'CAIRN_PARSE') throw error;
    const line = text.split('\n')[(error.issues[0]?.line ?? 1) - 1] ?? '';
    if (!/[[{].*\$\{/.test(line)) throw error;
    throw new CairnError('CAIRN_PARSE', error.message, {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: dvc.yaml's template syntax, not JS
      hint: "quote values that contain ${...} inside [ ] or { } (e.g. ['out-${item}']), or use a block list",
      ...(error.details ? { details: error.details } : {}),
      cause: error,
    });
  }
}

class Resolver {
  private readonly dir: string;
  private readonly context = new Context();

  constructor(
    private readonly source: FileSource,
    private readonly file: string,
    private readonly raw: PyDict,
    private readonly locate: Locator,
    private readonly options: ResolveOptions,
  ) {
    const dir = posix.dirname(file);
    this.dir = dir === '.' ? '' : dir;
  }

  private error(path: Array<string | number>, message: string, stage?: string): CairnError {
    return definitionError(this.file, this.locate, path, message, stage ? { stage } : {});
  }

  async run(): Promise<ResolvedDvcYaml> {
    const vars = (this.raw.vars ?? []) as PyValue[];
    this.checkNoInterpolation(vars, ['vars']);
    await this.loadVars(this.context, vars, this.dir, ['vars'], '');

    const stages: ResolvedStageDefinition[] = [];
    const stagesData = (this.raw.stages ?? {}) as PyDict;
    for (const [name, definition] of Object.entries(stagesData)) {
      stages.push(...(await this.resolveEntry(name, definition as PyDict)));
    }
    const top = (key: string): PyValue[] =>
      ((this.raw[key] ?? []) as PyValue[]).map((item, i) => this.resolveTop(item, [key, i]));
    const artifacts: Record<string, PyDict> = {};
    for (const [name, def] of Object.entries((this.raw.artifacts ?? {}) as PyDict)) {
      const resolvedName = this.resolveTop(name, ['artifacts', name]);
      if (typeof resolvedName !== 'string') {
        throw this.error(['artifacts', name], `expected str, got ${typeName(resolvedName)}`);
      }
      artifacts[resolvedName] = this.resolveTop(def, ['artifacts', name]) as PyDict;
    }
    return {
      file: this.file,
      stages,
      params: top('params').map((p, i) => this.expectString(p, ['params', i])),
      metrics: top('metrics').map((p, i) => this.expectString(p, ['metrics', i])),
      plots: top('plots'),
      artifacts,
      datasets: top('datasets') as PyDict[],
      locate: this.locate,
    };
  }

  private expectString(value: PyValue, path: Array<string | number>): string {
    if (typeof value !== 'string') throw this.error(path, `expected str, got ${typeName(value)}`);
    return value;
  }

  private resolveTop(value: PyValue, path: Array<string | number>): PyValue {
    return this.guard(path, () => {
      checkExpressions(value);
      return this.context.resolve(value, undefined, this.options.parsing);
    });
  }

  /** Runs `fn`, reporting a template problem at `path` of dvc.yaml. */
  private guard<T>(path: Array<string | number>, fn: () => T, stage?: string): T {
    try {
      return fn();
    } catch (error) {
      if (error instanceof TemplateError) throw this.error(path, error.message, stage);
      throw error;
    }
  }

  private checkNoInterpolation(value: PyValue, path: Array<string | number>): void {
    const visit = (v: PyValue): boolean =>
      isInterpolated(v) ||
      (Array.isArray(v) && v.some(visit)) ||
      (isPyDict(v) && Object.values(v).some(visit));
    if (visit(value)) throw this.error(path, 'interpolating is not allowed');
  }

  /** Default `params.yaml` (top level only), then each item of `vars`. */
  private async loadVars(
    context: Context,
    vars: PyValue[],
    wdir: string,
    path: Array<string | number>,
    stageName: string,
  ): Promise<void> {
    if (!stageName) {
      const defaultFile = posix.join(wdir, DEFAULT_PARAMS_FILE);
      if ((await this.source.read(defaultFile)) !== undefined) {
        await this.mergeFile(context, DEFAULT_PARAMS_FILE, wdir, path);
      }
    }
    for (const [index, item] of vars.entries()) {
      if (typeof item === 'string') await this.mergeFile(context, item, wdir, [...path, index]);
      else {
        const source = `${stageName}${stageName ? '.' : ''}vars[${index}]`;
        this.guard([...path, index], () => context.merge(item as PyDict, source));
      }
    }
  }

  /** `file.yaml` or `file.yaml:key1,key2`, relative to `wdir`. */
  private async mergeFile(
    context: Context,
    item: string,
    wdir: string,
    at: Array<string | number>,
  ): Promise<void> {
    const colon = item.indexOf(':');
    const relPath = colon === -1 ? item : item.slice(0, colon);
    const keysText = colon === -1 ? '' : item.slice(colon + 1);
    const path = posix.normalize(posix.join(wdir, relPath));
    const keys = keysText ? keysText.split(',').filter(Boolean) : null;
    const imported = context.imports.get(path);
    if (imported !== undefined) {
      if (!keys && imported === null) return; // the whole file may be listed again
      if (!keys && Array.isArray(imported)) {
        throw this.error(at, `cannot load '${item}' as it's partially loaded already`);
      }
      if (keys && imported === null) {
        throw this.error(at, `cannot partially load '${item}' as it's already loaded.`);
      }
      if (keys && Array.isArray(imported) && keys.some((k) => imported.includes(k))) {
        throw this.error(at, `cannot load '${item}' as it's partially loaded already`);
      }
    }
    const bytes = await this.source.read(path);
    if (bytes === undefined) {
      const message = (await this.source.isDirectory(path))
        ? `'${path}' is a directory`
        : `'${path}' does not exist`;
      throw this.error(at, message);
    }
    let data = parseDataFile(bytes.toString('utf8'), path);
    if (!isPyDict(data)) {
      throw this.error(at, `expected a dictionary, got '${typeName(data)}' in file '${path}'`);
    }
    if (keys) {
      const selected: PyDict = {};
      for (const key of keys) {
        if (!Object.hasOwn(data, key)) throw this.error(at, `could not find '${key}' in '${path}'`);
        selected[key] = data[key] as PyValue;
      }
      data = selected;
    }
    const merged = data;
    this.guard(at, () => context.merge(merged, path, { file: true }));
    if (imported === undefined || imported === null) context.imports.set(path, keys);
    else if (keys) imported.push(...keys);
  }

  private async resolveEntry(name: string, definition: PyDict): Promise<ResolvedStageDefinition[]> {
    if ('foreach' in definition) return this.resolveForeach(name, definition);
    if ('matrix' in definition) return this.resolveMatrix(name, definition);
    this.checkSyntax(definition, ['stages', name]);
    return [await this.resolveStage(name, definition, this.context, ['stages', name])];
  }

  private checkSyntax(definition: PyDict, path: Array<string | number>): void {
    for (const [key, value] of Object.entries(definition)) {
      this.guard([...path, key], () => checkExpressions(value));
    }
  }

  private async resolveStage(
    name: string,
    definition: PyDict,
    baseContext: Context,
    path: Array<string | number>,
    generated?: { group: string; key: string },
  ): Promise<ResolvedStageDefinition> {
    const stage = generated ? name : undefined;
    let wdir = this.dir;
    if (definition.wdir !== undefined && definition.wdir !== null && definition.wdir !== '') {
      const value = definition.wdir;
      const resolved = this.guard(
        [...path, 'wdir'],
        () => toStr(baseContext.resolve(value), this.options.parsing),
        stage,
      );
      wdir = posix.normalize(posix.join(this.dir, resolved));
      if (wdir === '.') wdir = '';
    }
    const { vars, ...rest } = definition;
    let context = baseContext;
    if (Array.isArray(vars) && vars.length > 0) {
      this.checkNoInterpolation(vars, [...path, 'vars']);
      context = baseContext.clone();
      await this.loadVars(context, vars, wdir, [...path, 'vars'], name);
    }
    const resolved: PyDict = {};
    context.startTracking();
    for (const [key, value] of Object.entries(rest)) {
      resolved[key] = this.guard(
        [...path, key],
        () => context.resolve(value, key, this.options.parsing),
        stage,
      );
    }
    return {
      name,
      ...(generated ? { group: generated.group, key: generated.key } : {}),
      definition: resolved,
      wdir,
      yamlPath: path,
      trackedVars: context.stopTracking(),
    };
  }

  private async resolveForeach(
    name: string,
    definition: PyDict,
  ): Promise<ResolvedStageDefinition[]> {
    const template = definition.do as PyDict;
    const templatePath = ['stages', name, 'do'];
    this.checkSyntax(template, templatePath);
    const iterable = this.guard(['stages', name, 'foreach'], () => {
      checkExpressions(definition.foreach ?? null);
      return this.context.resolve(definition.foreach ?? null, 'foreach', this.options.parsing);
    });
    if (!Array.isArray(iterable) && !isPyDict(iterable)) {
      throw this.error(
        ['stages', name, 'foreach'],
        `expected list/dictionary, got ${typeName(iterable)}`,
      );
    }
    const entries = new Map<string, PyValue>();
    if (isPyDict(iterable)) {
      for (const [k, v] of Object.entries(iterable)) entries.set(k, v);
    } else if (iterable.some((v) => Array.isArray(v) || isPyDict(v))) {
      for (const [i, v] of iterable.entries()) entries.set(String(i), v);
    } else {
      for (const v of iterable) entries.set(toStr(v), v);
    }
    const generated = new Map<string, PyDict>();
    for (const [key, item] of entries)
      generated.set(key, isPyDict(iterable) ? { item, key } : { item });
    return this.generate(name, generated, template, templatePath);
  }

  private async resolveMatrix(
    name: string,
    definition: PyDict,
  ): Promise<ResolvedStageDefinition[]> {
    const { matrix, ...template } = definition;
    const path = ['stages', name];
    this.checkSyntax(template, path);
    const resolved = this.guard([...path, 'matrix'], () => {
      checkExpressions(matrix ?? null);
      return this.context.resolve(matrix ?? null, undefined, this.options.parsing);
    });
    if (!isPyDict(resolved)) {
      throw this.error([...path, 'matrix'], `expected a dictionary, got ${typeName(resolved)}`);
    }
    const axes = Object.entries(resolved);
    for (const [axis, values] of axes) {
      if (!Array.isArray(values)) {
        throw this.error([...path, 'matrix', axis], `expected a list, got ${typeName(values)}`);
      }
    }
    let combos: Array<{ item: PyDict; fragments: string[] }> = [{ item: {}, fragments: [] }];
    for (const [axis, values] of axes) {
      const next: typeof combos = [];
      for (const combo of combos) {
        (values as PyValue[]).forEach((value, i) => {
          const fragment = Array.isArray(value) || isPyDict(value) ? `${axis}${i}` : toStr(value);
          next.push({
            item: { ...combo.item, [axis]: value },
            fragments: [...combo.fragments, fragment],
          });
        });
      }
      combos = next;
    }
    const generated = new Map<string, PyDict>();
    for (const { fragments, item } of combos) {
      const key = fragments.join('-');
      generated.set(key, { key, item });
    }
    return this.generate(name, generated, template, path);
  }

  /** One stage `name@key` per entry, with `item` (and `key`) set while it is resolved. */
  private async generate(
    group: string,
    entries: Map<string, PyDict>,
    template: PyDict,
    path: Array<string | number>,
  ): Promise<ResolvedStageDefinition[]> {
    const out: ResolvedStageDefinition[] = [];
    for (const [key, temporary] of entries) {
      const name = `${group}${JOIN}${key}`;
      out.push(
        await this.context.withTemporary(temporary, () =>
          this.resolveStage(name, template, this.context, path, { group, key }),
        ),
      );
    }
    return out;
  }
}

/** Python's type name of a loaded value, for messages. */
export function typeName(value: PyValue | undefined): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return 'list';
  if (isPyDict(value)) return 'dict';
  if (typeof value === 'number' && Number.isInteger(value)) return 'int';
  if (typeof value === 'bigint') return 'int';
  return 'float';
}

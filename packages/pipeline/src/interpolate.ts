/**
 * `${...}` templating as DVC does it (dvc/parsing/interpolate.py, context.py):
 * - a string that is exactly one `${expr}` takes the selected value with its type;
 * - otherwise each `${expr}` is replaced by `to_str(value)` (Python `str`, `true`/`false`, and a
 *   dict becomes `--key value` arguments, in `cmd` only);
 * - `expr` is `word(.word | [word])*`; `[x]` means `.x`; `\${` is a literal `${`;
 * - `${{...}}` is not special (it looks up a key named `{...`), as in DVC.
 */
import { isPyDict, type PyDict, type PyValue, pyStr } from './py-value.js';

/** `parsing` section of `.dvc/config`: how dicts become command-line arguments. */
export interface ParsingConfig {
  /** `store_true` (default): `--flag` for true, nothing for false; `boolean_optional`: `--no-flag`. */
  bool?: 'store_true' | 'boolean_optional';
  /** `nargs` (default): `--k 1 2`; `append`: `--k 1 --k 2`. */
  list?: 'nargs' | 'append';
}

/** A problem in a template, reported with the field it is in by the caller. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

const KEYCRE = /(?<!\\)\$\{(.*?)\}/g;

interface Match {
  start: number;
  end: number;
  inner: string;
}

function matchesOf(template: string): Match[] {
  return [...template.matchAll(KEYCRE)].map((m) => ({
    start: m.index ?? 0,
    end: (m.index ?? 0) + m[0].length,
    inner: m[1] ?? '',
  }));
}

export function isInterpolated(value: unknown): boolean {
  return typeof value === 'string' && matchesOf(value).length > 0;
}

/**
 * Checks the grammar `word(.word | [word])*` (a word has no `.`, `[` or `]`) and returns the
 * normalised dotted key.
 */
export function parseExpression(inner: string): string {
  const grammar = /^[^.[\]]+(?:\.[^.[\]]+|\[[^.[\]]+\])*$/;
  if (!grammar.test(inner)) {
    throw new TemplateError(`invalid expression '\${${inner}}'`);
  }
  return inner.replaceAll('[', '.').replaceAll(']', '');
}

/** Throws on the first malformed `${...}` anywhere in `value` (keys included). */
export function checkExpressions(value: PyValue): void {
  if (typeof value === 'string') {
    for (const m of matchesOf(value)) parseExpression(m.inner);
  } else if (Array.isArray(value)) value.forEach(checkExpressions);
  else if (isPyDict(value)) {
    for (const [k, v] of Object.entries(value)) {
      checkExpressions(k);
      checkExpressions(v);
    }
  }
}

/** Python's `shlex.quote`. */
export function shellQuote(text: string): string {
  if (text === '') return "''";
  if (!/[^\w@%+=:,./-]/.test(text)) return text;
  return `'${text.replaceAll("'", `'"'"'`)}'`;
}

/** Nested dicts flattened with dotted keys; empty dicts vanish (DVC's `flatten`). */
export function flattenDict(dict: PyDict, prefix = ''): Array<[string, PyValue]> {
  const out: Array<[string, PyValue]> = [];
  for (const [k, v] of Object.entries(dict)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isPyDict(v)) out.push(...flattenDict(v, key));
    else out.push([key, v]);
  }
  return out;
}

/** DVC's `to_str`: how a value is written into a string. */
export function toStr(value: PyValue, config: ParsingConfig = {}): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (!isPyDict(value)) return pyStr(value);
  let result = '';
  for (const [k, v] of flattenDict(value)) {
    if (typeof v === 'boolean') {
      if (v) result += `--${k} `;
      else if (config.bool === 'boolean_optional') result += `--no-${k} `;
    } else if (typeof v === 'string') {
      result += `--${k} ${shellQuote(v)} `;
    } else if (Array.isArray(v)) {
      v.forEach((item, n) => {
        if (Array.isArray(item) || isPyDict(item)) {
          throw new TemplateError(`Cannot interpolate nested iterable in '${k}'`);
        }
        const text = typeof item === 'string' ? shellQuote(item) : pyStr(item);
        if (config.list === 'append') result += `--${k} ${text} `;
        else result += n > 0 ? `${text} ` : `--${k} ${text} `;
      });
    } else {
      result += `--${k} ${pyStr(v)} `;
    }
  }
  return result.trimEnd();
}

/** Where a value in the context came from: a file, or `vars[0]` / `stage.vars[0]`. */
type SourceMap = Map<string, string>;

/**
 * The variables templates can use: `params.yaml`, then `vars` (files and inline dicts), then a
 * stage's own `vars`, and `item`/`key` in `foreach`/`matrix` stages.
 */
export class Context {
  readonly data: PyDict;
  private readonly sources: SourceMap;
  /** Files loaded so far: the selected keys, or null for the whole file. */
  readonly imports: Map<string, string[] | null>;
  private readonly reserved = new Set<string>();
  /** Sources that are files (values from them are tracked), as opposed to inline `vars`. */
  private readonly fileSources = new Set<string>();
  private tracked: Map<string, PyDict> | undefined;

  constructor(
    data: PyDict = {},
    sources: SourceMap = new Map(),
    imports = new Map<string, string[] | null>(),
  ) {
    this.data = data;
    this.sources = sources;
    this.imports = imports;
  }

  clone(): Context {
    const copy = new Context(
      structuredCloneDict(this.data),
      new Map(this.sources),
      new Map([...this.imports].map(([k, v]) => [k, v ? [...v] : null])),
    );
    for (const key of this.reserved) copy.reserved.add(key);
    for (const source of this.fileSources) copy.fileSources.add(source);
    copy.tracked = this.tracked;
    return copy;
  }

  has(key: string): boolean {
    return Object.hasOwn(this.data, key);
  }

  /**
   * Merges `update` into the context; redefining an existing value is an error (dicts merge
   * key by key), as is touching `item`/`key` inside a generated stage.
   */
  merge(update: PyDict, source: string, { file = false }: { file?: boolean } = {}): void {
    if (file) this.fileSources.add(source);
    const reserved = Object.keys(update).filter((k) => this.reserved.has(k));
    if (reserved.length > 0) {
      const n = reserved.length > 1 ? 'keys' : 'key';
      throw new TemplateError(
        `attempted to modify reserved ${n} ${reserved.map((k) => `'${k}'`).join(' and ')}`,
      );
    }
    this.mergeInto(this.data, update, '', source);
  }

  private mergeInto(into: PyDict, update: PyDict, prefix: string, source: string): void {
    for (const [key, value] of Object.entries(update)) {
      const path = prefix ? `${prefix}.${key}` : key;
      const existing = into[key];
      if (isPyDict(existing) && isPyDict(value)) {
        this.mergeInto(existing, value, path, source);
        continue;
      }
      if (Object.hasOwn(into, key)) {
        const before = this.sources.get(path) ?? '<local>';
        throw new TemplateError(
          `cannot redefine '${path}' from '${source}' as it already exists in '${before}'`,
        );
      }
      into[key] = value;
      this.recordSources(path, value, source);
    }
  }

  private recordSources(path: string, value: PyValue, source: string): void {
    this.sources.set(path, source);
    if (isPyDict(value)) {
      for (const [k, v] of Object.entries(value)) this.recordSources(`${path}.${k}`, v, source);
    }
  }

  /** Sets `item`/`key` for one generated stage; they cannot be redefined by its `vars`. */
  async withTemporary<T>(values: PyDict, run: () => Promise<T>): Promise<T> {
    const previous = new Map<string, PyValue | undefined>();
    for (const [k, v] of Object.entries(values)) {
      previous.set(k, Object.hasOwn(this.data, k) ? this.data[k] : undefined);
      this.data[k] = v;
    }
    const added = Object.keys(values).filter((k) => !this.reserved.has(k));
    for (const k of added) this.reserved.add(k);
    try {
      return await run();
    } finally {
      for (const k of added) this.reserved.delete(k);
      for (const [k, v] of previous) {
        if (v === undefined) delete this.data[k];
        else this.data[k] = v;
      }
    }
  }

  /**
   * Records which values of files (not inline `vars`) templates use, by file and dotted key,
   * until `stopTracking` (DVC's `tracked_vars`, shown by `params diff`). Mappings are not
   * recorded, only the scalars and lists inside them.
   */
  startTracking(): void {
    this.tracked = new Map();
  }

  stopTracking(): Record<string, PyDict> {
    const out = Object.fromEntries(this.tracked ?? []);
    this.tracked = undefined;
    return out;
  }

  private track(key: string, value: PyValue): void {
    if (!this.tracked || isPyDict(value)) return;
    const parts = key.split('.').map((p) => p.trim());
    for (let n = parts.length; n > 0; n--) {
      const source = this.sources.get(parts.slice(0, n).join('.'));
      if (source === undefined) continue;
      if (this.fileSources.has(source)) {
        const values = this.tracked.get(source) ?? {};
        values[parts.join('.')] = value;
        this.tracked.set(source, values);
      }
      return;
    }
  }

  /** The value at a dotted key (`a.b.0`); list indices may be negative, as in Python. */
  select(expression: string): PyValue {
    const key = expression.replaceAll('[', '.').replaceAll(']', '');
    let current: PyValue = this.data;
    for (const raw of key.split('.')) {
      const part = raw.trim();
      if (Array.isArray(current)) {
        if (!/^\s*[-+]?\d+\s*$/.test(part)) throw notFound(expression);
        let index = Number(part);
        if (index < 0) index += current.length;
        if (index < 0 || index >= current.length) throw notFound(expression);
        current = current[index] as PyValue;
      } else if (isPyDict(current) && Object.hasOwn(current, part)) {
        current = current[part] as PyValue;
      } else throw notFound(expression);
    }
    this.track(key, current);
    return current;
  }

  /**
   * Resolves every string in `value`. `key` is the stage field being resolved (`cmd`, `deps`,
   * ...): outside `foreach`, only strings, numbers and booleans may be interpolated, plus a
   * dict into `cmd`. Top-level sections pass no key and may use any value.
   */
  resolve(value: PyValue, key?: string, config?: ParsingConfig): PyValue {
    if (typeof value === 'string') return this.resolveString(value, key, config);
    if (Array.isArray(value)) return value.map((v) => this.resolve(v, key, config));
    if (isPyDict(value)) {
      const out: PyDict = {};
      for (const [k, v] of Object.entries(value)) {
        out[pyStr(this.resolve(k, key, config))] = this.resolve(v, key, config);
      }
      return out;
    }
    return value;
  }

  resolveString(template: string, key?: string, config?: ParsingConfig): PyValue {
    const matches = matchesOf(template);
    const only = matches[0];
    if (matches.length === 1 && only && only.start === 0 && only.end === template.length) {
      const selected = this.select(parseExpression(only.inner));
      validateValue(selected, key);
      return selected;
    }
    let index = 0;
    let out = '';
    for (const m of matches) {
      const selected = this.select(parseExpression(m.inner));
      validateValue(selected, key);
      out += template.slice(index, m.start) + toStr(selected, config);
      index = m.end;
    }
    out += template.slice(index);
    return out.replaceAll('\\${', '${');
  }
}

function notFound(expression: string): TemplateError {
  return new TemplateError(`Could not find '${expression}'`);
}

function validateValue(value: PyValue, key: string | undefined): void {
  const primitive = value === null || !(Array.isArray(value) || isPyDict(value));
  if (primitive || key === undefined || key.includes('foreach')) return;
  if (isPyDict(value) && key === 'cmd') return;
  const type = Array.isArray(value) ? 'list' : 'dict';
  throw new TemplateError(`Cannot interpolate data of type '${type}'`);
}

function structuredCloneDict(dict: PyDict): PyDict {
  const out: PyDict = {};
  for (const [k, v] of Object.entries(dict)) out[k] = isPyDict(v) ? structuredCloneDict(v) : v;
  return out;
}

/**
 * `-S [file:]key=value` overrides (DVC's `exp run -S` syntax) applied to params files in place:
 * YAML through its document model, so comments and key order survive; JSON rewritten with
 * two-space indents. The value is read as YAML (`0.1` a number, `true` a boolean, `[1, 2]` a
 * list, anything else a string).
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { writeFileAtomic } from '@cairn/core-io';
import { CairnError, usageError } from '@cairn/types';
import { parseDocument, parse as parseYaml } from 'yaml';

export interface ParamOverride {
  /** Params file, relative to the repository root (`params.yaml` when not named). */
  file: string;
  /** Dotted key. */
  key: string;
  value: unknown;
}

/** Parses `-S` values: `params.yaml:train.lr=0.1`, `train.lr=0.1`, `file:a=1,b=2`. */
export function parseOverrides(values: readonly string[]): ParamOverride[] {
  const out: ParamOverride[] = [];
  for (const raw of values) {
    const eq = raw.indexOf('=');
    const colon = raw.lastIndexOf(':', eq === -1 ? undefined : eq);
    const file = colon > 0 ? raw.slice(0, colon) : 'params.yaml';
    const assignments = colon > 0 ? raw.slice(colon + 1) : raw;
    for (const part of assignments.split(/,(?=[^=,]+=)/)) {
      const at = part.indexOf('=');
      if (at <= 0) {
        throw usageError(
          `bad -S value '${raw}': expected [file:]key=value`,
          'for example: -S params.yaml:train.lr=0.01',
        );
      }
      const key = part.slice(0, at).trim();
      const text = part.slice(at + 1);
      let value: unknown;
      try {
        value = text === '' ? '' : parseYaml(text);
      } catch {
        value = text;
      }
      out.push({ file, key, value });
    }
  }
  return out;
}

/** Applies overrides to the params files under `root`; returns the files changed. */
export async function applyOverrides(
  root: string,
  overrides: readonly ParamOverride[],
): Promise<string[]> {
  const byFile = new Map<string, ParamOverride[]>();
  for (const o of overrides) byFile.set(o.file, [...(byFile.get(o.file) ?? []), o]);
  const changed: string[] = [];
  for (const [file, list] of byFile) {
    const abs = join(root, file);
    const ext = extname(file).toLowerCase();
    if (!existsSync(abs)) {
      throw new CairnError('CAIRN_PARAMS_MISSING', `params file '${file}' does not exist`, {
        hint: 'create it, or name an existing file before the colon: -S file.yaml:key=value',
      });
    }
    const text = readFileSync(abs, 'utf8');
    let next: string;
    if (ext === '.json') {
      const data = JSON.parse(text) as Record<string, unknown>;
      for (const o of list) setDotted(data, o.key.split('.'), o.value);
      next = `${JSON.stringify(data, null, 2)}\n`;
    } else if (ext === '.yaml' || ext === '.yml' || ext === '') {
      const doc = parseDocument(text);
      for (const o of list) doc.setIn(o.key.split('.'), o.value);
      next = doc.toString();
    } else {
      throw new CairnError(
        'CAIRN_PARAMS_FORMAT',
        `cannot override values in '${file}': only YAML and JSON params files can be modified`,
        { hint: 'move the parameters to params.yaml' },
      );
    }
    if (next !== text) {
      await writeFileAtomic(abs, next);
      changed.push(file);
    }
  }
  return changed;
}

function setDotted(data: Record<string, unknown>, keys: readonly string[], value: unknown): void {
  let target = data;
  for (const key of keys.slice(0, -1)) {
    const next = target[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) target[key] = {};
    target = target[key] as Record<string, unknown>;
  }
  target[keys[keys.length - 1] as string] = value;
}

/**
 * `cairn stage add`: write a stage into the `dvc.yaml` of the working directory, as
 * `dvc stage add` does: DVC's key order (desc, cmd, wdir, deps, params, outs, metrics, plots,
 * always_changed), deps and outputs sorted, params keys of params.yaml first. A new file is
 * written byte for byte like DVC's; in an existing one only the stage's own lines are written
 * (appended to `stages`, or in place of the stage it replaces), the rest left as it is. The whole
 * pipeline is loaded with the new stage before anything is written, so a duplicate or
 * overlapping output, a cycle or a bad path is refused with the file unchanged.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { stringifyDvcYaml, writeFileAtomic } from '@cairn/core-io';
import { type FileSource, loadPipeline, workspaceSource } from '@cairn/pipeline';
import { CairnError, usageError } from '@cairn/types';
import { isMap, parseDocument } from 'yaml';
import type { DataContext } from '../data/context.js';
import { addGitignoreEntry } from '../data/gitignore.js';
import { toPosix } from '../data/outputs.js';
import { endLine, lineEnd, lineStart } from './yaml-text.js';

export interface StageAddOptions {
  /** Stage name: letters, digits, `_` and `-` (no other punctuation), as DVC requires. */
  name: string;
  /** The command, as one shell string. */
  cmd: string;
  deps?: readonly string[];
  /** `[file:]key1,key2` as `-p` takes them (no file: params.yaml; `file:` alone: all of it). */
  params?: readonly string[];
  outs?: readonly string[];
  outsNoCache?: readonly string[];
  outsPersist?: readonly string[];
  outsPersistNoCache?: readonly string[];
  metrics?: readonly string[];
  metricsNoCache?: readonly string[];
  plots?: readonly string[];
  plotsNoCache?: readonly string[];
  /** Folder the command runs in, relative to `cwd`; the paths above are relative to it. */
  wdir?: string;
  alwaysChanged?: boolean;
  desc?: string;
  /** Replace a stage of the same name (else `CAIRN_STAGE_EXISTS`). */
  force?: boolean;
  /** Where `dvc.yaml` is (default: the repository root). */
  cwd?: string;
}

export interface StageAddResult {
  /** DVC's addressing: `train`, or `sub/dvc.yaml:train`. */
  stage: string;
  /** The dvc.yaml written, relative to the repository root. */
  file: string;
  created: boolean;
  replaced: boolean;
  /** `.gitignore` files that gained an entry for a cached output. */
  gitignore: string[];
}

const DEFAULT_PARAMS = 'params.yaml';
/** Python's string.punctuation without `_` and `-`: what DVC refuses in a stage name. */
const INVALID_NAME = /[!"#$%&'()*+,./:;<=>?@[\\\]^`{|}~]/;

type Flags = { cache?: false; persist?: true };
interface Out {
  path: string;
  kind: 'outs' | 'metrics' | 'plots';
  flags: Flags;
}

function outputsOf(options: StageAddOptions): Out[] {
  const outs: Out[] = [];
  const add = (paths: readonly string[] | undefined, kind: Out['kind'], flags: Flags) => {
    for (const path of paths ?? []) outs.push({ path: toPosix(path), kind, flags });
  };
  add(options.outs, 'outs', {});
  add(options.outsNoCache, 'outs', { cache: false });
  add(options.outsPersist, 'outs', { persist: true });
  add(options.outsPersistNoCache, 'outs', { cache: false, persist: true });
  add(options.metrics, 'metrics', {});
  add(options.metricsNoCache, 'metrics', { cache: false });
  add(options.plots, 'plots', {});
  add(options.plotsNoCache, 'plots', { cache: false });
  return outs.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** DVC's `parse_params` then `_serialize_params_keys`. */
function paramsOf(values: readonly string[]): Array<string | Record<string, string[] | null>> {
  const byFile = new Map<string, string[]>();
  for (const value of values) {
    const colon = value.lastIndexOf(':');
    const file = colon < 0 || colon === 0 ? DEFAULT_PARAMS : value.slice(0, colon);
    const keys = (colon < 0 ? value : value.slice(colon + 1)).split(',').filter(Boolean);
    byFile.set(file, [...(byFile.get(file) ?? []), ...keys]);
  }
  let result: Array<string | Record<string, string[] | null>> = [];
  for (const file of [...byFile.keys()].sort()) {
    const keys = [...new Set(byFile.get(file))].sort();
    if (keys.length > 0 && file === DEFAULT_PARAMS) result = [...keys, ...result];
    else result.push({ [file]: keys.length > 0 ? keys : null });
  }
  return result;
}

/** The stage's mapping in DVC's key order, empty values left out. */
function stageData(
  options: StageAddOptions,
  outs: readonly Out[],
  wdir: string,
): Record<string, unknown> {
  const entries = (kind: Out['kind']) =>
    outs
      .filter((o) => o.kind === kind)
      .map((o) => (Object.keys(o.flags).length === 0 ? o.path : { [o.path]: o.flags }));
  const data: Record<string, unknown> = {
    desc: options.desc,
    cmd: options.cmd,
    wdir: wdir === '.' ? undefined : wdir,
    deps: [...new Set((options.deps ?? []).map(toPosix))].sort(),
    params: paramsOf(options.params ?? []),
    outs: entries('outs'),
    metrics: entries('metrics'),
    plots: entries('plots'),
    always_changed: options.alwaysChanged === true ? true : undefined,
  };
  return Object.fromEntries(
    Object.entries(data).filter(
      ([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0),
    ),
  );
}

/**
 * `text` with stage `name` added at the end of its `stages` (or replacing the stage of that
 * name), as DVC would serialise it, indented like the stages beside it. The rest of the text is
 * left exactly as it was: only the stage's own lines change.
 */
function withStage(
  text: string,
  name: string,
  data: Record<string, unknown>,
): { text: string; replaced: boolean } {
  const doc = parseDocument(text, { version: '1.2' });
  const stages = doc.get('stages', true);
  const block = (column: number) =>
    stringifyDvcYaml({ [name]: data })
      .split('\n')
      .map((line) => (line === '' ? line : `${' '.repeat(column)}${line}`))
      .join('\n');
  if (stages === undefined)
    return { text: `${endLine(text)}stages:\n${block(2)}`, replaced: false };
  const first = isMap(stages) && !stages.flow ? stages.items[0] : undefined;
  const keyStart = (first?.key as { range?: [number, number, number] } | undefined)?.range?.[0];
  if (!isMap(stages) || first === undefined || keyStart === undefined || !stages.range) {
    // An empty or flow-style `stages`: edited through the YAML document instead.
    doc.setIn(['stages', name], doc.createNode(data));
    return {
      text: doc.toString({ indentSeq: false, lineWidth: 0, flowCollectionPadding: false }),
      replaced: false,
    };
  }
  const column = keyStart - lineStart(text, keyStart);
  const existing = stages.items.find(
    (item) => String((item.key as { value?: unknown } | null)?.value ?? item.key) === name,
  );
  let start = stages.range[1];
  let end = start;
  let body = block(column);
  if (existing) {
    const keyStart = (existing.key as { range: [number, number, number] }).range[0];
    const value = existing.value as { range?: [number, number, number] } | null;
    end = value?.range?.[1] ?? keyStart;
    const nextLine = lineEnd(text, keyStart);
    if (isMap(value) && !value.flow && (value.range?.[0] ?? 0) >= nextLine) {
      // The `name:` line stays as it is (a comment on it too); the lines below it are replaced.
      start = nextLine;
      body = body.slice(body.indexOf('\n') + 1);
    } else {
      start = keyStart - column;
    }
  }
  const after = text.slice(end);
  return {
    text:
      endLine(text.slice(0, start)) +
      (after === '' || text[end - 1] === '\n' ? body : body.slice(0, -1)) +
      after,
    replaced: existing !== undefined,
  };
}

/** A source that sees `path` with `text` in it (the dvc.yaml about to be written). */
function withFile(source: FileSource, path: string, text: string): FileSource {
  return {
    label: source.label,
    read: async (p) => (p === path ? Buffer.from(text) : source.read(p)),
    isDirectory: (p) => source.isDirectory(p),
    listFiles: async (dir) => {
      const files = await source.listFiles(dir);
      const inside =
        dir === undefined || dir === '.' || path.startsWith(`${dir.replace(/\/+$/, '')}/`);
      return inside && !files.includes(path) ? [...files, path].sort() : files;
    },
  };
}

export async function addStage(
  ctx: DataContext,
  options: StageAddOptions,
): Promise<StageAddResult> {
  const { root, usesGit } = ctx.repo;
  const { name } = options;
  if (name === '' || INVALID_NAME.test(name)) {
    throw usageError(
      `invalid stage name '${name}': stage names cannot contain punctuation characters`,
      'use letters, digits, _ and -',
    );
  }
  if (options.cmd.trim() === '') throw usageError('command is not specified');
  const cwd = options.cwd ?? root;
  const file = join(cwd, 'dvc.yaml');
  const rel = toPosix(relative(root, file));
  if (rel.startsWith('..')) throw usageError(`'${cwd}' is not inside the repository ${root}`);
  const wdirAbs = resolve(cwd, options.wdir ?? '.');
  const outs = outputsOf(options);
  const data = stageData(options, outs, toPosix(relative(cwd, wdirAbs)) || '.');

  const created = !existsSync(file);
  let replaced = false;
  let text: string;
  if (created) {
    text = stringifyDvcYaml({ stages: { [name]: data } });
  } else {
    const edit = withStage(readFileSync(file, 'utf8'), name, data);
    if (edit.replaced && !options.force) {
      throw new CairnError('CAIRN_STAGE_EXISTS', `Stage '${name}' already exists in '${rel}'.`, {
        hint: "Use '--force' to overwrite.",
      });
    }
    ({ text, replaced } = edit);
  }

  // Loads every dvc.yaml and pointer with this text in place: schema, paths, duplicate or
  // overlapping outputs and cycles are checked before the file is touched.
  await loadPipeline({ root, source: withFile(workspaceSource(root), rel, text) });
  await writeFileAtomic(file, text);

  const gitignore: string[] = [];
  if (usesGit) {
    for (const out of outs) {
      if (out.flags.cache === false) continue;
      const abs = resolve(wdirAbs, out.path);
      if (!existsSync(dirname(abs))) continue;
      const changed = addGitignoreEntry(abs);
      if (changed) gitignore.push(toPosix(relative(root, changed)));
    }
  }
  const stage = rel === 'dvc.yaml' ? name : `${rel}:${name}`;
  return { stage, file: rel, created, replaced, gitignore: [...new Set(gitignore)] };
}

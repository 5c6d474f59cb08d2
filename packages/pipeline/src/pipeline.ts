/**
 * A repository's pipeline: every `dvc.yaml` (and `.dvc` pointer file, as data sources) in the
 * workspace or at a git revision, resolved into typed stages and one checked graph.
 */
import { posix } from 'node:path';
import { fnmatch } from '@cairn/core-io';
import { CairnError, DvcFile, parseStructured } from '@cairn/types';
import { buildDag, type Dag, type SelectOptions } from './dag.js';
import { type FileSource, workspaceSource } from './file-source.js';
import type { ParsingConfig } from './interpolate.js';
import type { PyDict, PyValue } from './py-value.js';
import { type ResolvedDvcYaml, resolveDvcYaml } from './resolve.js';
import { buildStages, type Stage, type StagePath, stagePath } from './stage.js';

/** A `.dvc` file in the graph: it produces its outputs (a data source, or an import). */
export interface PointerFile {
  kind: 'pointer';
  /** Its repo-relative path, e.g. `data/raw.csv.dvc` (DVC's addressing). */
  addressing: string;
  deps: StagePath[];
  outs: StagePath[];
  /** The recorded hash of each output (same order as `outs`). */
  outHashes: Array<{ md5?: string; legacy: boolean }>;
  frozen: boolean;
}

export type PipelineNode = Stage | PointerFile;

export interface DvcYamlFile {
  /** Repo-relative path. */
  file: string;
  /** Top-level `params`, `metrics` (repo-relative paths) and `plots`, `artifacts`. */
  params: string[];
  metrics: string[];
  plots: PyValue[];
  artifacts: Record<string, PyDict>;
}

export interface Pipeline {
  root: string;
  /** Where it was read from: `workspace` or a revision. */
  source: FileSource;
  /** Every stage of every dvc.yaml, in file order, then definition order. */
  stages: Stage[];
  pointers: PointerFile[];
  dvcfiles: DvcYamlFile[];
  dag: Dag<PipelineNode>;
}

export interface LoadPipelineOptions {
  /** Absolute repository root. */
  root: string;
  /** Defaults to the workspace at `root`. */
  source?: FileSource;
  /** Repo-relative dvc.yaml files to load; found in the repository when omitted. */
  dvcfiles?: string[];
  /** Also load `.dvc` pointer files as graph nodes (default true). */
  pointers?: boolean;
  /** `parsing` section of `.dvc/config`. */
  parsing?: ParsingConfig;
}

export async function loadPipeline(options: LoadPipelineOptions): Promise<Pipeline> {
  const source = options.source ?? workspaceSource(options.root);
  const listed = options.dvcfiles === undefined ? await source.listFiles() : undefined;
  const dvcfiles =
    options.dvcfiles ??
    (listed ?? []).filter((f) => posix.basename(f) === 'dvc.yaml' && !f.startsWith('.dvc/'));
  const resolved: ResolvedDvcYaml[] = [];
  for (const file of sortDvcfiles(dvcfiles)) {
    resolved.push(
      await resolveDvcYaml(source, file, options.parsing ? { parsing: options.parsing } : {}),
    );
  }
  const stages = resolved.flatMap((r) => buildStages(r, options.root));
  const pointers =
    options.pointers === false || listed === undefined
      ? []
      : await loadPointers(
          source,
          listed.filter((f) => f.endsWith('.dvc') && !f.startsWith('.dvc/')),
        );
  const nodes: PipelineNode[] = [...pointers, ...stages];
  return {
    root: options.root,
    source,
    stages,
    pointers,
    dvcfiles: resolved.map((r) => {
      const dir = posix.dirname(r.file) === '.' ? '' : posix.dirname(r.file);
      return {
        file: r.file,
        params: r.params.map((p) => stagePath(p, dir).path),
        metrics: r.metrics.map((m) => stagePath(m, dir).path),
        plots: r.plots,
        artifacts: r.artifacts,
      };
    }),
    dag: buildDag(nodes),
  };
}

/** `dvc.yaml` at the root first, then the others by path. */
function sortDvcfiles(files: string[]): string[] {
  return [...new Set(files)].sort((a, b) => {
    if (a === 'dvc.yaml') return -1;
    if (b === 'dvc.yaml') return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

async function loadPointers(source: FileSource, files: string[]): Promise<PointerFile[]> {
  const out: PointerFile[] = [];
  for (const file of files) {
    const bytes = await source.read(file);
    if (bytes === undefined) continue;
    const data = parseStructured(bytes.toString('utf8'), DvcFile, { file, format: 'yaml' });
    const dir = posix.dirname(file) === '.' ? '' : posix.dirname(file);
    const wdir = data.wdir ? posix.normalize(posix.join(dir, data.wdir)) : dir;
    const paths = (entries: Array<{ path: string }> | undefined) =>
      (entries ?? []).map((e) => stagePath(e.path, wdir === '.' ? '' : wdir));
    out.push({
      kind: 'pointer',
      addressing: file,
      deps: paths(data.deps),
      outs: paths(data.outs),
      outHashes: (data.outs ?? []).map((e) => ({
        ...(e.md5 === undefined ? {} : { md5: e.md5 }),
        legacy: e.hash !== 'md5',
      })),
      frozen: data.frozen === true || data.locked === true,
    });
  }
  return out;
}

export interface CollectOptions extends SelectOptions {
  /** Treat targets as glob patterns over stage names/addressing (`train-*`). */
  glob?: boolean;
  /** Repo-relative folder the targets were typed in (a bare name is looked up in its dvc.yaml). */
  cwd?: string;
}

/**
 * The nodes named by `targets` — `name`, `dvc.yaml:name`, `dir/dvc.yaml:name`, a foreach group
 * name, `name@key`, a dvc.yaml (all its stages), a `.dvc` file, or an output path — plus their
 * upstream (or, with `downstream`, downstream) stages, in run order.
 */
export function selectStages(
  pipeline: Pipeline,
  targets: readonly string[],
  options: CollectOptions = {},
): PipelineNode[] {
  const found = targets.flatMap((t) => findTargets(pipeline, t, options));
  return pipeline.dag.select(found, options);
}

/** The nodes a single target names (without following the graph). */
export function findTargets(
  pipeline: Pipeline,
  target: string,
  options: CollectOptions = {},
): PipelineNode[] {
  const nodes = pipeline.dag.nodes;
  const stagesOf = (dvcfile: string, name?: string) =>
    nodes.filter(
      (n): n is Stage =>
        n.kind === 'stage' &&
        n.dvcfile === dvcfile &&
        (name === undefined || matchesName(n, name, options.glob === true)),
    );
  const cwd = options.cwd && options.cwd !== '.' ? options.cwd : '';
  const rel = (p: string) => posix.normalize(posix.join(cwd, p)).replace(/^\.$/, '');
  const colon = target.lastIndexOf(':');
  if (colon > 0) {
    const file = rel(target.slice(0, colon));
    const dvcfile = posix.basename(file) === 'dvc.yaml' ? file : posix.join(file, 'dvc.yaml');
    const found = stagesOf(dvcfile, target.slice(colon + 1));
    if (found.length > 0) return found;
  } else {
    const path = rel(target);
    if (posix.basename(path) === 'dvc.yaml') {
      const found = stagesOf(path);
      if (found.length > 0) return found;
    }
    const pointer = nodes.find((n) => n.kind === 'pointer' && n.addressing === path);
    if (pointer) return [pointer];
    const local = stagesOf(posix.join(cwd, 'dvc.yaml'), target);
    if (local.length > 0) return local;
    if (options.glob) {
      const any = nodes.filter((n) => n.kind === 'stage' && fnmatch(target, n.addressing));
      if (any.length > 0) return any;
    }
    const producers = nodes.filter((n) =>
      n.outs.some((o) => o.path === path || path.startsWith(`${o.path}/`)),
    );
    if (producers.length > 0) return producers;
  }
  throw new CairnError('CAIRN_PIPELINE_TARGET_NOT_FOUND', `'${target}' does not exist`, {
    hint: `stages: ${
      nodes
        .filter((n) => n.kind === 'stage')
        .slice(0, 10)
        .map((n) => n.addressing)
        .join(', ') || '(none)'
    }`,
    details: { target },
  });
}

function matchesName(stage: Stage, name: string, glob: boolean): boolean {
  if (glob) return fnmatch(name, stage.name);
  return stage.name === name || (stage.group === name && !name.includes('@'));
}

/**
 * `stage list`: the stages of a dvc.yaml (or of pointer files, folders, or the whole
 * repository), each with the description `dvc stage list` shows: the first line of its `desc`,
 * else what it outputs and reports.
 */
import { posix } from 'node:path';
import { type CollectOptions, findTargets, type Pipeline, type PipelineNode } from './pipeline.js';

export interface StageListEntry {
  addressing: string;
  description: string;
}

export interface StageListOptions {
  /** dvc.yaml or .dvc files, folders or stages (repo-relative or relative to `cwd`). */
  targets?: readonly string[];
  /** Every stage and pointer file of the repository. */
  all?: boolean;
  /** A folder target lists everything below it, not only its dvc.yaml. */
  recursive?: boolean;
  /** Repo-relative folder the targets were typed in (default: the root). */
  cwd?: string;
}

const MAX_LENGTH = 80;

/** DVC's description of a stage: its desc's first non-empty line, else outputs and reports. */
export function describeNode(node: PipelineNode, maxLength = MAX_LENGTH): string {
  const own = node.kind === 'stage' ? node.desc?.split(/\r?\n/).find((l) => l.trim() !== '') : '';
  const text = own ? own.trim() : generated(node);
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

function generated(node: PipelineNode): string {
  const list = (paths: Array<{ defPath: string }>) => paths.map((p) => p.defPath).join(', ');
  if (node.deps.length === 0 && node.outs.length === 0) return 'No outputs or dependencies';
  if (node.outs.length === 0) return `Depends on ${list(node.deps)}`;
  const reports = (o: PipelineNode['outs'][number]) =>
    'kind' in o && (o.kind === 'metric' || o.kind === 'plot');
  const parts: string[] = [];
  const outs = node.outs.filter((o) => !reports(o));
  if (outs.length > 0) parts.push(`Outputs ${list(outs)}`);
  const reported = node.outs.filter(reports);
  if (reported.length > 0) parts.push(`Reports ${list(reported)}`);
  return parts.join('; ');
}

function fileOf(node: PipelineNode): string {
  return node.kind === 'stage' ? node.dvcfile : node.addressing;
}

export function listStages(pipeline: Pipeline, options: StageListOptions = {}): StageListEntry[] {
  const nodes = pipeline.dag.nodes;
  const cwd = options.cwd && options.cwd !== '.' ? options.cwd : '';
  let chosen: PipelineNode[];
  if (options.all) chosen = [...nodes];
  else {
    const collect: CollectOptions = { cwd };
    chosen = [];
    for (const target of options.targets?.length ? options.targets : ['dvc.yaml']) {
      const path = posix.normalize(posix.join(cwd, target)).replace(/^\.$/, '').replace(/\/$/, '');
      const below = (file: string) => path === '' || file.startsWith(`${path}/`);
      const inFolder = nodes.filter((n) =>
        options.recursive
          ? below(fileOf(n))
          : n.kind === 'stage' && n.dvcfile === posix.join(path, 'dvc.yaml'),
      );
      const isFolder = path === '' || nodes.some((n) => below(fileOf(n)));
      chosen.push(
        ...(isFolder && inFolder.length > 0 ? inFolder : findTargets(pipeline, target, collect)),
      );
    }
  }
  return [...new Set(chosen)].map((n) => ({
    addressing: n.addressing,
    description: describeNode(n),
  }));
}

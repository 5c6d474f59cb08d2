/**
 * `metrics show` and `metrics diff` (dvc/repo/metrics): the files are the stages' `metrics:`
 * outputs and the top-level `metrics:` lists (or the given targets), a folder standing for the
 * files in it. Numbers, strings, booleans and mappings of them are kept; lists and nulls are
 * dropped, as DVC does. CSV/TSV files are a Cairn extension (DVC would read them as one YAML
 * string): the header names the metrics and the last row holds their values.
 */
import { posix } from 'node:path';
import { CairnError } from '@cairn/types';
import { type DiffResult, diffData } from './compare.js';
import { parseDataFile } from './load-data.js';
import type { Pipeline } from './pipeline.js';
import { isPyDict, type PyDict, type PyValue, pyFloat, pyInt, pyTruthy } from './py-value.js';
import {
  hasCommits,
  loadRevision,
  type RevisionData,
  type RevisionOptions,
  readAtRevision,
  WORKSPACE,
} from './revisions.js';

/** Repo-relative metrics files of a pipeline (stage metrics first, then top-level), folders expanded. */
export async function collectMetricsFiles(
  pipeline: Pipeline,
  targets?: readonly string[],
): Promise<string[]> {
  const paths =
    targets && targets.length > 0
      ? [...targets]
      : [
          ...pipeline.stages.flatMap((s) =>
            s.outs.filter((o) => o.kind === 'metric').map((o) => o.path),
          ),
          ...pipeline.dvcfiles.flatMap((f) => f.metrics),
        ];
  const out: string[] = [];
  for (const path of paths) {
    if (await pipeline.source.isDirectory(path))
      out.push(...(await pipeline.source.listFiles(path)));
    else out.push(path);
  }
  return [...new Set(out)];
}

/** DVC's `_extract_metrics`: numbers, strings and booleans, in mappings; lists and nulls dropped. */
export function extractMetrics(value: PyValue): PyValue | undefined {
  if (value === null || Array.isArray(value)) return undefined;
  if (!isPyDict(value)) return value;
  const out: PyDict = {};
  for (const [k, v] of Object.entries(value)) {
    const m = extractMetrics(v);
    if (m !== undefined && !(isPyDict(m) && Object.keys(m).length === 0)) out[k] = m;
  }
  return out;
}

function csvValue(text: string): PyValue {
  const t = text.trim();
  if (/^[-+]?\d+$/.test(t)) return pyInt(t);
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) || /^[-+]?(inf|nan)$/i.test(t)) {
    return pyFloat(Number(t.toLowerCase().replace('inf', 'Infinity').replace('nan', 'NaN')));
  }
  if (t === 'True' || t === 'False') return t === 'True';
  return text;
}

/** A CSV/TSV metrics file: header row, and the values of its last row. */
export function parseDelimitedMetrics(text: string, file: string): PyDict {
  const delimiter = file.toLowerCase().endsWith('.tsv') ? '\t' : ',';
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0]?.split(delimiter);
  const last = lines.length > 1 ? lines[lines.length - 1]?.split(delimiter) : undefined;
  if (!header || !last) {
    throw new CairnError(
      'CAIRN_METRICS_INVALID',
      `'${file}' needs a header row and a row of values`,
      {
        details: { file },
      },
    );
  }
  return Object.fromEntries(header.map((name, i) => [name.trim(), csvValue(last[i] ?? '')]));
}

/** Loads one metrics file's data (DVC's `_read_metric`). */
export function parseMetrics(text: string, file: string): PyValue {
  const ext = posix.extname(file).toLowerCase();
  const raw =
    ext === '.csv' || ext === '.tsv'
      ? parseDelimitedMetrics(text, file)
      : parseDataFile(text, file);
  const value = extractMetrics(raw);
  return value !== undefined && pyTruthy(value) ? value : {};
}

export interface MetricsOptions extends RevisionOptions {
  /** Metrics files (repo-relative) instead of the ones the pipeline declares. */
  targets?: readonly string[];
}

/** The metrics of one revision (`workspace` by default). */
export async function showMetrics(options: MetricsOptions, rev = WORKSPACE): Promise<RevisionData> {
  return loadRevision(options, rev, async (pipeline, data) => {
    for (const file of await collectMetricsFiles(pipeline, options.targets)) {
      try {
        const bytes = await readAtRevision(pipeline, file, options);
        if (bytes === undefined) {
          throw new CairnError('CAIRN_METRICS_NOT_FOUND', `'${file}' does not exist`, {
            details: { file },
          });
        }
        data.files.set(file, parseMetrics(bytes.toString('utf8'), file));
      } catch (error) {
        data.fileErrors.set(file, error instanceof Error ? error : new Error(String(error)));
      }
    }
  });
}

export interface DiffOutcome {
  diff: DiffResult;
  /** Revisions (or their files) that could not be read; DVC warns and goes on. */
  errors: RevisionData[];
}

export interface DiffOptions extends MetricsOptions {
  aRev?: string;
  bRev?: string;
  /** Include unchanged values (`--all`). */
  all?: boolean;
}

/** Runs `collect` for both revisions and diffs what loaded. No commits at all: an empty diff. */
export async function diffRevisions(
  options: DiffOptions,
  collect: (rev: string) => Promise<RevisionData>,
): Promise<DiffOutcome> {
  if (!(await hasCommits(options.root))) return { diff: {}, errors: [] };
  const a = await collect(options.aRev ?? 'HEAD');
  const b = await collect(options.bRev ?? WORKSPACE);
  return {
    diff: diffData(a.files, b.files, { all: options.all ?? false }),
    errors: [a, b].filter((r) => r.error || r.fileErrors.size > 0),
  };
}

/** `metrics diff [a_rev] [b_rev]`: HEAD against the workspace by default. */
export function metricsDiff(options: DiffOptions): Promise<DiffOutcome> {
  return diffRevisions(options, (rev) => showMetrics(options, rev));
}

/**
 * `cairn exp show`: the workspace, the baseline (HEAD, or with `allCommits` every commit that
 * has experiments) and its experiments, each with its metrics, params, dependencies and
 * outputs: DVC's `ExpState` list (dvc/repo/experiments/serialize.py). Experiments and
 * baselines are read from their git commits (cached metrics from the shared cache through the
 * commit's dvc.lock), never from the workspace.
 */
import { git } from '@cairn/core-io';
import {
  type FileSource,
  gitRevSource,
  loadPipeline,
  type PyValue,
  type RevisionData,
  readLock,
  showMetrics,
  showParams,
  toJsonValue,
  WORKSPACE,
  workspaceSource,
} from '@cairn/pipeline';
import { mapLimit } from '../data/concurrency.js';
import { listExpRefs } from './refs.js';

/** A file's values, or why it could not be read (DVC: `{"data": …}` / `{"error": …}`). */
export type ExpFileData = { data: PyValue } | { error: ExpError };

export interface ExpError {
  msg: string;
  type: string;
}

export interface ExpHashEntry {
  hash: string | null;
  size: number | null;
  nfiles: number | null;
}

export interface ExpOutEntry extends ExpHashEntry {
  use_cache: boolean;
  is_data_source: boolean;
}

export interface ExpRevData {
  rev: string;
  /** Commit time as a naive local ISO string (`datetime.isoformat()`); null for the workspace. */
  timestamp: string | null;
  params: Record<string, ExpFileData>;
  metrics: Record<string, ExpFileData>;
  /** Stage dependencies recorded in dvc.lock (params left out, as DVC does). */
  deps: Record<string, ExpHashEntry>;
  /** Stage outputs recorded in dvc.lock, metrics and plots left out. */
  outs: Record<string, ExpOutEntry>;
  meta: Record<string, never>;
}

export interface ExpState {
  /** `workspace`, or a 40-hex commit. */
  rev: string;
  /** The experiment's name; for a baseline its branch or tag (null when none points at it). */
  name: string | null;
  data: ExpRevData | null;
  error: ExpError | null;
  experiments: ExpRange[] | null;
}

export interface ExpRange {
  name: string;
  /** Cairn runs experiments to completion in the foreground: there is never a live executor. */
  executor: null;
  revs: ExpState[];
}

export interface ExpShowOptions {
  /** Every commit that has experiments, not just HEAD (`-A`). */
  allCommits?: boolean;
  signal?: AbortSignal;
}

function toError(error: Error): ExpError {
  const type = 'code' in error && typeof error.code === 'string' ? error.code : error.name;
  return { msg: error.message, type };
}

function files(data: RevisionData): Record<string, ExpFileData> {
  const out: Record<string, ExpFileData> = {};
  for (const [file, value] of data.files) out[file] = { data: value };
  for (const [file, error] of data.fileErrors) out[file] = { error: toError(error) };
  return out;
}

/** `datetime.fromtimestamp(t).isoformat()`: local time, no offset. */
export function naiveLocalIso(seconds: number): string {
  const d = new Date(seconds * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

async function lockHashes(
  root: string,
  source: FileSource,
): Promise<Pick<ExpRevData, 'deps' | 'outs'>> {
  const deps: Record<string, ExpHashEntry> = {};
  const outs: Record<string, ExpOutEntry> = {};
  const pipeline = await loadPipeline({ root, source });
  for (const stage of pipeline.stages) {
    const lock = (await readLock(source, stage.dvcfile))?.stages[stage.name];
    if (!lock) continue;
    const hashOf = (item: { md5?: string; etag?: string; checksum?: string }) =>
      item.md5 ?? item.etag ?? item.checksum ?? null;
    for (const item of lock.deps ?? []) {
      const path = stage.deps.find((d) => d.defPath === item.path)?.path ?? item.path;
      deps[path] = { hash: hashOf(item), size: item.size ?? null, nfiles: item.nfiles ?? null };
    }
    for (const item of lock.outs ?? []) {
      const out = stage.outs.find((o) => o.defPath === item.path);
      if (out?.kind !== 'out') continue;
      outs[out.path] = {
        hash: hashOf(item),
        size: item.size ?? null,
        nfiles: item.nfiles ?? null,
        use_cache: out.cache,
        is_data_source: false,
      };
    }
  }
  return { deps, outs };
}

/** One revision's row data; a revision that cannot be read gets `error` and no data. */
async function revState(
  root: string,
  cacheDir: string,
  rev: string,
  name: string | null,
  time: number | undefined,
): Promise<ExpState> {
  const options = { root, cacheDir };
  const metrics = await showMetrics(options, rev);
  const params = await showParams(options, rev);
  const failed = metrics.error ?? params.error;
  if (failed) return { rev, name, data: null, error: toError(failed), experiments: null };
  const source = rev === WORKSPACE ? workspaceSource(root) : await gitRevSource(root, rev);
  return {
    rev,
    name,
    data: {
      rev,
      timestamp: time === undefined ? null : naiveLocalIso(time),
      params: files(params),
      metrics: files(metrics),
      ...(await lockHashes(root, source)),
      meta: {},
    },
    error: null,
    experiments: null,
  };
}

async function commitTime(root: string, rev: string): Promise<number> {
  return Number(await git(['log', '-1', '--format=%ct', rev, '--'], { cwd: root }));
}

/** DVC's `describe`: the current branch, else a tag, else a branch pointing at `rev`. */
async function describe(root: string, rev: string): Promise<string | null> {
  const current = await git(['symbolic-ref', '-q', '--short', 'HEAD'], { cwd: root }).catch(
    () => '',
  );
  const head = await git(['rev-parse', '-q', '--verify', 'HEAD'], { cwd: root }).catch(() => '');
  if (current && head === rev) return current;
  for (const prefix of ['refs/tags', 'refs/heads']) {
    const names = await git(
      ['for-each-ref', '--points-at', rev, '--format=%(refname:short)', prefix],
      { cwd: root },
    );
    const first = names.split('\n').find((n) => n !== '');
    if (first) return first;
  }
  return null;
}

async function exists(root: string, rev: string): Promise<boolean> {
  return git(['cat-file', '-e', `${rev}^{commit}`], { cwd: root }).then(
    () => true,
    () => false,
  );
}

/** The states `exp show` prints: workspace first, then each baseline with its experiments. */
export async function showExperiments(
  root: string,
  cacheDir: string,
  head: string | undefined,
  options: ExpShowOptions = {},
): Promise<ExpState[]> {
  const states = [await revState(root, cacheDir, WORKSPACE, null, undefined)];
  if (head === undefined) return states;
  const refs = await listExpRefs(root, options.allCommits ? undefined : head);
  const baselines = [head];
  if (options.allCommits) {
    const others = [...new Set(refs.map((r) => r.baseline))].filter((b) => b !== head);
    const live = [];
    for (const b of others) if (await exists(root, b)) live.push(b);
    const times = new Map(
      await Promise.all(live.map(async (b) => [b, await commitTime(root, b)] as const)),
    );
    baselines.push(...live.sort((a, b) => (times.get(b) ?? 0) - (times.get(a) ?? 0)));
  }
  for (const baseline of baselines) {
    const state = await revState(
      root,
      cacheDir,
      baseline,
      await describe(root, baseline),
      await commitTime(root, baseline),
    );
    const mine = refs.filter((r) => r.baseline === baseline);
    const revs = await mapLimit(
      mine,
      4,
      (r) => revState(root, cacheDir, r.rev, r.name, r.time),
      options.signal,
    );
    state.experiments = mine.map((r, i) => ({
      name: r.name,
      executor: null,
      revs: [revs[i] as ExpState],
    }));
    states.push(state);
  }
  return states;
}

/** Plain JSON (`--json`): values as JSON numbers, strings and objects. */
export function experimentsToJson(states: readonly ExpState[]): unknown {
  const fileJson = (f: Record<string, ExpFileData>) =>
    Object.fromEntries(
      Object.entries(f).map(([k, v]) => [k, 'data' in v ? { data: toJsonValue(v.data) } : v]),
    );
  const stateJson = (s: ExpState): unknown => ({
    rev: s.rev,
    name: s.name,
    data: s.data && {
      ...s.data,
      params: fileJson(s.data.params),
      metrics: fileJson(s.data.metrics),
    },
    error: s.error,
    experiments: s.experiments
      ? s.experiments.map((e) => ({ ...e, revs: e.revs.map(stateJson) }))
      : null,
  });
  return states.map(stateJson);
}

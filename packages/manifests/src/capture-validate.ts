/**
 * Validation of a capture folder (see `CaptureRun`, `CaptureStep`, `CaptureEpisode` in
 * `@cairn/types`): every line of the two gzip files is decompressed and parsed as a stream (never
 * a whole file in memory), checked against its schema, and the counts are cross-checked:
 *
 * - `steps.jsonl.gz` has `run.json`'s `n_steps` lines, `episodes.jsonl.gz` has `n_episodes`;
 * - episode ids are unique, every step names a known episode, and within an episode `step`
 *   counts 0, 1, 2… in file order;
 * - each episode's `n_steps` equals the number of its step lines.
 *
 * Every problem is reported with its file and, where there is one, line (1-based) and column.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import {
  CairnError,
  CairnParseError,
  CaptureEpisode,
  CaptureRun,
  CaptureStep,
  type ParseIssue,
  type ProgressListener,
  parseJson,
} from '@cairn/types';
import type { z } from 'zod';
import { errnoOf, type ListedFile, listFiles, MANIFEST_FILE } from './files.js';

export const CAPTURE_RUN_FILE = 'run.json';
export const CAPTURE_STEPS_FILE = 'steps.jsonl.gz';
export const CAPTURE_EPISODES_FILE = 'episodes.jsonl.gz';
const REQUIRED = [CAPTURE_RUN_FILE, CAPTURE_STEPS_FILE, CAPTURE_EPISODES_FILE] as const;
// run.json is metadata; anything this big is not one.
const MAX_RUN_JSON_BYTES = 16 << 20;
const PROGRESS_EVERY = 10_000;

export interface CaptureIssue {
  /** Posix path relative to the capture folder. */
  file: string;
  line?: number;
  column?: number;
  /** Field path inside the line or file, e.g. `n_steps`. */
  field?: string;
  message: string;
}

export interface CaptureValidationReport {
  ok: boolean;
  run_id: string | null;
  experiment: string | null;
  /** What `run.json` declares (null when it is invalid). */
  declared: { n_steps: number; n_episodes: number } | null;
  /** Lines read from each line file. */
  counted: { steps: number; episodes: number };
  /** Every file of the capture (posix, relative to its folder), required ones included. */
  files: string[];
  errors: CaptureIssue[];
  /** Errors beyond `maxErrors` that were counted but not listed. */
  errors_omitted: number;
}

export interface ValidateCaptureOptions {
  /** At most this many errors are listed (default 100); the rest are counted. */
  maxErrors?: number;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

/** Validate a capture folder without changing anything. */
export async function validateCapture(
  dir: string,
  options: ValidateCaptureOptions = {},
): Promise<CaptureValidationReport> {
  return (await inspectCapture(dir, options)).report;
}

interface EpisodeState {
  line: number;
  declared: number;
  seen: number;
}

/** The report plus the sha256 of each required file as it was read (for ingest). */
export async function inspectCapture(
  dir: string,
  options: ValidateCaptureOptions = {},
): Promise<{ report: CaptureValidationReport; sha256: Map<string, string> }> {
  const issues = new IssueList(options.maxErrors ?? 100);
  const sha256 = new Map<string, string>();
  let listed: ListedFile[];
  try {
    listed = await listFiles(dir);
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT' && errnoOf(error) !== 'ENOTDIR') throw error;
    throw new CairnError('CAIRN_CAPTURE_MISSING', `capture folder ${dir} does not exist`, {
      details: { path: dir },
    });
  }
  const files = listed.map((f) => f.path);
  for (const file of listed) {
    if (file.kind !== 'file') {
      issues.add({ file: file.path, message: 'not a regular file (captures hold files only)' });
    }
  }
  if (files.includes(MANIFEST_FILE)) {
    issues.add({ file: MANIFEST_FILE, message: 'reserved for the ingest manifest' });
  }
  const present = new Set(listed.filter((f) => f.kind === 'file').map((f) => f.path));
  for (const name of REQUIRED) {
    if (!present.has(name)) issues.add({ file: name, message: 'required file is missing' });
  }

  const run = present.has(CAPTURE_RUN_FILE)
    ? await readRunJson(join(dir, CAPTURE_RUN_FILE), issues, sha256)
    : undefined;

  const episodes = new Map<number, EpisodeState>();
  const episodeCount = present.has(CAPTURE_EPISODES_FILE)
    ? await readLines(
        dir,
        CAPTURE_EPISODES_FILE,
        CaptureEpisode,
        issues,
        sha256,
        options,
        (e, line) => {
          const earlier = episodes.get(e.episode);
          if (earlier) {
            return `episode ${e.episode} is already defined at line ${earlier.line}`;
          }
          episodes.set(e.episode, { line, declared: e.n_steps, seen: 0 });
          return undefined;
        },
      )
    : undefined;

  let parsedSteps = 0;
  const stepCount = present.has(CAPTURE_STEPS_FILE)
    ? await readLines(dir, CAPTURE_STEPS_FILE, CaptureStep, issues, sha256, options, (s) => {
        parsedSteps++;
        if (episodeCount === undefined) return undefined;
        const episode = episodes.get(s.episode);
        if (!episode) return `episode ${s.episode} is not in ${CAPTURE_EPISODES_FILE}`;
        const expected = episode.seen++;
        return s.step === expected
          ? undefined
          : `step ${s.step} of episode ${s.episode} is out of order (expected ${expected})`;
      })
    : undefined;

  const stepsUnparsed = (stepCount ?? 0) - parsedSteps;
  if (run) {
    checkCount(run, 'n_steps', stepCount, CAPTURE_STEPS_FILE, issues);
    checkCount(run, 'n_episodes', episodeCount, CAPTURE_EPISODES_FILE, issues);
  }
  // Lines that did not parse belong to no known episode: per-episode counts would only echo them.
  if (stepCount !== undefined && episodeCount !== undefined && stepsUnparsed === 0) {
    for (const [id, episode] of episodes) {
      if (episode.seen !== episode.declared) {
        issues.add({
          file: CAPTURE_EPISODES_FILE,
          line: episode.line,
          field: 'n_steps',
          message: `episode ${id} declares n_steps ${episode.declared} but ${CAPTURE_STEPS_FILE} has ${episode.seen} lines for it`,
        });
      }
    }
  }
  const report: CaptureValidationReport = {
    ok: issues.total === 0,
    run_id: run?.value.run_id ?? null,
    experiment: run?.value.experiment ?? null,
    declared: run ? { n_steps: run.value.n_steps, n_episodes: run.value.n_episodes } : null,
    counted: { steps: stepCount ?? 0, episodes: episodeCount ?? 0 },
    files,
    errors: issues.listed,
    errors_omitted: issues.total - issues.listed.length,
  };
  return { report, sha256 };
}

class IssueList {
  readonly listed: CaptureIssue[] = [];
  total = 0;
  constructor(private readonly max: number) {}
  add(issue: CaptureIssue): void {
    this.total++;
    if (this.listed.length < this.max) this.listed.push(issue);
  }
}

interface RunJson {
  value: CaptureRun;
  text: string;
}

async function readRunJson(
  path: string,
  issues: IssueList,
  sha256: Map<string, string>,
): Promise<RunJson | undefined> {
  const bytes = await readFile(path);
  sha256.set(CAPTURE_RUN_FILE, createHash('sha256').update(bytes).digest('hex'));
  if (bytes.length > MAX_RUN_JSON_BYTES) {
    issues.add({ file: CAPTURE_RUN_FILE, message: `larger than ${MAX_RUN_JSON_BYTES} bytes` });
    return undefined;
  }
  const text = bytes.toString('utf8');
  try {
    return { value: parseJson(text, CaptureRun, { file: CAPTURE_RUN_FILE }), text };
  } catch (error) {
    if (!(error instanceof CairnParseError)) throw error;
    for (const issue of error.issues) issues.add(located(CAPTURE_RUN_FILE, issue));
    return undefined;
  }
}

function located(file: string, issue: ParseIssue, line = issue.line): CaptureIssue {
  return {
    file,
    line,
    column: issue.column,
    ...(issue.path ? { field: issue.path } : {}),
    message: issue.message,
  };
}

/**
 * Stream a gzip JSON Lines file, validating each line; `check` adds cross-line rules. Returns the
 * number of lines, or undefined when the file could not be read to its end (corrupt gzip).
 */
async function readLines<S extends z.ZodType>(
  dir: string,
  file: string,
  schema: S,
  issues: IssueList,
  sha256: Map<string, string>,
  options: ValidateCaptureOptions,
  check: (value: z.output<S>, line: number) => string | undefined,
): Promise<number | undefined> {
  const hash = createHash('sha256');
  const raw = createReadStream(join(dir, file));
  raw.on('data', (chunk) => hash.update(chunk));
  const gunzip = pipeline(raw, createGunzip(), () => {});
  const lines = createInterface({ input: gunzip, crlfDelay: Number.POSITIVE_INFINITY });
  const id = `validate:${file}`;
  options.onProgress?.({ type: 'start', id, label: `Validating ${file}`, unit: 'items' });
  let count = 0;
  try {
    for await (const text of lines) {
      options.signal?.throwIfAborted();
      count++;
      if (count % PROGRESS_EVERY === 0) options.onProgress?.({ type: 'progress', id, done: count });
      const value = parseLine(text, file, count, schema, issues);
      if (value === undefined) continue;
      const problem = check(value, count);
      if (problem !== undefined) issues.add({ file, line: count, message: problem });
    }
  } catch (error) {
    if (options.signal?.aborted) throw error;
    const code = errnoOf(error);
    if (code === undefined || !code.startsWith('Z_')) throw error;
    // The first line that could not be decompressed entirely.
    issues.add({
      file,
      line: count + 1,
      message: `gzip data is corrupt: ${(error as Error).message}`,
    });
    return undefined;
  } finally {
    lines.close();
    raw.destroy();
  }
  options.onProgress?.({ type: 'done', id, done: count });
  sha256.set(file, hash.digest('hex'));
  return count;
}

function parseLine<S extends z.ZodType>(
  text: string,
  file: string,
  line: number,
  schema: S,
  issues: IssueList,
): z.output<S> | undefined {
  if (text.trim() === '') {
    issues.add({ file, line, message: 'empty line (expected one JSON object per line)' });
    return undefined;
  }
  // The fast path: JSON.parse and the schema; parseJson (slower) only to describe a failure.
  try {
    const result = schema.safeParse(JSON.parse(text));
    if (result.success) return result.data;
  } catch {
    // Not JSON for JSON.parse; parseJson says where (or accepts it, e.g. after a BOM).
  }
  try {
    return parseJson(text, schema, { file });
  } catch (error) {
    if (!(error instanceof CairnParseError)) throw error;
    for (const issue of error.issues) issues.add(located(file, issue, line));
    return undefined;
  }
}

function checkCount(
  run: RunJson,
  field: 'n_steps' | 'n_episodes',
  counted: number | undefined,
  file: string,
  issues: IssueList,
): void {
  if (counted === undefined || counted === run.value[field]) return;
  issues.add({
    file: CAPTURE_RUN_FILE,
    ...positionOfKey(run.text, field),
    field,
    message: `${field} is ${run.value[field]} but ${file} has ${counted} lines`,
  });
}

// Where `"key":` first appears in the text (the top-level field in any run.json a tool writes).
function positionOfKey(text: string, key: string): { line: number; column: number } {
  const offset = Math.max(0, text.search(new RegExp(`"${key}"\\s*:`)));
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

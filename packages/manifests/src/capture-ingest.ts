/**
 * Capture ingest: a validated capture folder is copied into
 * `data/captures/<experiment>/<run_id>/` with a manifest listing every file and the validation
 * report. The copy is built in a hidden sibling folder (each file written atomically and fsynced,
 * the manifest last), then renamed into place: the destination exists complete or not at all.
 * Ingesting the same capture again changes nothing; a different capture with the same run id is
 * refused.
 */
import { createReadStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { ensureDir, fsyncDir, writeFileAtomic, writeJsonAtomic } from '@cairn/core-io';
import {
  CairnError,
  type FileDigest,
  type ProgressListener,
  type StepManifest,
} from '@cairn/types';
import { configHash } from './canonical-json.js';
import {
  CAPTURE_RUN_FILE,
  type CaptureValidationReport,
  inspectCapture,
} from './capture-validate.js';
import { gitState, hostName, runtimeInfo } from './environment.js';
import {
  errnoOf,
  exists,
  fsyncFolders,
  MANIFEST_FILE,
  mapLimit,
  removeStaleTempDirs,
  tempDirFor,
  toPosix,
} from './files.js';
import { hashList } from './hash-files.js';
import { readManifest } from './verify.js';

/** Where captures go, relative to the project root. */
export const CAPTURES_DIR = 'data/captures';

export interface IngestCaptureOptions {
  /** The capture folder to ingest. */
  source: string;
  /** Project root (default: the current directory); git state is read from it. */
  root?: string;
  /** Destination of captures (default `<root>/data/captures`). */
  out?: string;
  maxErrors?: number;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

export interface IngestCaptureResult {
  /** `unchanged`: the same capture was already there. */
  status: 'ingested' | 'unchanged';
  /** `<out>/<experiment>/<run_id>` (absolute). */
  dir: string;
  manifestPath: string;
  manifest: StepManifest;
  report: CaptureValidationReport;
}

/** A capture that failed validation; `report` says what and where. */
export class CaptureInvalidError extends CairnError {
  override readonly name = 'CaptureInvalidError';
  readonly report: CaptureValidationReport;

  constructor(source: string, report: CaptureValidationReport) {
    const shown = report.errors.slice(0, 10).map((i) => `  ${describeIssue(i)}`);
    const more = report.errors.length + report.errors_omitted - shown.length;
    super(
      'CAIRN_CAPTURE_INVALID',
      [
        `capture ${source} is invalid:`,
        ...shown,
        ...(more > 0 ? [`  …and ${more} more`] : []),
      ].join('\n'),
      {
        hint: "fix the capture and ingest again; 'cairn ingest --json' prints the full report",
        details: { report },
      },
    );
    this.report = report;
  }
}

/** `file:line:col: field: message`, as far as the issue knows them. */
export function describeIssue(issue: CaptureValidationReport['errors'][number]): string {
  const where = [issue.file, issue.line, issue.column].filter((p) => p !== undefined).join(':');
  return `${where}: ${issue.field ? `${issue.field}: ` : ''}${issue.message}`;
}

/** Validate a capture and copy it into the captures folder (see the module comment). */
export async function ingestCapture(options: IngestCaptureOptions): Promise<IngestCaptureResult> {
  const source = resolve(options.source);
  const root = resolve(options.root ?? process.cwd());
  const out = resolve(root, options.out ?? CAPTURES_DIR);
  const { report, sha256 } = await inspectCapture(source, options);
  if (!report.ok || report.run_id === null || report.experiment === null) {
    throw new CaptureInvalidError(options.source, report);
  }
  const dest = join(out, report.experiment, report.run_id);
  if (await exists(dest)) {
    const digests = await hashList(
      report.files.map((f) => join(source, f)),
      { onProgress: options.onProgress, signal: options.signal },
    );
    return existing(dest, inventory(report.files, digests), report, options.source);
  }

  const parent = dirname(dest);
  await ensureDir(parent);
  await removeStaleTempDirs(parent);
  const temp = tempDirFor(dest);
  await ensureDir(temp);
  try {
    const files = await copyInto(source, temp, report.files, sha256, options);
    const manifest = await ingestManifest(root, dest, files, report, source);
    // Last: a folder with a manifest holds every file it names.
    await writeJsonAtomic(join(temp, MANIFEST_FILE), manifest);
    try {
      await rename(temp, dest);
    } catch (error) {
      const code = errnoOf(error);
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
      // Another ingest of this run id finished first.
      await rm(temp, { recursive: true, force: true });
      return existing(dest, files, report, options.source);
    }
    await fsyncDir(parent);
    return {
      status: 'ingested',
      dir: dest,
      manifestPath: join(dest, MANIFEST_FILE),
      manifest,
      report,
    };
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

async function copyInto(
  source: string,
  temp: string,
  files: readonly string[],
  validated: ReadonlyMap<string, string>,
  options: IngestCaptureOptions,
): Promise<Record<string, FileDigest>> {
  const id = 'ingest:copy';
  options.onProgress?.({
    type: 'start',
    id,
    label: 'Copying capture',
    total: files.length,
    unit: 'files',
  });
  let done = 0;
  const digests = await mapLimit(files, async (file) => {
    const target = join(temp, file);
    await ensureDir(dirname(target));
    const { sha256, md5, size } = await writeFileAtomic(
      target,
      createReadStream(join(source, file)),
      options.signal ? { signal: options.signal } : {},
    );
    const seen = validated.get(file);
    if (seen !== undefined && seen !== sha256) {
      throw new CairnError('CAIRN_CAPTURE_CHANGED', `${join(source, file)} changed during ingest`, {
        hint: 'ingest a capture once its writer has finished',
      });
    }
    options.onProgress?.({ type: 'progress', id, done: ++done, total: files.length });
    return { sha256, md5, size };
  });
  options.onProgress?.({ type: 'done', id, done });
  await fsyncFolders(
    temp,
    files.map((f) => join(temp, f)),
  );
  return inventory(files, digests);
}

function inventory(
  files: readonly string[],
  digests: readonly FileDigest[],
): Record<string, FileDigest> {
  return Object.fromEntries(files.map((f, i) => [f, digests[i] as FileDigest]));
}

async function ingestManifest(
  root: string,
  dest: string,
  outputs: Record<string, FileDigest>,
  report: CaptureValidationReport,
  source: string,
): Promise<StepManifest> {
  const started = new Date();
  const [git, runtime] = await Promise.all([gitState(root), runtimeInfo(root)]);
  const runJson = outputs[CAPTURE_RUN_FILE];
  const finished = new Date();
  return {
    schema_version: 1,
    run_id: report.run_id as string,
    experiment: report.experiment as string,
    step_name: 'ingest',
    status: 'succeeded',
    ...git,
    config_hash: configHash({ kind: 'capture-ingest', run_json_sha256: runJson?.sha256 ?? null }),
    inputs_root: toPosix(relative(dest, root)) || '.',
    inputs: {},
    outputs,
    metrics: {
      n_steps: report.counted.steps,
      n_episodes: report.counted.episodes,
      files: report.files.length,
      bytes: Object.values(outputs).reduce((n, d) => n + d.size, 0),
    },
    params: {},
    started_at: started.toISOString(),
    finished_at: finished.toISOString(),
    duration_seconds: (finished.getTime() - started.getTime()) / 1000,
    hostname: hostName(),
    runtime,
    extra: { source, validation: report },
  };
}

// The destination exists: the same capture makes this a no-op, anything else is a conflict.
async function existing(
  dest: string,
  files: Record<string, FileDigest>,
  report: CaptureValidationReport,
  source: string,
): Promise<IngestCaptureResult> {
  let loaded: Awaited<ReturnType<typeof readManifest>>;
  try {
    loaded = await readManifest(dest);
  } catch (error) {
    throw conflict(dest, source, 'it holds no readable ingest manifest', error);
  }
  const recorded = loaded.manifest.outputs;
  const paths = new Set([...Object.keys(recorded), ...Object.keys(files)]);
  for (const path of [...paths].sort()) {
    const a = recorded[path];
    const b = files[path];
    if (!a || !b || a.sha256 !== b.sha256 || a.size !== b.size) {
      const why = !a ? 'has no' : !b ? 'lacks the' : 'has a different';
      throw conflict(dest, source, `the new capture ${why} file ${path}`);
    }
  }
  return {
    status: 'unchanged',
    dir: dest,
    manifestPath: loaded.manifestPath,
    manifest: loaded.manifest,
    report,
  };
}

function conflict(dest: string, source: string, why: string, cause?: unknown): CairnError {
  return new CairnError(
    'CAIRN_CAPTURE_CONFLICT',
    `a different capture with this run id is already ingested at ${dest}: ${why}`,
    {
      hint: `give the capture in ${source} a new run_id in its run.json`,
      details: { dest, source },
      ...(cause === undefined ? {} : { cause }),
    },
  );
}

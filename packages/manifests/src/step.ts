/**
 * The API a training script calls: `beginStep` records the inputs and the environment, the script
 * writes its outputs into `step.dir`, and `step.commit()` hashes every output, makes it durable,
 * and only then writes `manifest.json` (atomically, last). A manifest therefore exists only when
 * every file it names exists with the digests it records, whatever moment the process dies at.
 */
import { lstat, mkdir, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import {
  type AtomicWriteData,
  ensureDir,
  fsyncDir,
  TEMP_SUFFIX,
  writeFileAtomic,
  writeJsonAtomic,
} from '@cairn/core-io';
import {
  CairnError,
  type FileDigest,
  type ProgressListener,
  relativePathProblem,
  StepManifest,
} from '@cairn/types';
import { assertJson, configHash } from './canonical-json.js';
import { gitState, hostName, runtimeInfo } from './environment.js';
import { assertName, errnoOf, fsyncFolders, listFiles, MANIFEST_FILE, toPosix } from './files.js';
import { hashList } from './hash-files.js';
import { createRun, type RunHandle } from './runs.js';

export interface BeginStepOptions {
  /** The step's name: its folder inside the run and `step_name` in the manifest. */
  name: string;
  /**
   * Project root (default: the current directory): inputs are relative to it, git state is read
   * from it, and a new run goes to `<root>/runs/<experiment>/`.
   */
  root?: string;
  /** An existing run (from `createRun`, or its folder); without it a new run is created. */
  runDir?: string | RunHandle;
  /** Experiment of a new run (default `default`); with a `runDir` string, its parent's name. */
  experiment?: string;
  /** The effective configuration; the manifest records the hash of its canonical JSON. */
  config?: unknown;
  /** Parameters recorded as they are in the manifest (JSON values only). */
  params?: Record<string, unknown>;
  /** Files or folders (relative to `root`, or absolute inside it) the step reads. */
  inputs?: readonly string[];
  /** Versions recorded under `runtime.packages`, on top of the project's installed dependencies. */
  packages?: Record<string, string>;
  /** The command line recorded in the manifest (default: this script and its arguments). */
  command?: readonly string[];
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

export interface CommitOptions {
  metrics?: Record<string, unknown>;
  /** Default `succeeded`; a failed step still records what it wrote. */
  status?: 'succeeded' | 'failed';
  /** Free-form JSON recorded under `extra`. */
  extra?: Record<string, unknown>;
}

export interface CommitResult {
  manifestPath: string;
  manifest: StepManifest;
}

/** Start a step: create its folder (in a new or given run) and hash its inputs. */
export async function beginStep(options: BeginStepOptions): Promise<Step> {
  const startedAt = new Date();
  const started = process.hrtime.bigint();
  assertName('step', options.name);
  const root = resolve(options.root ?? process.cwd());
  const config = options.config ?? {};
  const params = options.params ?? {};
  const hash = configHash(config);
  assertJson(params, 'params');
  const inputs = await hashInputs(root, options.inputs ?? [], options);
  const run = await resolveRun(root, options);
  const dir = join(run.dir, options.name);
  try {
    await mkdir(dir);
  } catch (error) {
    if (errnoOf(error) === 'EEXIST') {
      throw new CairnError(
        'CAIRN_STEP_EXISTS',
        `step "${options.name}" already exists in run ${run.dir}`,
        { hint: 'a step runs once per run: start a new run or use another step name' },
      );
    }
    throw error;
  }
  await fsyncDir(run.dir);
  const [git, runtime] = await Promise.all([gitState(root), runtimeInfo(root, options.packages)]);
  return new Step({
    name: options.name,
    root,
    dir,
    run,
    startedAt,
    started,
    base: {
      schema_version: 1,
      run_id: run.runId,
      experiment: run.experiment,
      step_name: options.name,
      ...git,
      config_hash: hash,
      inputs_root: toPosix(relative(dir, root)) || '.',
      inputs,
      params,
      command: [...(options.command ?? process.argv.slice(1))],
      started_at: startedAt.toISOString(),
      hostname: hostName(),
      runtime,
    },
    onProgress: options.onProgress,
    signal: options.signal,
  });
}

type ManifestBase = Omit<
  StepManifest,
  'status' | 'outputs' | 'metrics' | 'finished_at' | 'duration_seconds' | 'extra'
>;

interface StepInit {
  name: string;
  root: string;
  dir: string;
  run: Pick<RunHandle, 'dir' | 'runId' | 'experiment'>;
  startedAt: Date;
  started: bigint;
  base: ManifestBase;
  onProgress: ProgressListener | undefined;
  signal: AbortSignal | undefined;
}

/** One running step. Write outputs inside `dir`; `commit` once at the end. */
export class Step {
  readonly name: string;
  readonly root: string;
  /** The step's output folder: every file in it at commit time is an output. */
  readonly dir: string;
  readonly runDir: string;
  readonly runId: string;
  readonly experiment: string;
  readonly startedAt: Date;
  /** The inputs as hashed when the step began (path relative to `root` → digest). */
  readonly inputs: Readonly<Record<string, FileDigest>>;
  private readonly started: bigint;
  private readonly base: ManifestBase;
  private readonly onProgress: ProgressListener | undefined;
  private readonly signal: AbortSignal | undefined;
  private readonly declared = new Set<string>();
  private writesInFlight = 0;
  private state: 'open' | 'committing' | 'committed' = 'open';

  constructor(init: StepInit) {
    this.name = init.name;
    this.root = init.root;
    this.dir = init.dir;
    this.runDir = init.run.dir;
    this.runId = init.run.runId;
    this.experiment = init.run.experiment;
    this.startedAt = init.startedAt;
    this.inputs = init.base.inputs;
    this.started = init.started;
    this.base = init.base;
    this.onProgress = init.onProgress;
    this.signal = init.signal;
  }

  /** Absolute path of an output (posix path relative to `dir`); refuses paths that leave it. */
  path(relPath: string): string {
    const problem = relativePathProblem(relPath);
    if (problem !== undefined) {
      throw new CairnError('CAIRN_PATH_ESCAPE', `output ${problem}`, {
        hint: `output paths are posix paths relative to the step folder ${this.dir}`,
        details: { path: relPath },
      });
    }
    if (relPath === MANIFEST_FILE) {
      throw new CairnError('CAIRN_RESERVED_NAME', `"${MANIFEST_FILE}" is the step's manifest`, {
        hint: 'give the output another name',
      });
    }
    return join(this.dir, relPath);
  }

  /** Write an output atomically (creating its folders); returns its digests. */
  async writeOutput(relPath: string, data: AtomicWriteData): Promise<FileDigest> {
    this.assertOpen();
    const target = this.path(relPath);
    this.writesInFlight++;
    try {
      await ensureDir(dirname(target));
      const { sha256, md5, size } = await writeFileAtomic(
        target,
        data,
        this.signal ? { signal: this.signal } : {},
      );
      this.declared.add(relPath);
      return { sha256, md5, size };
    } finally {
      this.writesInFlight--;
    }
  }

  /**
   * Declare a file or folder the script wrote inside `dir` (absolute, or relative to `dir`), so
   * that `commit` fails if it is gone. Returns the output paths it stands for.
   */
  async addOutput(path: string): Promise<string[]> {
    this.assertOpen();
    const abs = resolve(this.dir, path);
    const rel = toPosix(relative(this.dir, abs));
    if (rel === '' || rel.startsWith('../') || rel === '..' || isAbsolute(rel)) {
      throw new CairnError('CAIRN_PATH_ESCAPE', `output ${path} is not inside the step folder`, {
        hint: `write outputs inside ${this.dir} (step.path(name) gives a path there)`,
        details: { path },
      });
    }
    this.path(rel);
    let info: Awaited<ReturnType<typeof lstat>>;
    try {
      info = await lstat(abs);
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') throw outputMissing(rel);
      throw error;
    }
    const paths = info.isDirectory()
      ? (await listFiles(abs)).map((f) => `${rel}/${f.path}`)
      : info.isFile()
        ? [rel]
        : [];
    if (!info.isDirectory() && !info.isFile()) throw notAFile(rel);
    for (const p of paths) this.declared.add(p);
    return paths;
  }

  /**
   * Hash every file in `dir` (md5, sha256, size), fsync it and its folders, then write
   * `manifest.json` atomically. The manifest is the last thing written.
   */
  async commit(options: CommitOptions = {}): Promise<CommitResult> {
    this.assertOpen();
    if (this.writesInFlight > 0) {
      throw new CairnError('CAIRN_STEP_BUSY', `step "${this.name}" still has writes in progress`, {
        hint: 'await every writeOutput() before commit()',
      });
    }
    this.state = 'committing';
    try {
      const result = await this.writeManifest(options);
      this.state = 'committed';
      return result;
    } catch (error) {
      this.state = 'open';
      throw error;
    }
  }

  private async writeManifest(options: CommitOptions): Promise<CommitResult> {
    const metrics = options.metrics ?? {};
    assertJson(metrics, 'metrics');
    if (options.extra !== undefined) assertJson(options.extra, 'extra');
    const files = await listFiles(this.dir);
    for (const file of files) {
      if (file.path === MANIFEST_FILE) {
        throw new CairnError('CAIRN_RESERVED_NAME', `${join(this.dir, MANIFEST_FILE)} exists`, {
          hint: 'the manifest is written by commit() only',
        });
      }
      if (file.path.endsWith(TEMP_SUFFIX)) {
        throw new CairnError('CAIRN_STEP_BUSY', `unfinished write in the step: ${file.path}`, {
          hint: 'await every write before commit(); remove leftovers of an interrupted write',
        });
      }
      if (file.kind !== 'file') throw notAFile(file.path);
    }
    const present = new Set(files.map((f) => f.path));
    for (const rel of this.declared) if (!present.has(rel)) throw outputMissing(rel);

    const digests = await hashList(
      files.map((f) => f.absPath),
      {
        onProgress: this.onProgress,
        progress: { id: 'hash:outputs', label: `Hashing outputs of ${this.name}` },
        signal: this.signal,
        sync: true,
      },
    );
    // Folder entries too: a new file is durable only once its folder is synced.
    await fsyncFolders(
      this.dir,
      files.map((f) => f.absPath),
    );

    const finishedAt = new Date();
    const duration = Number(process.hrtime.bigint() - this.started) / 1e9;
    const candidate = {
      ...this.base,
      status: options.status ?? 'succeeded',
      outputs: Object.fromEntries(files.map((f, i) => [f.path, digests[i] as FileDigest])),
      metrics,
      finished_at: finishedAt.toISOString(),
      duration_seconds: duration,
      ...(options.extra === undefined ? {} : { extra: options.extra }),
    };
    const checked = StepManifest.safeParse(candidate);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new CairnError(
        'CAIRN_MANIFEST_INVALID',
        `cannot record step "${this.name}": ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`,
        { hint: 'output names must be valid posix relative paths (no backslashes)' },
      );
    }
    const manifestPath = join(this.dir, MANIFEST_FILE);
    this.signal?.throwIfAborted();
    await writeJsonAtomic(manifestPath, checked.data);
    return { manifestPath, manifest: checked.data };
  }

  private assertOpen(): void {
    if (this.state !== 'open') {
      throw new CairnError(
        this.state === 'committed' ? 'CAIRN_STEP_COMMITTED' : 'CAIRN_STEP_BUSY',
        this.state === 'committed'
          ? `step "${this.name}" is already committed`
          : `step "${this.name}" is being committed`,
        { hint: 'a committed step is final: begin a new step to write more' },
      );
    }
  }
}

async function resolveRun(
  root: string,
  options: BeginStepOptions,
): Promise<Pick<RunHandle, 'dir' | 'runId' | 'experiment'>> {
  const given = options.runDir;
  if (given === undefined) {
    return createRun({ root, experiment: options.experiment ?? 'default' });
  }
  if (typeof given !== 'string') return given;
  const dir = resolve(root, given);
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(dir);
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') throw error;
    throw new CairnError('CAIRN_RUN_MISSING', `run folder ${dir} does not exist`, {
      hint: 'create runs with createRun(), or leave runDir out to get a new one',
    });
  }
  if (!info.isDirectory()) {
    throw new CairnError('CAIRN_RUN_MISSING', `run folder ${dir} is not a folder`);
  }
  return { dir, runId: basename(dir), experiment: options.experiment ?? basename(dirname(dir)) };
}

async function hashInputs(
  root: string,
  inputs: readonly string[],
  options: Pick<BeginStepOptions, 'onProgress' | 'signal'>,
): Promise<Record<string, FileDigest>> {
  const files = new Map<string, string>();
  for (const input of inputs) {
    const abs = resolve(root, input);
    const rel = toPosix(relative(root, abs));
    if (rel === '..' || rel.startsWith('../') || isAbsolute(rel)) {
      throw new CairnError('CAIRN_PATH_ESCAPE', `input ${input} is outside the project root`, {
        hint: `inputs are recorded relative to ${root}; pass a root that contains them`,
        details: { path: input, root },
      });
    }
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(abs);
    } catch (error) {
      if (errnoOf(error) !== 'ENOENT') throw error;
      throw new CairnError('CAIRN_INPUT_MISSING', `input ${input} does not exist`, {
        details: { path: input },
      });
    }
    if (!info.isDirectory()) {
      files.set(rel, abs);
      continue;
    }
    for (const file of await listFiles(abs)) {
      if (file.kind !== 'other') files.set(rel ? `${rel}/${file.path}` : file.path, file.absPath);
    }
  }
  const keys = [...files.keys()].sort();
  const digests = await hashList(
    keys.map((k) => files.get(k) as string),
    {
      onProgress: options.onProgress,
      progress: { id: 'hash:inputs', label: 'Hashing inputs' },
      signal: options.signal,
    },
  );
  return Object.fromEntries(keys.map((k, i) => [k, digests[i] as FileDigest]));
}

function outputMissing(rel: string): CairnError {
  return new CairnError('CAIRN_OUTPUT_MISSING', `output ${rel} is missing`, {
    hint: 'it was written or declared, then removed before commit()',
    details: { path: rel },
  });
}

function notAFile(rel: string): CairnError {
  return new CairnError('CAIRN_OUTPUT_NOT_FILE', `output ${rel} is not a regular file`, {
    hint: 'outputs are regular files: copy the target of a link into the step folder instead',
    details: { path: rel },
  });
}

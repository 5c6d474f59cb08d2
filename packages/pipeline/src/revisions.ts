/**
 * Reading pipeline data at a revision: `workspace`, or any git revision. Outputs that DVC keeps
 * in its cache rather than in git (a metrics file with the default `cache: true`) are read from
 * the cache through the revision's dvc.lock or `.dvc` file, as DVC's repo filesystem does.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { headSha } from '@cairn/core-io';
import { type CairnError, isCairnError } from '@cairn/types';
import { type FileSource, gitRevSource, workspaceSource } from './file-source.js';
import { readLock } from './lock.js';
import { loadPipeline, type Pipeline } from './pipeline.js';
import type { PyValue } from './py-value.js';

export const WORKSPACE = 'workspace';

export interface RevisionOptions {
  /** Absolute repository root. */
  root: string;
  /** DVC cache folder (absolute), to read cached outputs at git revisions; default `.dvc/cache`. */
  cacheDir?: string;
}

/** A revision's files: loaded data, or the error that stopped a file (or the revision). */
export interface RevisionData {
  rev: string;
  files: Map<string, PyValue>;
  fileErrors: Map<string, Error>;
  /** The revision could not be read at all (e.g. an invalid dvc.yaml there). */
  error?: Error;
}

export async function sourceFor(root: string, rev: string): Promise<FileSource> {
  return rev === WORKSPACE ? workspaceSource(root) : gitRevSource(root, rev);
}

/** True when the repository has at least one commit (DVC's diffs are empty otherwise). */
export async function hasCommits(root: string): Promise<boolean> {
  return (await headSha(root)) !== undefined;
}

/**
 * Loads the pipeline at `rev` and gives it to `read`; a failure becomes the revision's `error`
 * (DVC reports it and goes on with the other revision).
 */
export async function loadRevision(
  options: RevisionOptions,
  rev: string,
  read: (pipeline: Pipeline, data: RevisionData) => Promise<void>,
): Promise<RevisionData> {
  const data: RevisionData = { rev, files: new Map(), fileErrors: new Map() };
  try {
    const source = await sourceFor(options.root, rev);
    const pipeline = await loadPipeline({ root: options.root, source });
    await read(pipeline, data);
  } catch (error) {
    if (
      rev !== WORKSPACE &&
      isCairnError(error) &&
      (error as CairnError).code === 'CAIRN_GIT_UNKNOWN_REV'
    ) {
      throw error;
    }
    data.error = error instanceof Error ? error : new Error(String(error));
  }
  return data;
}

/** The bytes of a file at the pipeline's revision, from git or else from the DVC cache. */
export async function readAtRevision(
  pipeline: Pipeline,
  path: string,
  options: RevisionOptions,
): Promise<Buffer | undefined> {
  const direct = await pipeline.source.read(path);
  if (direct !== undefined || pipeline.source.label === WORKSPACE) return direct;
  const hash = await cachedHashOf(pipeline, path);
  if (!hash) return undefined;
  const cache = options.cacheDir ?? join(options.root, '.dvc', 'cache');
  const object = hash.legacy
    ? join(cache, hash.md5.slice(0, 2), hash.md5.slice(2))
    : join(cache, 'files', 'md5', hash.md5.slice(0, 2), hash.md5.slice(2));
  try {
    return await readFile(object);
  } catch {
    return undefined;
  }
}

async function cachedHashOf(
  pipeline: Pipeline,
  path: string,
): Promise<{ md5: string; legacy: boolean } | undefined> {
  for (const stage of pipeline.stages) {
    const out = stage.outs.find((o) => o.path === path);
    if (!out) continue;
    const lock = await readLock(pipeline.source, stage.dvcfile);
    const item = lock?.stages[stage.name]?.outs?.find((i) => i.path === out.defPath);
    if (item?.md5) return { md5: item.md5, legacy: item.hash !== 'md5' };
  }
  for (const pointer of pipeline.pointers) {
    const index = pointer.outs.findIndex((o) => o.path === path);
    const hash = pointer.outHashes[index];
    if (hash?.md5) return { md5: hash.md5, legacy: hash.legacy };
  }
  return undefined;
}

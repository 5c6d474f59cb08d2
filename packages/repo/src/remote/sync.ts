/**
 * `cairn push` / `cairn fetch`: the objects of the chosen outputs (a directory is its `.dir`
 * object plus every file it lists), grouped by the remote each output goes to, moved in parallel
 * by the transfer engine of `@cairn/remote-adapters` (md5-verified both ways).
 */
import { isDirOid } from '@cairn/cache';
import {
  fetchObjects,
  pushObjects,
  type TransferFailure,
  type TransferSummary,
} from '@cairn/remote-adapters';
import type { CairnErrorCode, RemoteDriver } from '@cairn/types';
import type { DataContext } from '../data/context.js';
import { isSelected } from '../data/targets.js';
import { chooseRemote, type RemoteHost, RemotePool } from './open.js';
import {
  collectUsedOutputs,
  localTree,
  type ScopeOptions,
  type UsedOutput,
  type UsedOutputs,
} from './used-outputs.js';

export interface SyncOptions extends ScopeOptions {
  /** The remote to use for every output (`-r`); else each output's `remote:`, else `core.remote`. */
  remote?: string;
  /** Objects moved at once (default: the remote's). */
  jobs?: number;
}

export interface SyncFailure {
  oid: string;
  code: CairnErrorCode;
  reason: string;
  remote: string;
  /** The outputs (or files inside directory outputs) that need the object. */
  paths: string[];
}

export interface SyncResult {
  /** Objects copied, already there (skipped), failed, and bytes copied, over every remote. */
  transferred: number;
  skipped: number;
  failed: SyncFailure[];
  bytes: number;
  /** The remotes used, by name. */
  remotes: string[];
  /** Revisions whose pointer files could not be read (with -a / -T / -A). */
  skippedRevisions: UsedOutputs['skipped'];
  /** Legacy (DVC 2) outputs left out: their remote layout is not supported yet. */
  legacy: string[];
}

export interface SyncHost extends RemoteHost {
  root: string;
  usesGit: boolean;
  cacheDir: string;
}

/** Objects of one remote, and which paths need each of them. */
class ObjectSet {
  readonly paths = new Map<string, string[]>();

  add(oid: string, path: string): void {
    const list = this.paths.get(oid);
    if (list) {
      if (!list.includes(path)) list.push(path);
    } else this.paths.set(oid, [path]);
  }

  get oids(): string[] {
    return [...this.paths.keys()];
  }
}

/** Groups outputs by the remote they use. */
export function byRemote(
  host: RemoteHost,
  outputs: readonly UsedOutput[],
  requested: string | undefined,
  command: string,
): Map<string, UsedOutput[]> {
  const groups = new Map<string, UsedOutput[]>();
  for (const out of outputs) {
    const name = chooseRemote(host, requested, out.remote, command);
    const group = groups.get(name) ?? [];
    group.push(out);
    groups.set(name, group);
  }
  return groups;
}

/** Adds an output's objects: its own, and for a directory every file its local `.dir` lists. */
function addOutput(set: ObjectSet, ctx: DataContext, out: UsedOutput): void {
  set.add(out.oid, out.path);
  addFiles(set, ctx, out);
}

/** The files of a directory output its local `.dir` lists (those `within` selects). */
function addFiles(set: ObjectSet, ctx: DataContext, out: UsedOutput): void {
  if (!isDirOid(out.oid)) return;
  for (const entry of localTree(ctx.store.path(out.oid), out.oid) ?? []) {
    if (isSelected(out.within, entry.relpath)) set.add(entry.md5, `${out.path}/${entry.relpath}`);
  }
}

class Totals {
  readonly result: SyncResult;

  constructor(used: UsedOutputs, remotes: string[]) {
    this.result = {
      transferred: 0,
      skipped: 0,
      failed: [],
      bytes: 0,
      remotes,
      skippedRevisions: used.skipped,
      legacy: used.legacy,
    };
  }

  add(remote: string, set: ObjectSet, summary: TransferSummary): void {
    this.result.transferred += summary.transferred;
    this.result.skipped += summary.skipped;
    this.result.bytes += summary.bytes;
    for (const f of summary.failed) this.result.failed.push(failure(remote, set, f));
  }
}

function failure(remote: string, set: ObjectSet, f: TransferFailure): SyncFailure {
  return { ...f, remote, paths: set.paths.get(f.oid) ?? [] };
}

async function withRemotes<T>(host: RemoteHost, fn: (pool: RemotePool) => Promise<T>): Promise<T> {
  const pool = new RemotePool(host);
  try {
    return await fn(pool);
  } finally {
    await pool.dispose();
  }
}

function transferOptions(ctx: DataContext, host: SyncHost, remote: RemoteDriver, jobs?: number) {
  return {
    cacheDir: host.cacheDir,
    ...(ctx.store.dirMode === undefined ? {} : { cacheDirMode: ctx.store.dirMode }),
    remote,
    // Only a local folder remote has objects copied on the hash threads.
    ...(remote.local === undefined ? {} : { pool: ctx.pool() }),
    // What a fetch verified need not be hashed again by the checkout that follows.
    onVerified: (oid: string, stat: { ino: number; mtimeMs: number; size: number }) =>
      ctx.store.remember(oid, stat),
    ...(jobs === undefined ? {} : { jobs }),
    ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  };
}

/** Uploads what the remotes lack; `push: false` outputs are left out. */
export async function pushOutputs(
  ctx: DataContext,
  host: SyncHost,
  options: SyncOptions,
): Promise<SyncResult> {
  const used = await collectUsedOutputs(host, options);
  const groups = byRemote(
    host,
    used.outputs.filter((o) => o.push),
    options.remote,
    'push',
  );
  const totals = new Totals(used, [...groups.keys()]);
  await withRemotes(host, async (pool) => {
    for (const [name, outputs] of groups) {
      const set = new ObjectSet();
      for (const out of outputs) addOutput(set, ctx, out);
      const remote = await pool.get(name);
      const summary = await pushObjects({
        ...transferOptions(ctx, host, remote, options.jobs),
        oids: set.oids,
      });
      totals.add(name, set, summary);
    }
  });
  return totals.result;
}

/**
 * Downloads what the cache lacks: `.dir` objects (and file outputs) first, then the files the
 * listings name, so a directory can be fetched into an empty cache.
 */
export async function fetchOutputs(
  ctx: DataContext,
  host: SyncHost,
  options: SyncOptions,
): Promise<SyncResult> {
  const used = await collectUsedOutputs(host, options);
  const groups = byRemote(host, used.outputs, options.remote, 'fetch');
  const totals = new Totals(used, [...groups.keys()]);
  await withRemotes(host, async (pool) => {
    for (const [name, outputs] of groups) {
      const remote = await pool.get(name);
      const first = new ObjectSet();
      for (const out of outputs) first.add(out.oid, out.path);
      totals.add(
        name,
        first,
        await fetchObjects({
          ...transferOptions(ctx, host, remote, options.jobs),
          oids: first.oids,
        }),
      );
      const files = new ObjectSet();
      for (const out of outputs) addFiles(files, ctx, out);
      if (files.paths.size === 0) continue;
      totals.add(
        name,
        files,
        await fetchObjects({
          ...transferOptions(ctx, host, remote, options.jobs),
          oids: files.oids,
        }),
      );
    }
  });
  return totals.result;
}

export { withRemotes };

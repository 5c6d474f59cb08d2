/**
 * `cairn audit`: which remotes hold each tracked output completely. A file output counts when
 * its object is there; a directory only when its `.dir` listing and every file it lists are.
 */
import { isDirOid, type TreeEntry } from '@cairn/cache';
import { remoteHas } from '@cairn/remote-adapters';
import { CairnError, type RemoteDriver } from '@cairn/types';
import type { DataContext } from '../data/context.js';
import { remoteTree } from './cloud-status.js';
import type { SyncHost } from './sync.js';
import { withRemotes } from './sync.js';
import { collectUsedOutputs, localTree, type ScopeOptions } from './used-outputs.js';

export interface AuditOptions extends Omit<ScopeOptions, 'targets' | 'cwd'> {
  /** Remote names to check (default: every configured remote). */
  remotes?: readonly string[];
  jobs?: number;
}

export interface AuditedOutput {
  path: string;
  stage: string;
  oid: string;
  /** False for `push: false` outputs: not expected on any remote, never a failure. */
  push: boolean;
  /** The remotes that hold it completely. */
  remotes: string[];
}

export interface AuditResult {
  remotes: string[];
  outputs: AuditedOutput[];
  /** Outputs (with `push` true) that no remote holds completely. */
  unprotected: number;
  legacy: string[];
}

export async function auditRemotes(
  ctx: DataContext,
  host: SyncHost,
  options: AuditOptions,
): Promise<AuditResult> {
  const configured = Object.keys(host.config.remote ?? {});
  const names = [...new Set((options.remotes ?? configured).map((n) => n.toLowerCase()))];
  if (names.length === 0) {
    throw new CairnError('CAIRN_NO_REMOTE', 'no remotes are configured, so nothing is backed up', {
      hint: 'add one with: cairn remote add -d <name> <url>',
    });
  }
  const used = await collectUsedOutputs(host, options);
  return withRemotes(host, async (pool) => {
    const drivers = new Map<string, RemoteDriver>();
    for (const name of names) drivers.set(name, await pool.get(name));
    // Directory listings: from the cache, else from the first remote with an intact copy.
    const trees = new Map<string, TreeEntry[] | undefined>();
    for (const out of used.outputs) {
      if (!isDirOid(out.oid) || trees.has(out.oid)) continue;
      let entries = localTree(ctx.store.path(out.oid), out.oid);
      for (const driver of drivers.values()) {
        if (entries) break;
        entries = await remoteTree(driver, out.oid, ctx.signal);
      }
      trees.set(out.oid, entries);
    }
    const wanted = new Set<string>();
    for (const out of used.outputs) {
      wanted.add(out.oid);
      for (const e of trees.get(out.oid) ?? []) wanted.add(e.md5);
    }
    const held = new Map<string, Set<string>>();
    for (const [name, driver] of drivers) {
      held.set(
        name,
        await remoteHas(driver, wanted, {
          ...(options.jobs === undefined ? {} : { jobs: options.jobs }),
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        }),
      );
    }
    const outputs = used.outputs.map((out): AuditedOutput => {
      const entries = trees.get(out.oid);
      const holders = names.filter((name) => {
        const has = held.get(name) ?? new Set<string>();
        if (!has.has(out.oid)) return false;
        if (!isDirOid(out.oid)) return true;
        return entries?.every((e) => has.has(e.md5)) === true;
      });
      return { path: out.path, stage: out.stage, oid: out.oid, push: out.push, remotes: holders };
    });
    return {
      remotes: names,
      outputs,
      unprotected: outputs.filter((o) => o.push && o.remotes.length === 0).length,
      legacy: used.legacy,
    };
  });
}

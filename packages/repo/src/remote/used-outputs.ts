/**
 * The outputs a remote operation works on: cached outputs of pointer files and `dvc.lock` in the
 * workspace (narrowed by targets) and, with -a / -T / -A, in git history; each with the `push:`
 * and `remote:` flags DVC reads from the pointer file or from the stage's `dvc.yaml` outs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { isDirOid, parseTree, type TreeEntry } from '@cairn/cache';
import { OutFlags } from '@cairn/types';
import { parse as parseYamlLoose } from 'yaml';
import { entriesAtRev, revisions } from '../data/gc.js';
import { type TrackedEntry, toPosix } from '../data/outputs.js';
import { targetEntries } from '../data/targets.js';

export interface ScopeOptions {
  /** Outputs, pointer files or stage names (default: all); they narrow the workspace only. */
  targets?: readonly string[];
  /** Resolves relative targets (default: the repository root). */
  cwd?: string;
  allBranches?: boolean;
  allTags?: boolean;
  allCommits?: boolean;
}

/** One output to transfer or check. */
export interface UsedOutput {
  /** Posix path relative to the repository root. */
  path: string;
  /** The pointer file or stage that records it. */
  stage: string;
  /** Its object id (`<md5>` or `<md5>.dir`). */
  oid: string;
  /** The output's own `remote:` flag. */
  remote?: string;
  /** False for `push: false` outputs: never pushed, still fetched. */
  push: boolean;
  /** Only these paths inside the directory (targets inside it; see `TrackedEntry.within`). */
  within?: readonly string[];
}

export interface UsedOutputs {
  outputs: UsedOutput[];
  /** Revisions whose pointer files or lock could not be read (reported, not fatal). */
  skipped: Array<{ rev: string; file: string; message: string }>;
  /** Legacy (DVC 2, md5-dos2unix) outputs: their remote layout is not supported yet. */
  legacy: string[];
}

interface Host {
  root: string;
  usesGit: boolean;
}

export async function collectUsedOutputs(host: Host, scope: ScopeOptions): Promise<UsedOutputs> {
  const { root, usesGit } = host;
  const result: UsedOutputs = { outputs: [], skipped: [], legacy: [] };
  const seen = new Map<string, UsedOutput>();
  const flags = new FlagReader(root);
  const add = (entries: readonly TrackedEntry[]) => {
    for (const e of entries) {
      if (e.kind !== 'out' || !e.cached || e.oid === undefined) continue;
      const path = toPosix(relative(root, e.path));
      if (e.hashName !== 'md5') {
        if (!result.legacy.includes(path)) result.legacy.push(path);
        continue;
      }
      const key = `${path}\0${e.oid}`;
      const known = seen.get(key);
      if (known !== undefined) {
        // Used whole anywhere (another revision, another stage): whole; else both parts.
        if (known.within === undefined) continue;
        if (e.within === undefined) delete known.within;
        else known.within = [...new Set([...known.within, ...e.within])].sort();
        continue;
      }
      const own = flags.forEntry(e);
      const out: UsedOutput = {
        path,
        stage: e.stage,
        oid: e.oid,
        ...(own.remote === undefined ? {} : { remote: own.remote }),
        push: own.push !== false,
        ...(e.within === undefined ? {} : { within: e.within }),
      };
      seen.set(key, out);
      result.outputs.push(out);
    }
  };
  add(await targetEntries(root, usesGit, scope.targets, scope.cwd ?? root));
  if (
    (scope.allBranches || scope.allTags || scope.allCommits) &&
    usesGit &&
    existsSync(join(root, '.git'))
  ) {
    for (const rev of await revisions(root, scope)) {
      add(await entriesAtRev(root, rev, result.skipped));
    }
  }
  return result;
}

/**
 * `push:` / `remote:` of lock outputs, read from the `dvc.yaml` beside the lock (the workspace
 * version, also for older revisions). Unparsable files give no flags: the pipeline layer reports
 * their errors with positions.
 */
export class FlagReader {
  readonly #cache = new Map<string, Map<string, Map<string, OutFlags>>>();

  constructor(private readonly root: string) {}

  /** The flags of an output: its pointer entry's, or those of its stage in `dvc.yaml`. */
  forEntry(e: TrackedEntry): OutFlags {
    return e.source === 'pointer' ? e.entry : this.of(e.file, e.stage, e.entry.path);
  }

  of(lockFile: string, stage: string, outPath: string): OutFlags {
    const stages = this.#stages(lockFile);
    const name = stage.includes(':') ? stage.slice(stage.lastIndexOf(':') + 1) : stage;
    const outs = stages.get(name) ?? stages.get(name.split('@')[0] ?? name);
    return outs?.get(outPath) ?? {};
  }

  #stages(lockFile: string): Map<string, Map<string, OutFlags>> {
    let stages = this.#cache.get(lockFile);
    if (stages) return stages;
    stages = new Map();
    this.#cache.set(lockFile, stages);
    const yamlFile = join(dirname(lockFile), 'dvc.yaml');
    if (!yamlFile.startsWith(this.root) || !existsSync(yamlFile)) return stages;
    let doc: unknown;
    try {
      doc = parseYamlLoose(readFileSync(yamlFile, 'utf8'), { version: '1.2' });
    } catch {
      return stages;
    }
    const defs = (doc as { stages?: unknown } | null)?.stages;
    if (typeof defs !== 'object' || defs === null) return stages;
    for (const [name, body] of Object.entries(defs)) {
      const outs = (body as { outs?: unknown; do?: { outs?: unknown } } | null)?.outs;
      const list = Array.isArray(outs) ? outs : [];
      const byPath = new Map<string, OutFlags>();
      for (const out of list) {
        if (typeof out !== 'object' || out === null) continue;
        for (const [path, value] of Object.entries(out)) {
          const parsed = OutFlags.safeParse(value ?? {});
          if (parsed.success) byPath.set(path, parsed.data);
        }
      }
      stages.set(name, byPath);
    }
    return stages;
  }
}

/** The entries of a `.dir` object's bytes, or undefined for a damaged listing. */
export function treeEntries(bytes: Buffer, oid: string): TreeEntry[] | undefined {
  try {
    return parseTree(bytes, oid);
  } catch {
    return undefined;
  }
}

/** The `.dir` entries of a local cache object, or undefined when it is absent or damaged. */
export function localTree(path: string, oid: string): TreeEntry[] | undefined {
  if (!isDirOid(oid) || !existsSync(path)) return undefined;
  return treeEntries(readFileSync(path), oid);
}

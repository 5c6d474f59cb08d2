/**
 * Everything the workspace tracks: the outputs of `.dvc` pointer files and of `dvc.lock`
 * stages (plus lock deps, for status). Paths are absolute; `stage` is DVC's addressing
 * (`data.dvc`, `train`, `sub/dvc.yaml:train`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { HashName } from '@cairn/cache';
import { git, walkTree } from '@cairn/core-io';
import { type DvcEntry, DvcLock, entryHashName, parseYaml } from '@cairn/types';
import { parse as parseYamlLoose } from 'yaml';
import { type PointerFile, parsePointer } from './pointer.js';

export interface TrackedEntry {
  /** DVC's stage addressing, relative to the repository root. */
  stage: string;
  source: 'pointer' | 'lock';
  /** Absolute path of the `.dvc` file or `dvc.lock`. */
  file: string;
  kind: 'out' | 'dep';
  /** Index in the file's `outs` (or `deps`) list. */
  index: number;
  /** Absolute workspace path. */
  path: string;
  entry: DvcEntry;
  hashName: HashName;
  /** The hash value, or undefined when the entry has none yet. */
  oid: string | undefined;
  /** False for `cache: false` outputs (metrics and the like): never stored, never checked out. */
  cached: boolean;
  pointer?: PointerFile;
  /**
   * Set by target selection when every target that names this directory output lies inside it:
   * those paths (posix, relative to the output). Checkout, fetch, pull and push then work on
   * those files only, as DVC does for paths inside tracked directories.
   */
  within?: readonly string[];
}

export function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/** Pointer files and lock files of the workspace (git's view when in git, else a walk). */
export async function findDvcFiles(
  root: string,
  usesGit: boolean,
): Promise<{ pointers: string[]; locks: string[]; stageFiles: string[] }> {
  let files: string[];
  if (usesGit && existsSync(join(root, '.git'))) {
    const out = await git(
      [
        'ls-files',
        '-z',
        '--cached',
        '--others',
        '--exclude-standard',
        '--',
        '*.dvc',
        ':(glob)**/dvc.lock',
        ':(glob)**/dvc.yaml',
      ],
      { cwd: root },
    );
    files = [...new Set(out.split('\0').filter((f) => f !== ''))].filter((f) =>
      existsSync(join(root, f)),
    );
  } else {
    files = walkTree(root)
      .files.map((f) => f.path)
      .filter((f) => f.endsWith('.dvc') || isNamed(f, 'dvc.lock') || isNamed(f, 'dvc.yaml'));
  }
  const inDvcDir = (f: string) => f === '.dvc' || f.startsWith('.dvc/');
  const pointers = files.filter((f) => f.endsWith('.dvc') && !inDvcDir(f)).sort();
  const locks = files.filter((f) => isNamed(f, 'dvc.lock')).sort();
  const stageFiles = files.filter((f) => isNamed(f, 'dvc.yaml')).sort();
  const abs = (list: string[]) => list.map((f) => join(root, f));
  return { pointers: abs(pointers), locks: abs(locks), stageFiles: abs(stageFiles) };
}

function isNamed(relpath: string, name: string): boolean {
  return relpath === name || relpath.endsWith(`/${name}`);
}

function oidOf(entry: DvcEntry): string | undefined {
  return entry.md5 ?? undefined;
}

/** The tracked outputs (and deps) of one pointer file's text. */
export function pointerEntries(root: string, file: string, text: string): TrackedEntry[] {
  const rel = toPosix(relative(root, file));
  const data = parsePointer(text, rel);
  const pointer: PointerFile = { file, text, data };
  const base = join(dirname(file), data.wdir ?? '.');
  return entriesOf({ stage: rel, source: 'pointer', file, pointer }, base, data.outs, data.deps);
}

/** The entries of one pointer file or lock stage: outs first, then deps (paths from `base`). */
function entriesOf(
  owner: Pick<TrackedEntry, 'stage' | 'source' | 'file' | 'pointer'>,
  base: string,
  outs: readonly DvcEntry[] | undefined,
  deps: readonly DvcEntry[] | undefined,
): TrackedEntry[] {
  const make = (kind: 'out' | 'dep', entry: DvcEntry, index: number): TrackedEntry => ({
    stage: owner.stage,
    source: owner.source,
    file: owner.file,
    kind,
    index,
    path: join(base, entry.path),
    entry,
    hashName: entryHashName(entry),
    oid: oidOf(entry),
    cached: entry.cache !== false,
    ...(owner.pointer ? { pointer: owner.pointer } : {}),
  });
  return [
    ...(outs ?? []).map((e, i) => make('out', e, i)),
    ...(deps ?? []).map((e, i) => make('dep', e, i)),
  ];
}

/** `wdir` of each stage in the `dvc.yaml` beside a lock (literal values only; default `.`). */
function stageWdirs(lockFile: string): Map<string, string> {
  const wdirs = new Map<string, string>();
  const yamlFile = join(dirname(lockFile), 'dvc.yaml');
  if (!existsSync(yamlFile)) return wdirs;
  let doc: unknown;
  try {
    doc = parseYamlLoose(readFileSync(yamlFile, 'utf8'), { version: '1.2' });
  } catch {
    return wdirs; // the pipeline layer reports dvc.yaml errors with positions
  }
  const stages = (doc as { stages?: Record<string, unknown> } | null)?.stages;
  if (typeof stages !== 'object' || stages === null) return wdirs;
  for (const [name, body] of Object.entries(stages)) {
    const def = body as { wdir?: unknown; do?: { wdir?: unknown } } | null;
    const wdir = def?.wdir ?? def?.do?.wdir;
    if (typeof wdir === 'string' && !wdir.includes('${')) wdirs.set(name, wdir);
  }
  return wdirs;
}

/** The outputs and deps recorded in one `dvc.lock`. */
export function lockEntries(root: string, file: string, text: string): TrackedEntry[] {
  const rel = toPosix(relative(root, file));
  const lock = parseYaml(text, DvcLock, { file: rel });
  const wdirs = stageWdirs(file);
  const prefix = rel === 'dvc.lock' ? '' : `${toPosix(dirname(rel))}/dvc.yaml:`;
  const entries: TrackedEntry[] = [];
  for (const [name, stage] of Object.entries(lock.stages)) {
    const wdir = wdirs.get(name) ?? wdirs.get(name.split('@')[0] ?? name) ?? '.';
    const base = join(dirname(file), wdir);
    entries.push(
      ...entriesOf(
        { stage: `${prefix}${name}`, source: 'lock', file },
        base,
        stage.outs,
        stage.deps,
      ),
    );
  }
  return entries;
}

/** Every tracked entry of the workspace. */
export async function collectEntries(root: string, usesGit: boolean): Promise<TrackedEntry[]> {
  return (await collectTracked(root, usesGit)).entries;
}

/** Tracked entries, and whether any `dvc.yaml` exists (stages that may not be locked yet). */
export async function collectTracked(
  root: string,
  usesGit: boolean,
): Promise<{ entries: TrackedEntry[]; hasStageFiles: boolean }> {
  const { pointers, locks, stageFiles } = await findDvcFiles(root, usesGit);
  const entries: TrackedEntry[] = [];
  for (const file of pointers)
    entries.push(...pointerEntries(root, file, readFileSync(file, 'utf8')));
  for (const file of locks) entries.push(...lockEntries(root, file, readFileSync(file, 'utf8')));
  return { entries, hasStageFiles: stageFiles.length > 0 };
}

/** True when `path` is `container` or lies below it. */
export function isWithin(path: string, container: string): boolean {
  return (
    path === container || path.startsWith(container.endsWith(sep) ? container : container + sep)
  );
}

/** Whether data may be tracked at `path`: below the root, outside `.dvc/` and `.git/`. */
export function isTrackablePath(root: string, path: string): boolean {
  const first = toPosix(relative(root, path)).split('/')[0];
  return isWithin(path, root) && path !== root && first !== '.dvc' && first !== '.git';
}

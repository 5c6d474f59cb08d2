/**
 * `cairn commit`: record the workspace's current content of tracked outputs: objects into the
 * cache first, then the pointer file or `dvc.lock` entry. A legacy (DVC 2) entry whose data is
 * unchanged is left byte for byte as it is, as DVC does.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { stringifyDvcYaml, writeFileAtomic, writeFilesAtomicSync } from '@cairn/core-io';
import { CairnError, DvcLock, parseYaml } from '@cairn/types';
import { entryHashOf, hashAndStore, relinkFromCache } from './add.js';
import type { DataContext } from './context.js';
import { hashPath, type PathHash } from './hash-path.js';
import { type TrackedEntry, toPosix } from './outputs.js';
import { hashFields, updatePointerText } from './pointer.js';

export interface CommitResult {
  /** Outputs whose recorded hash changed. */
  committed: string[];
  unchanged: string[];
}

const HASH_KEYS = new Set(['path', 'hash', 'md5', 'size', 'nfiles', 'isexec']);

function hashValue(hash: PathHash): string {
  return hash.kind === 'file' ? hash.md5 : hash.oid;
}

export async function commitEntries(
  ctx: DataContext,
  entries: readonly TrackedEntry[],
): Promise<CommitResult> {
  const result: CommitResult = { committed: [], unchanged: [] };
  const display = (p: string) => toPosix(relative(ctx.repo.root, p));
  const lockUpdates = new Map<string, Array<{ entry: TrackedEntry; hash: PathHash }>>();
  const pointerUpdates = new Map<string, Array<{ entry: TrackedEntry; hash: PathHash }>>();
  // Each pointer file is written once, all of them together (their fsyncs committed at once),
  // then each lock file: at the end, or at a failure or interrupt with what was done before it.
  const save = async () => {
    const pointers: Array<{ path: string; data: string }> = [];
    for (const [file, updates] of pointerUpdates) {
      // Read again under the repository lock (the entries were collected before it was taken).
      let text = readFileSync(file, 'utf8');
      for (const { entry, hash } of updates) {
        text = updatePointerText(text, entry.index, entryHashOf(hash));
      }
      pointers.push({ path: file, data: text });
    }
    pointerUpdates.clear();
    writeFilesAtomicSync(pointers);
    for (const [file, updates] of lockUpdates) await rewriteLock(ctx, file, updates);
    lockUpdates.clear();
  };
  try {
    for (const [i, entry] of entries.entries()) {
      await ctx.beforeTarget(i);
      if (entry.entry.path.includes('://')) continue;
      if (entry.kind === 'dep') {
        if (entry.source !== 'lock') continue;
        const hash = await hashPath(ctx, entry.path);
        if (hash === undefined) throw missing(entry);
        if (hashValue(hash) !== entry.oid) pushTo(lockUpdates, entry, hash);
        continue;
      }
      // A legacy entry keeps its dos2unix hash while the data is unchanged.
      if (entry.hashName === 'md5-dos2unix' && entry.oid !== undefined) {
        const legacy = await hashPath(ctx, entry.path, 'md5-dos2unix');
        if (legacy !== undefined && hashValue(legacy) === entry.oid) {
          result.unchanged.push(display(entry.path));
          continue;
        }
      }
      let hash: PathHash | undefined;
      if (entry.cached) {
        try {
          hash = (await hashAndStore(ctx, entry.path)).hash;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw missing(entry);
          throw error;
        }
        // As DVC's commit: with a link cache.type the workspace becomes links to what was stored.
        await relinkFromCache(ctx, entry.path, hash);
      } else {
        hash = await hashPath(ctx, entry.path);
        if (hash === undefined) throw missing(entry);
      }
      if (hashValue(hash) === entry.oid && entry.hashName === 'md5') {
        result.unchanged.push(display(entry.path));
        continue;
      }
      result.committed.push(display(entry.path));
      pushTo(entry.source === 'pointer' ? pointerUpdates : lockUpdates, entry, hash);
    }
  } catch (error) {
    await save().catch(() => {});
    throw error;
  }
  await save();
  await ctx.flush();
  return result;
}

function pushTo(
  map: Map<string, Array<{ entry: TrackedEntry; hash: PathHash }>>,
  entry: TrackedEntry,
  hash: PathHash,
): void {
  const list = map.get(entry.file) ?? [];
  list.push({ entry, hash });
  map.set(entry.file, list);
}

function missing(entry: TrackedEntry): CairnError {
  return new CairnError('CAIRN_NOT_FOUND', `${entry.stage}: '${entry.entry.path}' does not exist`, {
    hint: 'restore it with `cairn checkout`, or stop tracking it with `cairn remove`',
  });
}

/** Rewrites `dvc.lock` with new hashes, in DVC's entry order (path, hash, md5, size, nfiles). */
async function rewriteLock(
  ctx: DataContext,
  file: string,
  updates: Array<{ entry: TrackedEntry; hash: PathHash }>,
): Promise<void> {
  const rel = toPosix(relative(ctx.repo.root, file));
  const lock = parseYaml(readFileSync(file, 'utf8'), DvcLock, { file: rel });
  for (const { entry, hash } of updates) {
    const name = entry.stage.includes(':')
      ? entry.stage.slice(entry.stage.lastIndexOf(':') + 1)
      : entry.stage;
    const stage = lock.stages[name];
    const list = entry.kind === 'out' ? stage?.outs : stage?.deps;
    const old = list?.[entry.index];
    if (!list || !old) continue;
    const fields = hashFields(entryHashOf(hash));
    const next: Record<string, unknown> = {
      path: old.path,
      hash: 'md5',
      md5: fields.md5,
      size: fields.size,
    };
    if (fields.nfiles !== undefined) next.nfiles = fields.nfiles;
    if (fields.isexec) next.isexec = true;
    // Flags (cache, persist, remote…) keep their place after the hash fields.
    for (const [key, value] of Object.entries(old)) {
      if (!HASH_KEYS.has(key)) next[key] = value;
    }
    list[entry.index] = next as typeof old;
  }
  await writeFileAtomic(file, stringifyDvcYaml(lock));
}

/**
 * The repository lock: one file, created exclusively, naming its holder. A lock whose holder
 * died on this machine is recovered; a lock held by a live process (or by another machine) is
 * reported with who holds it and since when.
 *
 * Creation is `link(temp, lock)`: the lock appears with its content complete, and exactly one
 * of several racing processes succeeds. Recovery of a stale lock is serialised by a claim file
 * named after that lock instance (see `breakStaleLock`), so two processes can never both remove
 * a lock and end up both holding the next one.
 */

import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, mkdir, open, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CairnError, parseJson } from '@cairn/types';
import { z } from 'zod';
import { fsyncDir } from './atomic-write.js';
import { hasErrno, ignoreMissing } from './errno.js';
import { isProcessAlive } from './process-alive.js';
import { tempPathFor } from './temp-name.js';

const LockInfoSchema = z.object({
  pid: z.number().int().positive(),
  hostname: z.string(),
  command: z.string(),
  started_at: z.string(),
  /** Makes each lock instance unique, so a stale one is never confused with its successor. */
  token: z.string().optional(),
});
export type LockInfo = z.output<typeof LockInfoSchema>;

export interface LockOptions {
  /** What the holder is doing, shown to whoever finds the lock taken (e.g. `cairn add data`). */
  command?: string;
  /** Keep retrying this long while a live process holds the lock (default 0: fail at once). */
  waitMs?: number;
  /** Pause between retries (default 100 ms, with jitter). */
  retryMs?: number;
  /** Remove the lock when the process exits or is stopped by SIGINT/SIGTERM/SIGHUP (default true). */
  releaseOnExit?: boolean;
}

export interface LockHandle {
  readonly path: string;
  readonly info: LockInfo;
  /** Remove the lock if it is still ours. Safe to call more than once. */
  release(): Promise<void>;
  releaseSync(): void;
}

/** Take the lock at `lockPath`, recovering it from a dead holder; see `LockOptions`. */
export async function acquireLock(
  lockPath: string,
  options: LockOptions = {},
): Promise<LockHandle> {
  const deadline = Date.now() + (options.waitMs ?? 0);
  const retryMs = options.retryMs ?? 100;
  const info: LockInfo = {
    pid: process.pid,
    hostname: hostname(),
    command: options.command ?? process.argv.slice(1).join(' '),
    started_at: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
  };
  const content = `${JSON.stringify(info, null, 2)}\n`;
  await mkdir(dirname(lockPath), { recursive: true });
  for (;;) {
    if (await createExclusive(lockPath, content)) {
      await fsyncDir(dirname(lockPath));
      return new HeldLock(lockPath, info, content, options.releaseOnExit ?? true);
    }
    const holder = await readHolder(lockPath);
    if (holder === undefined) continue; // released in between: try again at once
    if (holder.info !== undefined && isStale(holder.info)) {
      if (await breakStaleLock(lockPath, holder.raw)) continue;
    }
    if (Date.now() >= deadline) throw lockedError(lockPath, holder.info);
    await sleep(retryMs / 2 + Math.random() * retryMs);
  }
}

/** Who holds the lock at `lockPath`, or undefined when nobody does (or the file is unreadable). */
export async function readLock(lockPath: string): Promise<LockInfo | undefined> {
  return (await readHolder(lockPath))?.info;
}

function isStale(info: LockInfo): boolean {
  return info.hostname === hostname() && info.pid !== process.pid && !isProcessAlive(info.pid);
}

function lockedError(lockPath: string, info: LockInfo | undefined): CairnError {
  if (info === undefined) {
    return new CairnError('CAIRN_LOCKED', `the repository is locked (${lockPath} is unreadable)`, {
      hint: `If no cairn or dvc command is running, remove ${lockPath}.`,
      details: { lockPath },
    });
  }
  const where = info.hostname === hostname() ? '' : ` on host ${info.hostname}`;
  return new CairnError(
    'CAIRN_LOCKED',
    `the repository is locked by process ${info.pid}${where} running "${info.command}" since ${info.started_at}`,
    {
      hint: `Wait for it to finish and retry. If that process is gone${where ? ' from its host' : ''}, remove ${lockPath}.`,
      details: { lockPath, holder: info },
    },
  );
}

/** Creates `path` with `content` only if it does not exist; false when it already does. */
async function createExclusive(path: string, content: string): Promise<boolean> {
  const temp = tempPathFor(path);
  await writeFile(temp, content, { flag: 'wx' });
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if (hasErrno(error, 'EEXIST')) return false;
    // Filesystems without hard links: exclusive create, then write. A reader may briefly see
    // an empty file, which `readHolder` reports as held by an unknown process.
    if (!hasErrno(error, 'EPERM', 'ENOTSUP', 'ENOSYS', 'EOPNOTSUPP')) throw error;
    return createWithOpen(path, content);
  } finally {
    await ignoreMissing(() => unlink(temp));
  }
}

async function createWithOpen(path: string, content: string): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'wx');
  } catch (error) {
    if (hasErrno(error, 'EEXIST')) return false;
    throw error;
  }
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
}

interface Holder {
  raw: string;
  info: LockInfo | undefined;
}

async function readHolder(lockPath: string): Promise<Holder | undefined> {
  let raw: string;
  try {
    raw = await readFile(lockPath, 'utf8');
  } catch (error) {
    if (hasErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
  try {
    return { raw, info: parseJson(raw, LockInfoSchema, { file: lockPath }) };
  } catch {
    return { raw, info: undefined };
  }
}

/** A claim older than this belongs to a process that died while breaking a lock. */
const CLAIM_TIMEOUT_MS = 10_000;

/**
 * Remove the lock whose content is `staleRaw`, unless it has been replaced meanwhile.
 *
 * Only the process holding the claim `<lock>.break.<id>.<n>` (created exclusively; `id` names
 * this lock instance) may remove the lock, and it compares the content again after claiming, so
 * a lock created by someone else meanwhile is never removed. If a claimer dies mid-way, its claim
 * stays (removing it could let two processes hold generation n at once) and the next process
 * claims generation n+1. Returns false when a live process is breaking the lock right now.
 */
async function breakStaleLock(lockPath: string, staleRaw: string): Promise<boolean> {
  const id = createHash('sha256').update(staleRaw).digest('hex').slice(0, 16);
  const claimContent = JSON.stringify({ pid: process.pid, hostname: hostname() });
  let claim: string;
  for (let generation = 0; ; generation++) {
    claim = `${lockPath}.break.${id}.${generation}`;
    if (await createExclusive(claim, claimContent)) break;
    if (await claimIsActive(claim)) return false;
  }
  try {
    const current = await readFile(lockPath, 'utf8').catch((error: unknown) => {
      if (hasErrno(error, 'ENOENT')) return undefined;
      throw error;
    });
    if (current === staleRaw) await ignoreMissing(() => unlink(lockPath));
  } finally {
    await ignoreMissing(() => unlink(claim));
  }
  return true;
}

/** Whether a claim's process is still at work; a vanished claim has finished. */
async function claimIsActive(claim: string): Promise<boolean> {
  try {
    const [text, info] = await Promise.all([readFile(claim, 'utf8'), stat(claim)]);
    const { pid } = JSON.parse(text) as { pid?: unknown };
    const fresh = Date.now() - info.mtimeMs < CLAIM_TIMEOUT_MS;
    return fresh && typeof pid === 'number' && isProcessAlive(pid);
  } catch {
    return false;
  }
}

class HeldLock implements LockHandle {
  readonly path: string;
  readonly info: LockInfo;
  private readonly content: string;
  private released = false;

  constructor(path: string, info: LockInfo, content: string, releaseOnExit: boolean) {
    this.path = path;
    this.info = info;
    this.content = content;
    if (releaseOnExit) exitGuard.add(this);
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    exitGuard.delete(this);
    try {
      if ((await readFile(this.path, 'utf8')) === this.content) await unlink(this.path);
    } catch (error) {
      if (!hasErrno(error, 'ENOENT')) throw error;
    }
  }

  releaseSync(): void {
    if (this.released) return;
    this.released = true;
    exitGuard.delete(this);
    try {
      if (readFileSync(this.path, 'utf8') === this.content) unlinkSync(this.path);
    } catch {
      // Best effort: this runs while the process is going away.
    }
  }
}

const EXIT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Releases held locks when the process exits. For signals, the lock is released and the signal
 * is raised again when nobody else listens for it, so the process still dies of it; when the
 * application has its own handler, that handler decides, and the `exit` hook releases.
 */
const exitGuard = new (class ExitGuard {
  private readonly held = new Set<HeldLock>();
  private readonly onExit = (): void => this.releaseAll();
  private readonly onSignal = (signal: NodeJS.Signals): void => {
    const alone = process.listenerCount(signal) === 1;
    this.releaseAll();
    if (alone) {
      this.uninstall();
      process.kill(process.pid, signal);
    }
  };

  add(lock: HeldLock): void {
    if (this.held.size === 0) {
      process.on('exit', this.onExit);
      for (const signal of EXIT_SIGNALS) process.on(signal, this.onSignal);
    }
    this.held.add(lock);
  }

  delete(lock: HeldLock): void {
    if (this.held.delete(lock) && this.held.size === 0) this.uninstall();
  }

  private releaseAll(): void {
    for (const lock of [...this.held]) lock.releaseSync();
  }

  private uninstall(): void {
    process.off('exit', this.onExit);
    for (const signal of EXIT_SIGNALS) process.off(signal, this.onSignal);
  }
})();

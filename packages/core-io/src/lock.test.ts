import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deadPid, tempDir } from '../test/helpers.js';
import { acquireLock, readLock } from './lock.js';

function lockText(fields: Record<string, unknown>): string {
  return `${JSON.stringify(
    {
      hostname: hostname(),
      command: 'cairn push',
      started_at: '2026-01-02T03:04:05.000Z',
      ...fields,
    },
    null,
    2,
  )}\n`;
}

describe('acquireLock', () => {
  it('creates the lock file naming its holder and removes it on release', async () => {
    const lockPath = join(await tempDir(), 'lock');
    const lock = await acquireLock(lockPath, { command: 'cairn add data' });
    const onDisk = JSON.parse(await readFile(lockPath, 'utf8'));
    expect(onDisk).toMatchObject({
      pid: process.pid,
      hostname: hostname(),
      command: 'cairn add data',
    });
    expect(new Date(onDisk.started_at).toISOString()).toBe(onDisk.started_at);
    expect(await readLock(lockPath)).toEqual(lock.info);
    await lock.release();
    await lock.release();
    expect(await readLock(lockPath)).toBeUndefined();
  });

  it('refuses a second holder with CAIRN_LOCKED naming pid, command and start time', async () => {
    const lockPath = join(await tempDir(), 'lock');
    const lock = await acquireLock(lockPath, { command: 'cairn checkout' });
    try {
      const error = await acquireLock(lockPath).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'CAIRN_LOCKED' });
      const { message, hint } = error as { message: string; hint: string };
      expect(message).toContain(`process ${process.pid}`);
      expect(message).toContain('"cairn checkout"');
      expect(message).toContain(lock.info.started_at);
      expect(hint).toContain(lockPath);
    } finally {
      await lock.release();
    }
  });

  it('waits up to waitMs for the holder to release', async () => {
    const lockPath = join(await tempDir(), 'lock');
    const first = await acquireLock(lockPath);
    setTimeout(() => void first.release(), 150);
    const second = await acquireLock(lockPath, { waitMs: 5000, retryMs: 20 });
    expect(second.info.pid).toBe(process.pid);
    await second.release();
  });

  it('recovers a lock left by a dead process on this host', async () => {
    const dir = await tempDir();
    const lockPath = join(dir, 'lock');
    await writeFile(lockPath, lockText({ pid: deadPid() }));
    const lock = await acquireLock(lockPath);
    expect((await readLock(lockPath))?.token).toBe(lock.info.token);
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('recovers even when an earlier recoverer died holding its claim', async () => {
    const dir = await tempDir();
    const lockPath = join(dir, 'lock');
    const stale = lockText({ pid: deadPid() });
    await writeFile(lockPath, stale);
    const id = createHash('sha256').update(stale).digest('hex').slice(0, 16);
    const claim = join(dir, `lock.break.${id}.0`);
    await writeFile(claim, JSON.stringify({ pid: deadPid(), hostname: hostname() }));
    const lock = await acquireLock(lockPath);
    expect(lock.info.pid).toBe(process.pid);
    await lock.release();
    // The dead recoverer's claim stays: removing it could let two processes claim at once.
    expect(await readdir(dir)).toEqual([`lock.break.${id}.0`]);
  });

  it('does not recover a lock held on another host', async () => {
    const lockPath = join(await tempDir(), 'lock');
    await writeFile(lockPath, lockText({ pid: deadPid(), hostname: 'elsewhere.example' }));
    await expect(acquireLock(lockPath)).rejects.toMatchObject({
      code: 'CAIRN_LOCKED',
      message: expect.stringContaining('on host elsewhere.example'),
    });
  });

  it('reports an unreadable lock file as held', async () => {
    const lockPath = join(await tempDir(), 'lock');
    await writeFile(lockPath, 'not json');
    await expect(acquireLock(lockPath)).rejects.toMatchObject({
      code: 'CAIRN_LOCKED',
      message: expect.stringContaining('unreadable'),
    });
  });

  it('release leaves a lock that is no longer ours', async () => {
    const lockPath = join(await tempDir(), 'lock');
    const lock = await acquireLock(lockPath);
    const replaced = lockText({ pid: process.ppid });
    await writeFile(lockPath, replaced);
    await lock.release();
    expect(await readFile(lockPath, 'utf8')).toBe(replaced);
  });
});

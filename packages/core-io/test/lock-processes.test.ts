import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readLock } from '../src/lock.js';
import { deadPid, distIndex, tempDir } from './helpers.js';

const holder = fileURLToPath(new URL('./fixtures/lock-holder.mjs', import.meta.url));
const distUrl = pathToFileURL(distIndex.pathname).href;

function run(
  lockPath: string,
  logPath: string,
  mode: string,
): {
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  child: ReturnType<typeof spawn>;
} {
  const child = spawn(process.execPath, [holder, distUrl, lockPath, logPath, mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code, signal) => resolve({ code, signal }));
    },
  );
  return { done, child };
}

/** Enter/exit lines must pair up with nobody entering while someone is inside. */
function assertExclusive(log: string, holders: number): void {
  const lines = log.trim().split('\n');
  expect(lines).toHaveLength(holders * 2);
  for (let i = 0; i < lines.length; i += 2) {
    const [enter, pid] = (lines[i] as string).split(' ');
    expect(enter).toBe('enter');
    expect(lines[i + 1]).toBe(`exit ${pid}`);
  }
}

describe('the lock across processes', () => {
  it('is held by one of several concurrent processes at a time', async () => {
    const dir = await tempDir();
    const [lockPath, logPath] = [join(dir, 'lock'), join(dir, 'log')];
    const runs = Array.from({ length: 6 }, () => run(lockPath, logPath, 'cycle'));
    const results = await Promise.all(runs.map((r) => r.done));
    expect(results.every((r) => r.code === 0)).toBe(true);
    assertExclusive(await readFile(logPath, 'utf8'), 6);
  });

  it('is recovered from a dead holder by exactly one process at a time', async () => {
    const dir = await tempDir();
    const [lockPath, logPath] = [join(dir, 'lock'), join(dir, 'log')];
    const pid = deadPid();
    await writeFile(
      lockPath,
      JSON.stringify({
        pid,
        hostname: hostname(),
        command: 'killed',
        started_at: '2026-01-01T00:00:00Z',
      }),
    );
    const runs = Array.from({ length: 6 }, () => run(lockPath, logPath, 'cycle'));
    const results = await Promise.all(runs.map((r) => r.done));
    expect(results.every((r) => r.code === 0)).toBe(true);
    assertExclusive(await readFile(logPath, 'utf8'), 6);
    expect(await readLock(lockPath)).toBeUndefined();
  });

  it('is released when its holder exits or is terminated', async () => {
    const dir = await tempDir();
    const [lockPath, logPath] = [join(dir, 'lock'), join(dir, 'log')];
    expect((await run(lockPath, logPath, 'exit').done).code).toBe(0);
    expect(await readLock(lockPath)).toBeUndefined();

    const held = run(lockPath, logPath, 'hold');
    await new Promise((resolve) => held.child.stdout?.once('data', resolve));
    expect((await readLock(lockPath))?.command).toBe('lock-holder hold');
    held.child.kill('SIGTERM');
    expect((await held.done).signal).toBe('SIGTERM');
    expect(await readLock(lockPath)).toBeUndefined();
  });
});

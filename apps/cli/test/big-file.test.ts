import { randomBytes } from 'node:crypto';
import { createWriteStream, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN, GIT_ENV, gitRepo, run } from './helpers.js';

const SIZE = 2 * 1024 ** 3;

async function writeBigFile(path: string): Promise<void> {
  const block = randomBytes(8 << 20);
  const out = createWriteStream(path);
  for (let written = 0; written < SIZE; written += block.length) {
    block.writeUInt32LE(written / block.length, 0); // every block differs
    if (!out.write(block)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((e?: Error | null) => (e ? reject(e) : resolve())),
  );
}

/** Runs the CLI and samples its peak resident set (VmHWM) until it exits. */
async function cairnPeakRss(
  args: string[],
  cwd: string,
): Promise<{ exitCode: number; peakMiB: number }> {
  const child = execa(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...GIT_ENV, CI: '1' },
    reject: false,
  });
  let peak = 0;
  const timer = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      peak = Math.max(peak, kb / 1024);
    } catch {
      // exited between samples
    }
  }, 20);
  const result = await child;
  clearInterval(timer);
  return { exitCode: result.exitCode ?? -1, peakMiB: peak };
}

const md5sum = async (path: string, cwd: string) =>
  (await run('md5sum', [path], cwd)).split(' ')[0];

describe('a 2 GiB file', () => {
  it('round-trips byte for byte while the process stays under 200 MiB', async () => {
    const dir = await gitRepo();
    await execa(process.execPath, [BIN, 'init'], { cwd: dir, env: GIT_ENV });
    const file = join(dir, 'big.bin');
    await writeBigFile(file);
    const original = await md5sum(file, dir);
    const add = await cairnPeakRss(['add', 'big.bin'], dir);
    expect(add.exitCode).toBe(0);
    expect(add.peakMiB).toBeGreaterThan(0);
    expect(add.peakMiB).toBeLessThan(200);
    expect(readFileSync(join(dir, 'big.bin.dvc'), 'utf8')).toContain(
      `md5: ${original}\n  size: ${SIZE}\n`,
    );
    rmSync(file);
    const checkout = await cairnPeakRss(['checkout'], dir);
    expect(checkout.exitCode).toBe(0);
    expect(checkout.peakMiB).toBeLessThan(200);
    expect(await md5sum(file, dir)).toBe(original);
  }, 240_000);
});

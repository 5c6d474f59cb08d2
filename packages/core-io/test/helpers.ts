import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { onTestFinished } from 'vitest';

/**
 * A fresh folder for the current test, removed when the test ends. `inMemory` puts it on
 * /dev/shm where there is one: tests that create tens of thousands of files are about the
 * code, not the disk, and creating files on a busy disk can take a third of a millisecond each.
 */
export async function tempDir(options: { inMemory?: boolean } = {}): Promise<string> {
  const base = options.inMemory && isWritableDir('/dev/shm') ? '/dev/shm' : tmpdir();
  const dir = await mkdtemp(join(base, 'cairn-core-io-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function isWritableDir(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export const distIndex = new URL('../dist/index.js', import.meta.url);

/** The compiled package (built by the global setup), typed like the sources. */
export async function importDist(): Promise<typeof import('../src/index.js')> {
  return (await import(pathToFileURL(distIndex.pathname).href)) as typeof import('../src/index.js');
}

/** A pid that existed a moment ago and has exited. */
export function deadPid(): number {
  const { pid } = spawnSync(process.execPath, ['-e', '0']);
  if (pid === undefined) throw new Error('could not start a process');
  return pid;
}

/** The `*.cairn-tmp` files left in a folder. */
export async function tempLeftovers(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.cairn-tmp'));
}

/** A JSON fixture from src/__fixtures__ (typed by the caller). */
export function readFixture<T>(name: string): T {
  const url = new URL(`../src/__fixtures__/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as T;
}

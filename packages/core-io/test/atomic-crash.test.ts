import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cleanStaleTemps, writeFileAtomic } from '../src/atomic-write.js';
// @ts-expect-error plain .mjs fixture shared with the child process, no type declarations
import { contentA, contentB } from './fixtures/crash-contents.mjs';
import { tempDir } from './helpers.js';

const KILLS = 200;
const LANES = 2;
const writer = fileURLToPath(new URL('./fixtures/atomic-writer.mjs', import.meta.url));
// Only the writer's module, so a child starts in a fraction of the time the whole package needs.
const distUrl = pathToFileURL(
  fileURLToPath(new URL('../dist/atomic-write.js', import.meta.url)),
).href;

/** Start a writer, let it run for a random moment after it is ready, SIGKILL it. */
function killWriterAtRandom(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, distUrl, file], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout.once('data', () => {
      setTimeout(() => child.kill('SIGKILL'), Math.random() * 20);
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`writer exited without being killed: ${stderr}`));
    });
  });
}

function describeContent(bytes: Buffer): string {
  if (bytes.equals(contentA)) return 'A';
  if (bytes.equals(contentB)) return 'B';
  return `torn (${bytes.length} bytes)`;
}

async function runLane(dir: string, kills: number): Promise<{ seen: Set<string>; litter: number }> {
  const file = join(dir, 'data.bin');
  await writeFileAtomic(file, contentA);
  const seen = new Set<string>();
  let litter = 0;
  for (let i = 0; i < kills; i++) {
    await killWriterAtRandom(file);
    const state = describeContent(await readFile(file));
    seen.add(state);
    if (state !== 'A' && state !== 'B') throw new Error(`after kill ${i}: file is ${state}`);
    litter += (await cleanStaleTemps(dir)).length;
    expect((await readdir(dir)).filter((n) => n !== 'data.bin')).toEqual([]);
  }
  await writeFileAtomic(file, contentB);
  expect(await readdir(dir)).toEqual(['data.bin']);
  return { seen, litter };
}

describe('writeFileAtomic under SIGKILL', () => {
  it(`leaves the old or the new content after each of ${KILLS} kills`, async () => {
    const dirs = await Promise.all(Array.from({ length: LANES }, () => tempDir()));
    const lanes = await Promise.all(dirs.map((dir) => runLane(dir, KILLS / LANES)));
    const seen = new Set(lanes.flatMap((lane) => [...lane.seen]));
    expect([...seen].sort()).toEqual(['A', 'B']);
    // Some kills must have hit a write in progress, or the test proved nothing.
    expect(lanes.reduce((n, lane) => n + lane.litter, 0)).toBeGreaterThan(0);
    // Each kill starts a Node process: ~0.1 s idle, several times that when CI runs every
    // package's tests at once on two cores.
  }, 300_000);
});

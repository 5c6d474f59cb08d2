import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The compiled package (built by the global setup), for child processes. */
export const DIST_URL = pathToFileURL(
  fileURLToPath(new URL('../dist/index.js', import.meta.url)),
).href;

export function fixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

export interface ChildRun {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Milliseconds from the child's first stdout line to its exit. */
  afterReadyMs: number;
}

/**
 * Run a fixture script; with `killAfterReadyMs`, SIGKILL it that long after its first stdout
 * line ("ready", printed once its imports are done).
 */
export function runChild(
  script: string,
  args: string[],
  killAfterReadyMs?: number,
): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fixture(script), DIST_URL, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let readyAt: number | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (readyAt !== undefined) return;
      readyAt = performance.now();
      if (killAfterReadyMs !== undefined) {
        setTimeout(() => child.kill('SIGKILL'), killAfterReadyMs);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const afterReadyMs = readyAt === undefined ? 0 : performance.now() - readyAt;
      resolve({ stdout, stderr, code, signal, afterReadyMs });
    });
  });
}

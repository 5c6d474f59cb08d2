/**
 * Running the real `cairn` binary from a bench, as a user would (a fresh process per command),
 * and the chores around it that `data` and `targets` share.
 *
 * `cairn` runs without NODE_EXTRA_CA_CERTS (unless `--env as-is`): Node reads that certificate
 * bundle at every start, before any of cairn's code (~60 ms for this VM's, set for its registry
 * proxy), the data commands make no TLS connection, and the references are not Node programs.
 */
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchArgs, median, runCommand, seconds } from './measure.js';

const BIN = fileURLToPath(new URL('../../../apps/cli/bin/cairn.js', import.meta.url));
const FLOORS = fileURLToPath(new URL('./floors.js', import.meta.url));

/** The environment `cairn` runs in (see the top of this file). */
const cairnEnv: { env: NodeJS.ProcessEnv } = { env: process.env };

export function cairn(cwd: string, ...args: string[]): void {
  runCommand(
    'sh',
    ['-c', 'cd "$1" && shift && exec "$@"', 'sh', cwd, process.execPath, BIN, ...args],
    cairnEnv.env,
  );
}

/** Runs a floor program (see floors.ts) as a fresh Node process, in `cairn`'s environment. */
export function floor(...args: string[]): void {
  runCommand(process.execPath, [FLOORS, ...args], cairnEnv.env);
}

/** Decides `cairnEnv` and prints what a bare Node start costs with and without the variable. */
export async function chooseEnv(args: BenchArgs): Promise<void> {
  if (process.env.NODE_EXTRA_CA_CERTS === undefined) return;
  const clean = { ...process.env };
  delete clean.NODE_EXTRA_CA_CERTS;
  const start = async (env: NodeJS.ProcessEnv) => {
    const times: number[] = [];
    for (let r = 0; r < 5; r++) {
      times.push(await seconds(() => runCommand(process.execPath, ['-e', ''], env)));
    }
    return (median(times) * 1000).toFixed(0);
  };
  const keep = args.options.get('env') === 'as-is';
  console.log(
    `node start: ${await start(process.env)} ms with NODE_EXTRA_CA_CERTS, ${await start(clean)} ms without; cairn runs ${keep ? 'with' : 'without'} it (--env ${keep ? 'clean' : 'as-is'} for the other)`,
  );
  if (!keep) cairnEnv.env = clean;
}

/**
 * Times `fn` once the disk is idle: writes queued by the previous step (the 20,000 files just
 * copied) would otherwise be flushed during the next measurement, whichever side it is.
 */
export function timed(fn: () => unknown): Promise<number> {
  runCommand('sync', []);
  return seconds(fn);
}

export function sh(script: string, ...args: string[]): void {
  runCommand('sh', ['-c', script, 'sh', ...args]);
}

export function makeRepo(dir: string): void {
  mkdirSync(dir, { recursive: true });
  runCommand('git', ['-C', dir, 'init', '-q']);
  cairn(dir, 'init', '-q');
}

/**
 * Moves a tree out of the way instead of deleting it, until the bench ends. On ext4 without a
 * journal (this VM's disk) the inode allocator skips inodes freed in the last minute, checking
 * each in the inode table, so creating files right after deleting tens of thousands costs up to
 * ten times more (perf: 85% of `cp -r` in `recently_deleted`). Deleting between runs would put
 * every side that creates files (`add`, `checkout`, `cp -r`) in that state; nobody's real work is.
 */
export function discard(path: string): void {
  if (!existsSync(path)) return;
  mkdirSync(trash.dir, { recursive: true });
  renameSync(path, join(trash.dir, `${basename(path)}-${trash.count++}`));
}
/** Where `discard` puts trees: inside the bench's data folder, deleted with it at the end. */
export const trash = { dir: '', count: 0 };

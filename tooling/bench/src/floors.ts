/**
 * The floors of the `data` bench: the least a Node program does for each job it measures — the
 * file system calls alone, shared among as many threads as Cairn uses, with no pointer file,
 * `.dir` object, state index, object verification, progress, locking or error handling. What a
 * floor takes bounds what any Node implementation of that job can reach on the machine; `data`
 * prints each floor next to its reference and to `cairn`.
 *
 *   node floors.js add <folder> <cache>      walk, lstat, read, md5, write to a temp + rename
 *   node floors.js place <listing> <cache> <dst> copy|link
 *       files of a `.dir` listing from a DVC cache into <dst>: read + write, or a hard link
 *
 * Each thread takes every n-th folder (add) or a contiguous share of the listing (place).
 */
import { hash } from 'node:crypto';
import {
  closeSync,
  constants,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { isMainThread, parentPort, threadId, Worker, workerData } from 'node:worker_threads';

type Job =
  | { kind: 'add'; folders: string[]; cache: string }
  | { kind: 'place'; pairs: Array<[string, string]>; how: 'copy' | 'link' };

const buffer = Buffer.alloc(1 << 20);

/**
 * Reads a whole file into `buffer` (the bench's files are far smaller): one call when it is
 * `size` bytes, or when a read comes back short (the end of a regular file).
 */
function readWhole(path: string, size = -1): Buffer {
  const fd = openSync(path, constants.O_RDONLY);
  let filled = 0;
  for (;;) {
    const asked = buffer.length - filled;
    const n = readSync(fd, buffer, filled, asked, null);
    filled += n;
    if (n < asked || filled === size || filled === buffer.length) break;
  }
  closeSync(fd);
  return buffer.subarray(0, filled);
}

function writeNew(path: string, bytes: Buffer, mode: number): void {
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  writeSync(fd, bytes);
  closeSync(fd);
}

function work(job: Job): number {
  let count = 0;
  if (job.kind === 'add') {
    const made = new Set<string>();
    for (const folder of job.folders) {
      for (const name of readdirSync(folder)) {
        const path = join(folder, name);
        const bytes = readWhole(path, lstatSync(path).size);
        const md5 = hash('md5', bytes, 'hex');
        const prefix = `${job.cache}/${md5.slice(0, 2)}`;
        if (!made.has(prefix)) {
          mkdirSync(prefix, { recursive: true });
          made.add(prefix);
        }
        const temp = `${prefix}/.floor.${threadId}.${count}`;
        writeNew(temp, bytes, 0o444);
        renameSync(temp, `${prefix}/${md5.slice(2)}`);
        count++;
      }
    }
    return count;
  }
  for (const [src, dst] of job.pairs) {
    if (job.how === 'link') linkSync(src, dst);
    else writeNew(dst, readWhole(src), 0o644);
    count++;
  }
  return count;
}

/** Runs one job per thread, this one's included; resolves with the files each handled. */
async function share(jobs: Job[]): Promise<number> {
  const [own, ...rest] = jobs as [Job, ...Job[]];
  const workers = rest.map(
    (job) =>
      new Promise<number>((resolve, reject) => {
        const worker = new Worker(new URL(import.meta.url), { workerData: job });
        worker.once('message', resolve);
        worker.once('error', reject);
      }),
  );
  const counts = [work(own), ...(await Promise.all(workers))];
  return counts.reduce((a, b) => a + b, 0);
}

async function main(argv: string[]): Promise<void> {
  const threads = Math.max(1, availableParallelism());
  const [kind, ...args] = argv;
  let jobs: Job[];
  if (kind === 'add' && args.length === 2) {
    const [root, cache] = args as [string, string];
    const folders = readdirSync(root).map((name) => join(root, name));
    jobs = Array.from({ length: threads }, (_, t) => ({
      kind: 'add',
      folders: folders.filter((_, i) => i % threads === t),
      cache,
    }));
  } else if (kind === 'place' && args.length === 4 && (args[3] === 'copy' || args[3] === 'link')) {
    const [listing, cache, dst, how] = args as [string, string, string, 'copy' | 'link'];
    const entries = JSON.parse(readFileSync(listing, 'utf8')) as Array<{
      md5: string;
      relpath: string;
    }>;
    const pairs = entries.map(({ md5, relpath }): [string, string] => [
      `${cache}/${md5.slice(0, 2)}/${md5.slice(2)}`,
      `${dst}/${relpath}`,
    ]);
    for (const folder of new Set(pairs.map(([, d]) => dirname(d)))) {
      mkdirSync(folder, { recursive: true });
    }
    const share = Math.ceil(pairs.length / threads);
    jobs = Array.from({ length: threads }, (_, t) => ({
      kind: 'place',
      pairs: pairs.slice(t * share, (t + 1) * share),
      how,
    }));
  } else {
    throw new Error(
      'usage: floors.js add <folder> <cache> | place <listing> <cache> <dst> copy|link',
    );
  }
  process.stdout.write(`${await share(jobs)}\n`);
}

if (isMainThread) await main(process.argv.slice(2));
else parentPort?.postMessage(work(workerData as Job));

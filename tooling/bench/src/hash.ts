/**
 * md5 throughput of `hashFile` against `md5sum` on one 1 GiB file, and many small files with
 * `walkTree` + `HashPool` against `find | xargs md5sum`. Both sides read from a warm page cache
 * and are timed alternately; medians are reported.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { type HashInput, HashPool, hashFile, walkTree } from '@cairn/core-io';
import {
  type BenchArgs,
  median,
  printTable,
  runCommand,
  runner,
  seconds,
  type TimedBench,
  withDataDir,
} from './measure.js';

const MiB = 1 << 20;

function writeBigFile(path: string, size: number): void {
  const block = randomBytes(MiB);
  const fd = openSync(path, 'w');
  try {
    for (let written = 0; written < size; written += MiB) {
      block.writeUInt32LE(written / MiB, 0);
      writeSync(fd, block, 0, Math.min(MiB, size - written));
    }
  } finally {
    closeSync(fd);
  }
}

function writeSmallFiles(root: string, count: number, folders: number, size: number): void {
  for (let f = 0; f < folders; f++) mkdirSync(join(root, `dir${f}`));
  const content = randomBytes(size);
  for (let i = 0; i < count; i++) {
    content.writeUInt32LE(i, 0);
    writeFileSync(join(root, `dir${i % folders}`, `file${i}.bin`), content);
  }
}

/** `md5sum` output as path → digest. */
function parseMd5sum(output: string): Map<string, string> {
  const digests = new Map<string, string>();
  for (const line of output.split('\n')) {
    if (line.length > 34) digests.set(line.slice(34), line.slice(0, 32));
  }
  return digests;
}

type Listing = 'readdir' | 'walkTree';

/**
 * List the files and md5 them with a HashPool. `readdir` lists the way `find -type f` does (file
 * types from the directory entries, no stat); `walkTree` is what `cairn add` runs (stat of every
 * file, .dvcignore). A fresh pool starts its workers first, so their start-up overlaps the listing.
 */
async function cairnSmallFiles(
  root: string,
  listing: Listing,
  pool?: HashPool,
): Promise<Map<string, string>> {
  const own = pool ?? new HashPool();
  try {
    if (pool === undefined) void own.warmUp();
    const inputs: HashInput[] =
      listing === 'walkTree'
        ? walkTree(root, { dvcignore: false }).files.map((f) => ({ path: f.absPath, size: f.size }))
        : readdirSync(root, { recursive: true, withFileTypes: true })
            .filter((d) => d.isFile())
            .map((d) => join(d.parentPath, d.name));
    const results = await own.hashFiles(inputs, { algorithms: ['md5'] });
    return new Map(
      inputs.map((input, i) => [
        typeof input === 'string' ? input : input.path,
        results[i]?.md5 ?? '',
      ]),
    );
  } finally {
    if (pool === undefined) await own.close();
  }
}

async function measure(args: BenchArgs): Promise<void> {
  const bigSize = Number(args.options.get('big-mib') ?? 1024) * MiB;
  const smallCount = Number(args.options.get('files') ?? 20_000);
  const smallSize = 4096;
  const folders = 100;
  console.log(
    `bench hash: ${availableParallelism()} CPUs, node ${process.version}, ${args.runs} runs each, data in ${args.dir}`,
  );
  await withDataDir(args, 'hash', async (dir) => {
    const big = join(dir, 'big.bin');
    const small = join(dir, 'small');
    mkdirSync(small);
    const setup = await seconds(() => {
      writeBigFile(big, bigSize);
      writeSmallFiles(small, smallCount, folders, smallSize);
    });
    console.log(`setup: wrote ${bigSize / MiB} MiB + ${smallCount} files in ${setup.toFixed(1)} s`);

    // Warm the page cache for both sides, and check that they agree.
    readFileSync(big);
    const expectedBig = runCommand('md5sum', [big]).slice(0, 32);
    const ours = await hashFile(big, { algorithms: ['md5'] });
    if (ours.md5 !== expectedBig) throw new Error(`md5 mismatch: ${ours.md5} vs ${expectedBig}`);
    const findXargs = ['-c', 'find "$1" -type f -print0 | xargs -0 md5sum', 'sh', small];
    const coreutilsSmall = parseMd5sum(runCommand('sh', findXargs));
    for (const listing of ['readdir', 'walkTree'] as const) {
      const cairnSmall = await cairnSmallFiles(small, listing);
      if (coreutilsSmall.size !== smallCount || cairnSmall.size !== smallCount) {
        throw new Error(`file counts differ: ${coreutilsSmall.size} vs ${cairnSmall.size}`);
      }
      for (const [path, digest] of coreutilsSmall) {
        if (cairnSmall.get(path) !== digest) throw new Error(`md5 mismatch for ${path}`);
      }
    }

    const md5sumBig: number[] = [];
    const cairnBig: number[] = [];
    const xargsSmall: number[] = [];
    const poolSmall: number[] = [];
    const walkPoolSmall: number[] = [];
    const warmPoolSmall: number[] = [];
    const warmPool = new HashPool();
    await cairnSmallFiles(small, 'readdir', warmPool);
    try {
      for (let r = 0; r < args.runs; r++) {
        md5sumBig.push(await seconds(() => runCommand('md5sum', [big])));
        cairnBig.push(await seconds(() => hashFile(big, { algorithms: ['md5'] })));
        xargsSmall.push(await seconds(() => runCommand('sh', findXargs)));
        poolSmall.push(await seconds(() => cairnSmallFiles(small, 'readdir')));
        walkPoolSmall.push(await seconds(() => cairnSmallFiles(small, 'walkTree')));
        warmPoolSmall.push(await seconds(() => cairnSmallFiles(small, 'readdir', warmPool)));
      }
    } finally {
      await warmPool.close();
    }

    const bigLabel = `md5 of a ${bigSize / MiB} MiB file`;
    const smallLabel = `${smallCount} x 4 KiB files, ${folders} folders`;
    console.log('');
    printTable([
      { label: bigLabel, tool: 'md5sum', times: md5sumBig },
      { label: bigLabel, tool: 'cairn hashFile (md5)', times: cairnBig },
      { label: smallLabel, tool: 'find | xargs md5sum', times: xargsSmall },
      { label: smallLabel, tool: 'cairn readdir + new HashPool', times: poolSmall },
      { label: smallLabel, tool: 'cairn walkTree (stat) + new HashPool', times: walkPoolSmall },
      { label: smallLabel, tool: 'cairn readdir + warm HashPool', times: warmPoolSmall },
    ]);
    const gib = bigSize / (1 << 30);
    const throughput = (t: number[]) => (gib / median(t)).toFixed(2);
    const speedup = (t: number[]) => (median(xargsSmall) / median(t)).toFixed(2);
    console.log('');
    console.log(
      `throughput md5: md5sum ${throughput(md5sumBig)} GiB/s, cairn ${throughput(cairnBig)} GiB/s`,
    );
    console.log(
      `small files, also: walkTree (stat) + new pool ${speedup(walkPoolSmall)}x, warm pool ${speedup(warmPoolSmall)}x`,
    );
    const bigName = gib === 1 ? '1GiB' : `${bigSize / MiB}MiB`;
    const bigRatio = (median(md5sumBig) / median(cairnBig)).toFixed(2);
    console.log(`ratio md5 ${bigName} cairn/md5sum throughput: ${bigRatio} (target >= 0.90)`);
    console.log(
      `ratio ${smallCount}x4KiB new HashPool speedup over find|xargs md5sum: ${speedup(poolSmall)} (target >= 1.50)`,
    );
  });
}

export const hashBench: TimedBench = {
  name: 'hash',
  summary: 'md5 throughput vs md5sum (1 GiB file) and HashPool vs find|xargs md5sum (20,000 files)',
  options: {
    files: 'N: small files hashed by the pool (default 20000)',
    'big-mib': 'N: size of the large file, in MiB (default 1024)',
  },
  run: measure,
};

export const run = runner(hashBench);

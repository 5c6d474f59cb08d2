/**
 * `@cairn/remote-adapters` push and fetch, measured against `cp -r` of the same cache objects in
 * the same run: 20,000 × 4 KiB objects and one 1 GiB object, to a local-folder remote and to the
 * S3 emulator (s3rver in a child process, reached directly, not through its fault proxy). Every timed
 * push goes to a fresh remote folder and every fetch into an empty cache, so nothing is skipped;
 * fetches verify each object's md5 as they always do.
 *
 *   pnpm bench remotes                                      # full size, 3 runs
 *   pnpm bench remotes --files 2000 --big-mib 64 --runs 1   # quick
 *   CAIRN_BENCH_REMOTES_QUICK=1 pnpm bench remotes          # the same quick size
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { type Emulator, startS3 } from '@cairn/emulators';
import {
  fetchObjects,
  openRemote,
  pushObjects,
  type RemoteDriver,
  type TransferSummary,
} from '@cairn/remote-adapters';
import type { Print } from './cli.js';
import {
  type BenchArgs,
  benchArgsOrUsage,
  median,
  printTable,
  type Row,
  runCommand,
  seconds,
  type TimedBench,
  withDataDir,
} from './measure.js';

const MiB = 1 << 20;

function objectPath(cache: string, oid: string): string {
  return join(cache, 'files', 'md5', oid.slice(0, 2), oid.slice(2));
}

/** `count` distinct objects of `size` bytes in a DVC cache folder; returns their ids. */
function makeSmallObjects(cache: string, count: number, size: number): string[] {
  const payload = randomBytes(size);
  const oids: string[] = [];
  const made = new Set<string>();
  for (let i = 0; i < count; i++) {
    payload.writeUInt32LE(i, 0);
    const oid = createHash('md5').update(payload).digest('hex');
    const folder = join(cache, 'files', 'md5', oid.slice(0, 2));
    if (!made.has(folder)) {
      mkdirSync(folder, { recursive: true });
      made.add(folder);
    }
    writeFileSync(objectPath(cache, oid), payload, { mode: 0o444 });
    oids.push(oid);
  }
  return oids;
}

/** One object of `mib` MiB of random bytes, hashed as it is written. */
async function makeBigObject(cache: string, mib: number): Promise<string> {
  const temp = join(cache, 'big.tmp');
  const hash = createHash('md5');
  const handle = await open(temp, 'w');
  try {
    for (let i = 0; i < mib; i++) {
      const chunk = randomBytes(MiB);
      hash.update(chunk);
      await handle.write(chunk);
    }
  } finally {
    await handle.close();
  }
  const oid = hash.digest('hex');
  mkdirSync(join(cache, 'files', 'md5', oid.slice(0, 2)), { recursive: true });
  await rename(temp, objectPath(cache, oid));
  return oid;
}

interface Target {
  name: string;
  open(root: string): Promise<RemoteDriver>;
}

interface Timings {
  pushSmall: number[];
  fetchSmall: number[];
  pushBig: number[];
  fetchBig: number[];
}

function check(what: string, summary: TransferSummary, expected: number): void {
  if (summary.failed.length > 0 || summary.transferred !== expected) {
    const first = summary.failed[0];
    throw new Error(
      `${what}: ${summary.transferred} of ${expected} objects moved${first ? `; ${first.oid}: ${first.reason}` : ''}`,
    );
  }
}

async function measure(args: BenchArgs): Promise<void> {
  const quick = process.env.CAIRN_BENCH_REMOTES_QUICK === '1';
  const files = Number(args.options.get('files') ?? (quick ? 2000 : 20_000));
  const bigMiB = Number(args.options.get('big-mib') ?? (quick ? 64 : 1024));
  const runs = args.runs;
  console.log(
    `bench remotes: push/fetch of ${files} x 4 KiB objects and one ${bigMiB} MiB object, local folder and s3rver; ${runs} runs each; data in ${args.dir}`,
  );
  await withDataDir(args, 'remotes', async (dir) => {
    const smallCache = join(dir, 'small-cache');
    const bigCache = join(dir, 'big-cache');
    const small = makeSmallObjects(smallCache, files, 4096);
    mkdirSync(bigCache, { recursive: true });
    const big = await makeBigObject(bigCache, bigMiB);
    const cp = (from: string, to: string) => runCommand('cp', ['-r', from, to]);
    // Warm the page cache for both sides.
    cp(smallCache, join(dir, 'warm'));
    rmSync(join(dir, 'warm'), { recursive: true, force: true });

    let emulator: Emulator | undefined;
    try {
      emulator = await startS3();
      const s3 = emulator;
      const targets: Target[] = [
        { name: 'local', open: (root) => openRemote(join(dir, 'remote', root)) },
        {
          name: 's3rver',
          open: (root) =>
            openRemote(`${s3.direct.url}/${root}`, { name: 'bench', config: s3.direct.config }),
        },
      ];
      const cpSmall: number[] = [];
      const cpBig: number[] = [];
      const timings = new Map<string, Timings>(
        targets.map((t) => [t.name, { pushSmall: [], fetchSmall: [], pushBig: [], fetchBig: [] }]),
      );
      for (let r = 0; r < runs; r++) {
        const copy = join(dir, 'copy');
        cpSmall.push(await seconds(() => cp(smallCache, copy)));
        rmSync(copy, { recursive: true, force: true });
        cpBig.push(await seconds(() => cp(bigCache, copy)));
        rmSync(copy, { recursive: true, force: true });
        for (const target of targets) {
          const t = timings.get(target.name) as Timings;
          const remote = await target.open(`run-${r}`);
          const fetched = join(dir, 'fetched');
          try {
            let summary: TransferSummary | undefined;
            t.pushSmall.push(
              await seconds(async () => {
                summary = await pushObjects({ cacheDir: smallCache, remote, oids: small });
              }),
            );
            check(`push to ${target.name}`, summary as TransferSummary, files);
            t.fetchSmall.push(
              await seconds(async () => {
                summary = await fetchObjects({ cacheDir: fetched, remote, oids: small });
              }),
            );
            check(`fetch from ${target.name}`, summary as TransferSummary, files);
            rmSync(fetched, { recursive: true, force: true });
            t.pushBig.push(
              await seconds(async () => {
                summary = await pushObjects({ cacheDir: bigCache, remote, oids: [big] });
              }),
            );
            check(`push to ${target.name}`, summary as TransferSummary, 1);
            t.fetchBig.push(
              await seconds(async () => {
                summary = await fetchObjects({ cacheDir: fetched, remote, oids: [big] });
              }),
            );
            check(`fetch from ${target.name}`, summary as TransferSummary, 1);
          } finally {
            rmSync(fetched, { recursive: true, force: true });
            await remote.delete(`files/md5/${big.slice(0, 2)}/${big.slice(2)}`).catch(() => {});
            await remote.dispose();
            rmSync(join(dir, 'remote'), { recursive: true, force: true });
          }
        }
      }

      const smallMiB = (files * 4096) / MiB;
      const rows: Row[] = [
        { label: `${files} x 4 KiB`, tool: 'cp -r', times: cpSmall },
        { label: `${bigMiB} MiB`, tool: 'cp -r', times: cpBig },
      ];
      for (const [name, t] of timings) {
        rows.push(
          { label: `${files} x 4 KiB`, tool: `push ${name}`, times: t.pushSmall },
          { label: `${files} x 4 KiB`, tool: `fetch ${name}`, times: t.fetchSmall },
          { label: `${bigMiB} MiB`, tool: `push ${name}`, times: t.pushBig },
          { label: `${bigMiB} MiB`, tool: `fetch ${name}`, times: t.fetchBig },
        );
      }
      console.log('');
      printTable(rows);
      console.log('');
      for (const row of rows) {
        const isSmall = row.label.includes('x 4 KiB');
        const time = median(row.times);
        const mib = (isSmall ? smallMiB : bigMiB) / time;
        const perFile = isSmall ? `, ${Math.round(files / time)} files/s` : '';
        console.log(`throughput ${row.label} ${row.tool}: ${mib.toFixed(1)} MiB/s${perFile}`);
      }
      console.log('');
      for (const [name, t] of timings) {
        const ratio = (times: number[], reference: number[]) =>
          (median(times) / median(reference)).toFixed(2);
        console.log(`ratio push ${files} files ${name}/cp -r time: ${ratio(t.pushSmall, cpSmall)}`);
        console.log(
          `ratio fetch ${files} files ${name}/cp -r time: ${ratio(t.fetchSmall, cpSmall)}`,
        );
        console.log(`ratio push ${bigMiB} MiB ${name}/cp -r time: ${ratio(t.pushBig, cpBig)}`);
        console.log(`ratio fetch ${bigMiB} MiB ${name}/cp -r time: ${ratio(t.fetchBig, cpBig)}`);
      }
    } finally {
      await emulator?.stop();
    }
  });
}

export const remotesBench: TimedBench = {
  name: 'remotes',
  summary: '@cairn/remote-adapters push/fetch (local folder, s3rver) against cp -r',
  options: {
    files: 'N: small objects (default 20000; 2000 with CAIRN_BENCH_REMOTES_QUICK=1)',
    'big-mib': 'N: size of the large object, in MiB (default 1024; 64 quick)',
  },
  run: measure,
};

/** Like `runner`, but 3 timed runs unless `--runs` says otherwise (1 in quick mode): each moves GiBs. */
export async function run(argv: readonly string[], print: Print): Promise<number> {
  const { args, exitCode } = benchArgsOrUsage(remotesBench, argv, print);
  if (args === undefined) return exitCode;
  if (!argv.includes('--runs')) args.runs = process.env.CAIRN_BENCH_REMOTES_QUICK === '1' ? 1 : 3;
  await remotesBench.run(args);
  return 0;
}

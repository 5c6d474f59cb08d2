/**
 * The data-versioning commands end to end, through the real `cairn` binary (node startup
 * included), each next to the coreutils job it must keep up with, measured in the same run:
 * - `cairn add` of 20,000 × 4 KiB files in 100 folders vs `find | xargs md5sum` (target ≤ 2×);
 * - `cairn status` with nothing changed on 100,000 files (target < 1 s);
 * - `cairn checkout` of 20,000 files with cache.type copy vs `cp -r` (≤ 1.5×), hardlink vs
 *   `cp -al` (≤ 1.5×);
 * - `cairn add` of a 1 GiB file vs `md5sum` throughput (≥ 0.85×).
 * Every timed add starts from an empty cache and an empty state index, so nothing is skipped.
 * Beside them, the floor of each job (floors.ts): a bare Node program making only its file
 * system calls, on as many threads as Cairn uses — what no Node implementation gets below.
 *
 * `cairn` runs without NODE_EXTRA_CA_CERTS unless `--env as-is` (see cairn-cli.ts); the bench
 * prints what a bare Node start costs either way.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cairn, chooseEnv, discard, floor, makeRepo, sh, timed, trash } from './cairn-cli.js';
import {
  type BenchArgs,
  median,
  printTable,
  runner,
  type TimedBench,
  withDataDir,
} from './measure.js';

function makeSmallFiles(dir: string, count: number, size: number): void {
  const payload = randomBytes(size);
  for (let d = 0; d < 100; d++) mkdirSync(join(dir, `d${d}`), { recursive: true });
  for (let i = 0; i < count; i++) {
    payload.writeUInt32LE(i, 0);
    writeFileSync(join(dir, `d${i % 100}`, `f${i}.bin`), payload);
  }
}

/**
 * Forget everything an earlier add left: cache, state index, pointer. A cache of many files is
 * moved aside (see `discard`); one holding a single big object is deleted, or its dirty pages
 * would be written back in the middle of the next run.
 */
function resetRepo(repo: string, target: string, cache: 'discard' | 'delete' = 'discard'): void {
  if (cache === 'discard') discard(join(repo, '.dvc', 'cache'));
  else rmSync(join(repo, '.dvc', 'cache'), { recursive: true, force: true });
  rmSync(join(repo, '.dvc', 'tmp'), { recursive: true, force: true });
  rmSync(join(repo, `${target}.dvc`), { force: true });
}

async function measure(args: BenchArgs): Promise<void> {
  const files = Number(args.options.get('files') ?? 20_000);
  const statusFiles = Number(args.options.get('status-files') ?? 100_000);
  const bigMiB = Number(args.options.get('big-mib') ?? 1024);
  console.log(
    `bench data: ${files} x 4 KiB add/checkout, status on ${statusFiles} files, ${bigMiB} MiB add; ${args.runs} runs each; data in ${args.dir}`,
  );
  await chooseEnv(args);
  await withDataDir(args, 'data', async (dir) => {
    trash.dir = join(dir, 'trash');
    const repo = join(dir, 'repo');
    makeRepo(repo);
    makeSmallFiles(join(repo, 'small'), files, 4096);
    const md5sumSmall = 'cd "$1" && find small -type f -print0 | xargs -0 md5sum > /dev/null';
    sh(md5sumSmall, repo);

    const addSmall: number[] = [];
    const md5Small: number[] = [];
    const floorAdd: number[] = [];
    for (let r = 0; r < args.runs; r++) {
      md5Small.push(await timed(() => sh(md5sumSmall, repo)));
      const floorCache = join(dir, 'floor-cache');
      floorAdd.push(await timed(() => floor('add', join(repo, 'small'), floorCache)));
      discard(floorCache);
      resetRepo(repo, 'small');
      addSmall.push(await timed(() => cairn(repo, 'add', 'small')));
    }
    // The `.dir` listing the floors of checkout place files from.
    const dirOid = /md5: ([0-9a-f]{32})\.dir/.exec(readFileSync(join(repo, 'small.dvc'), 'utf8'));
    const objects = join(repo, '.dvc', 'cache', 'files', 'md5');
    const listing = join(objects, `${dirOid?.[1]?.slice(0, 2)}`, `${dirOid?.[1]?.slice(2)}.dir`);
    const floorPlace = (how: 'copy' | 'link') => {
      const dst = join(repo, `small-floor-${how}`);
      const time = timed(() => floor('place', listing, objects, dst, how));
      return time.finally(() => discard(dst));
    };

    const checkoutCopy: number[] = [];
    const cpR: number[] = [];
    const floorCopy: number[] = [];
    const checkoutLink: number[] = [];
    const cpAl: number[] = [];
    const floorLink: number[] = [];
    sh('cd "$1" && cp -r small small-warm', repo);
    discard(join(repo, 'small-warm'));
    for (let r = 0; r < args.runs; r++) {
      cairn(repo, 'config', 'cache.type', 'copy');
      discard(join(repo, 'small'));
      checkoutCopy.push(await timed(() => cairn(repo, 'checkout', 'small.dvc')));
      cpR.push(await timed(() => sh('cd "$1" && cp -r small small-copy', repo)));
      discard(join(repo, 'small-copy'));
      floorCopy.push(await floorPlace('copy'));
      cairn(repo, 'config', 'cache.type', 'hardlink');
      discard(join(repo, 'small'));
      checkoutLink.push(await timed(() => cairn(repo, 'checkout', 'small.dvc')));
      cpAl.push(await timed(() => sh('cd "$1" && cp -al small small-links', repo)));
      discard(join(repo, 'small-links'));
      floorLink.push(await floorPlace('link'));
    }
    cairn(repo, 'config', 'cache.type', 'reflink,copy');

    const statusRepo = join(dir, 'status-repo');
    makeRepo(statusRepo);
    makeSmallFiles(join(statusRepo, 'many'), statusFiles, 64);
    cairn(statusRepo, 'add', 'many');
    cairn(statusRepo, 'status');
    const status: number[] = [];
    for (let r = 0; r < args.runs; r++) status.push(await timed(() => cairn(statusRepo, 'status')));
    discard(statusRepo);

    const big = join(repo, 'big.bin');
    sh(`head -c ${bigMiB}M /dev/urandom > "$1"`, big);
    sh('md5sum "$1" > /dev/null', big);
    const addBig: number[] = [];
    const md5Big: number[] = [];
    for (let r = 0; r < args.runs; r++) {
      md5Big.push(await timed(() => sh('md5sum "$1" > /dev/null', big)));
      resetRepo(repo, 'big.bin', 'delete');
      addBig.push(await timed(() => cairn(repo, 'add', 'big.bin')));
    }

    console.log('');
    printTable([
      { label: `add ${files} x 4 KiB`, tool: 'find | xargs md5sum', times: md5Small },
      { label: `add ${files} x 4 KiB`, tool: 'node floor', times: floorAdd },
      { label: `add ${files} x 4 KiB`, tool: 'cairn add', times: addSmall },
      { label: `checkout ${files} (copy)`, tool: 'cp -r', times: cpR },
      { label: `checkout ${files} (copy)`, tool: 'node floor', times: floorCopy },
      { label: `checkout ${files} (copy)`, tool: 'cairn checkout', times: checkoutCopy },
      { label: `checkout ${files} (hardlink)`, tool: 'cp -al', times: cpAl },
      { label: `checkout ${files} (hardlink)`, tool: 'node floor', times: floorLink },
      { label: `checkout ${files} (hardlink)`, tool: 'cairn checkout', times: checkoutLink },
      { label: `status ${statusFiles} unchanged`, tool: 'cairn status', times: status },
      { label: `add ${bigMiB} MiB`, tool: 'md5sum', times: md5Big },
      { label: `add ${bigMiB} MiB`, tool: 'cairn add', times: addBig },
    ]);
    const ratio = (a: number[], b: number[]) => (median(a) / median(b)).toFixed(2);
    console.log('');
    console.log(
      `ratio add ${files} files cairn/md5sum time: ${ratio(addSmall, md5Small)} (target <= 2.00)`,
    );
    // md5sum only reads; an add with cache.type copy also creates one object per file, as many
    // new files as `cp -r` writes. Printed so a run shows how much of the target that alone takes.
    console.log(`  for scale, cp -r of the same files/md5sum time: ${ratio(cpR, md5Small)}`);
    const floorLine = (times: number[], reference: number[], name: string, own: number[]) =>
      `  the node floor/${name} time: ${ratio(times, reference)}; cairn/node floor: ${ratio(own, times)}`;
    console.log(floorLine(floorAdd, md5Small, 'md5sum', addSmall));
    console.log(
      `ratio checkout copy cairn/cp -r time: ${ratio(checkoutCopy, cpR)} (target <= 1.50)`,
    );
    console.log(floorLine(floorCopy, cpR, 'cp -r', checkoutCopy));
    console.log(
      `ratio checkout hardlink cairn/cp -al time: ${ratio(checkoutLink, cpAl)} (target <= 1.50)`,
    );
    console.log(floorLine(floorLink, cpAl, 'cp -al', checkoutLink));
    console.log(
      `status ${statusFiles} unchanged files: ${median(status).toFixed(3)} s (target < 1 s)`,
    );
    console.log(
      `ratio add ${bigMiB} MiB cairn/md5sum throughput: ${ratio(md5Big, addBig)} (target >= 0.85)`,
    );
  });
}

export const dataBench: TimedBench = {
  name: 'data',
  summary: 'cairn add / status / checkout against md5sum, cp -r and cp -al',
  options: {
    files: 'N: small files to add and check out (default 20000)',
    'status-files': 'N: unchanged files for status (default 100000)',
    'big-mib': 'N: size of the large file to add, in MiB (default 1024)',
    env: 'as-is: run cairn with NODE_EXTRA_CA_CERTS when set (default: without it)',
  },
  run: measure,
};

export const run = runner(dataBench);

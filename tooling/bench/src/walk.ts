/**
 * `walkTree` over many files (stat of every file), with and without `.dvcignore` rules, next to
 * `find -printf` reading the same stat fields.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { walkTree } from '@cairn/core-io';
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

async function measure(args: BenchArgs): Promise<void> {
  const count = Number(args.options.get('files') ?? 100_000);
  console.log(`bench walk: ${count} files, ${args.runs} runs each, data in ${args.dir}`);
  await withDataDir(args, 'walk', async (dir) => {
    const setup = await seconds(() => {
      for (let d = 0; d < 100; d++) {
        for (let s = 0; s < 10; s++) mkdirSync(join(dir, `d${d}`, `s${s}`), { recursive: true });
      }
      for (let i = 0; i < count; i++) {
        writeFileSync(join(dir, `d${i % 100}`, `s${(i >> 7) % 10}`, `f${i}.csv`), 'x');
      }
    });
    console.log(`setup: ${count} files in ${setup.toFixed(1)} s`);
    const find = ['-c', 'find "$1" -type f -printf "%s %T@ %i %m %p\\n" | wc -l', 'sh', dir];
    runCommand('sh', find);
    walkTree(dir);
    const plain: number[] = [];
    const ignoring: number[] = [];
    const findTimes: number[] = [];
    for (let r = 0; r < args.runs; r++) {
      writeFileSync(join(dir, '.dvcignore'), '');
      plain.push(await seconds(() => walkTree(dir)));
      writeFileSync(join(dir, '.dvcignore'), '*.tmp\n/d5/\ns3/*.csv\n!s3/f1.csv\n');
      ignoring.push(await seconds(() => walkTree(dir)));
      findTimes.push(await seconds(() => runCommand('sh', find)));
    }
    console.log('');
    printTable([
      { label: `${count} files`, tool: 'find -printf (stat fields)', times: findTimes },
      { label: `${count} files`, tool: 'cairn walkTree', times: plain },
      { label: `${count} files`, tool: 'cairn walkTree, 4 .dvcignore rules', times: ignoring },
    ]);
    console.log('');
    console.log(
      `walk ${count} files: ${(median(plain) * 1000).toFixed(0)} ms, with .dvcignore rules ${(median(ignoring) * 1000).toFixed(0)} ms`,
    );
  });
}

export const walkBench: TimedBench = {
  name: 'walk',
  summary: 'walkTree over 100,000 files (with and without .dvcignore rules) vs find -printf',
  options: { files: 'N: files in the tree (default 100000)' },
  run: measure,
};

export const run = runner(walkBench);

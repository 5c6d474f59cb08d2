#!/usr/bin/env node
// Benchmarks: `pnpm bench` lists them, `pnpm bench <name> [--runs N] [--dir D] [--keep]` runs one.
import { hashBench } from './hash.js';
import { type Bench, type BenchArgs, defaultDataDir } from './measure.js';
import { walkBench } from './walk.js';

const benches: readonly Bench[] = [hashBench, walkBench];

function usage(): string {
  const names = benches.map((b) => `  ${b.name.padEnd(8)} ${b.summary}`).join('\n');
  return [
    'usage: pnpm bench <name> [--runs N] [--dir DIR] [--keep] [--<option> VALUE]',
    '',
    'benches:',
    names,
  ].join('\n');
}

function parseArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { runs: 5, dir: defaultDataDir(), keep: false, options: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    if (flag === '--keep') {
      args.keep = true;
      continue;
    }
    const value = argv[i + 1];
    if (!flag.startsWith('--') || value === undefined) throw new Error(`bad argument ${flag}`);
    i++;
    if (flag === '--runs') args.runs = Math.max(1, Number.parseInt(value, 10));
    else if (flag === '--dir') args.dir = value;
    else args.options.set(flag.slice(2), value);
  }
  return args;
}

const [name, ...rest] = process.argv.slice(2);
if (name === undefined || name === '--help' || name === '-h') {
  console.log(usage());
} else {
  const bench = benches.find((b) => b.name === name);
  if (bench === undefined) {
    console.error(`unknown bench "${name}"\n\n${usage()}`);
    process.exitCode = 2;
  } else {
    await bench.run(parseArgs(rest));
  }
}

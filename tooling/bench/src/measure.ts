import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BenchArgs {
  /** Timed runs per measurement (the median is reported). */
  runs: number;
  /** Where the data is built; defaults to the OS temp folder (CAIRN_BENCH_DIR overrides). */
  dir: string;
  /** Keep the generated data afterwards. */
  keep: boolean;
  /** Bench-specific numbers, e.g. `--files 100000`. */
  options: Map<string, string>;
}

export interface TimedBench {
  name: string;
  summary: string;
  /** Its own `--<name> VALUE` options: name → `VALUE: what it is` (shown by `--help`). */
  options: Readonly<Record<string, string>>;
  run(args: BenchArgs): Promise<void>;
}

/** A command line the bench cannot run with; printed with the usage, exit code 2. */
export class BenchUsageError extends Error {}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export async function seconds(fn: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Run a command to completion; throws with its stderr when it fails. */
export function runCommand(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): string {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20, env });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.error}`);
  }
  return result.stdout;
}

/** A fresh data folder for one bench, removed at the end unless `keep`. */
export async function withDataDir(
  args: BenchArgs,
  name: string,
  fn: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(args.dir, `cairn-bench-${name}-`));
  try {
    await fn(dir);
  } finally {
    if (args.keep) console.log(`data kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

export interface Row {
  label: string;
  tool: string;
  times: number[];
}

export function printTable(rows: readonly Row[]): void {
  const header = ['case', 'tool', 'median', 'runs (s)'];
  const body = rows.map((r) => [
    r.label,
    r.tool,
    `${median(r.times).toFixed(3)} s`,
    r.times.map((t) => t.toFixed(3)).join(' '),
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...body.map((row) => row[i]?.length ?? 0)),
  );
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of body) console.log(line(row));
}

export function defaultDataDir(): string {
  return process.env.CAIRN_BENCH_DIR ?? tmpdir();
}

/**
 * `--runs N`, `--dir D`, `--keep` and the bench's own `--<option> VALUE` (any name when `known` is
 * not given); anything else throws `BenchUsageError`.
 */
export function parseBenchArgs(
  argv: readonly string[],
  known?: Readonly<Record<string, string>>,
): BenchArgs {
  const args: BenchArgs = { runs: 5, dir: defaultDataDir(), keep: false, options: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    if (flag === '--keep') {
      args.keep = true;
      continue;
    }
    const value = argv[i + 1];
    const name = flag.slice(2);
    const common = flag === '--runs' || flag === '--dir';
    if (!flag.startsWith('--') || (!common && known !== undefined && !Object.hasOwn(known, name))) {
      throw new BenchUsageError(`unknown argument ${flag}`);
    }
    if (value === undefined) throw new BenchUsageError(`${flag} needs a value`);
    i++;
    if (flag === '--runs') {
      if (!/^[1-9][0-9]*$/.test(value)) {
        throw new BenchUsageError(`--runs needs a positive integer, got ${value}`);
      }
      args.runs = Number(value);
    } else if (flag === '--dir') args.dir = value;
    else args.options.set(name, value);
  }
  return args;
}

/** The usage of a timed bench, one line per option. */
export function usageLines(bench: TimedBench): string[] {
  const options: Array<[string, string]> = [
    ['--runs N', 'timed runs per measurement, the median is reported (default 5)'],
    ['--dir DIR', 'where the data is built (default $CAIRN_BENCH_DIR or the OS temp folder)'],
    ['--keep', 'keep the data afterwards'],
    // `N: what it is` → `--name N` and `what it is`.
    ...Object.entries(bench.options).map(([name, what]): [string, string] => {
      const colon = what.indexOf(': ');
      return [`--${name} ${what.slice(0, colon)}`, what.slice(colon + 2)];
    }),
  ];
  const width = Math.max(...options.map(([flag]) => flag.length));
  return [
    `usage: pnpm bench ${bench.name} [options]`,
    bench.summary,
    ...options.map(([flag, what]) => `  ${flag.padEnd(width)}  ${what}`),
  ];
}

/**
 * Parses a timed bench's command line the dispatcher's way: `--help` prints the usage (exit 0), a
 * bad argument its reason and the usage (exit 2; undefined is returned for both).
 */
export function benchArgsOrUsage(
  bench: TimedBench,
  argv: readonly string[],
  print: (line: string) => void,
): { args?: BenchArgs; exitCode: number } {
  if (argv.includes('--help') || argv.includes('-h')) {
    for (const line of usageLines(bench)) print(line);
    return { exitCode: 0 };
  }
  try {
    return { args: parseBenchArgs(argv, bench.options), exitCode: 0 };
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error;
    print(`bench ${bench.name}: ${error.message}`);
    for (const line of usageLines(bench)) print(line);
    return { exitCode: 2 };
  }
}

/** Adapts a timed bench to the dispatcher in cli.ts. */
export function runner(
  bench: TimedBench,
): (args: readonly string[], print: (line: string) => void) => Promise<number> {
  return async (argv, print) => {
    const { args, exitCode } = benchArgsOrUsage(bench, argv, print);
    if (args === undefined) return exitCode;
    await bench.run(args);
    return 0;
  };
}

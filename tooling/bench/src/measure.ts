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
  run(args: BenchArgs): Promise<void>;
}

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

/** `--runs N`, `--dir D`, `--keep` and bench-specific `--<option> VALUE`. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
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

/** Adapts a timed bench to the dispatcher in cli.ts. */
export function runner(bench: TimedBench): (args: readonly string[]) => Promise<number> {
  return async (args) => {
    await bench.run(parseBenchArgs(args));
    return 0;
  };
}

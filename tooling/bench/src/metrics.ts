/**
 * `pnpm bench metrics [--n 10000000] [--runs 5] [--seed 1] [--check]`
 *
 * Generates n random scores with correlated 0/1 labels and measures, in the same process, on the
 * same data: `Float64Array.prototype.sort` of a copy of the scores (the reference every machine
 * has), `thresholdSweep` and `rocAuc` of @cairn/eval-metrics. Each run times all three; the two
 * lines printed last are the medians over the runs of each run's ratio to the sort. Absolute times
 * drift between machines and with load, the ratios much less. With `--check` the exit code is 1
 * when a ratio misses its target.
 */
import { cpus } from 'node:os';
import { rocAuc, thresholdSweep } from '@cairn/eval-metrics';
import type { Print } from './cli.js';

const TARGET = 2.0;

interface Options {
  n: number;
  runs: number;
  seed: number;
  check: boolean;
}

function parseOptions(args: readonly string[]): Options {
  const options: Options = { n: 10_000_000, runs: 5, seed: 1, check: false };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    if (flag === '--check') {
      options.check = true;
      continue;
    }
    const value = Number(args[i + 1]);
    if (
      (flag !== '--n' && flag !== '--runs' && flag !== '--seed') ||
      !Number.isSafeInteger(value)
    ) {
      throw new Error(
        `bad argument ${flag} ${args[i + 1] ?? ''}: expected --n, --runs, --seed <integer> or --check`,
      );
    }
    options[flag.slice(2) as 'n' | 'runs' | 'seed'] = value;
    i++;
  }
  return options;
}

/** mulberry32: a small, fast, seedable generator; two draws make one 53-bit double. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  const next32 = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return () => ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992;
}

function generate(n: number, seed: number): { scores: Float64Array; labels: Uint8Array } {
  const next = random(seed);
  const scores = new Float64Array(n);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const score = next();
    scores[i] = score;
    labels[i] = next() < score ? 1 : 0; // P(positive | score) = score: ROC AUC ≈ 0.83
  }
  return { scores, labels };
}

function seconds(start: number): number {
  return (performance.now() - start) / 1000;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export async function run(args: readonly string[], print: Print): Promise<number> {
  const { n, runs, seed, check } = parseOptions(args);
  const cpu = cpus();
  print(
    `metrics bench: n = ${n.toLocaleString('en-US')} scores, seed ${seed}, ${runs} run(s), ` +
      `node ${process.version}, ${cpu[0]?.model ?? 'unknown CPU'} ×${cpu.length}`,
  );
  const { scores, labels } = generate(n, seed);

  // Compile the library's loops before timing them (the native sort needs no warm-up).
  const warm = generate(Math.min(n, 200_000), seed + 1);
  thresholdSweep(warm.labels, warm.scores);
  rocAuc(warm.labels, warm.scores);

  // Each run times the three back to back, in a rotating order (the sweep leaves 0.5 GB of garbage
  // that the next measurement may pay for); a run's ratios compare measurements taken seconds apart,
  // so a change of machine load between runs cancels out.
  let thresholds = 0;
  let auc = 0;
  const tasks = {
    sort: () => {
      const copy = scores.slice();
      const start = performance.now();
      copy.sort();
      return seconds(start);
    },
    sweep: () => {
      const start = performance.now();
      thresholds = thresholdSweep(labels, scores).thresholds.length;
      return seconds(start);
    },
    auc: () => {
      const start = performance.now();
      auc = rocAuc(labels, scores);
      return seconds(start);
    },
  };
  const names = ['sort', 'sweep', 'auc'] as const;
  const times = { sort: [] as number[], sweep: [] as number[], auc: [] as number[] };
  for (let r = 0; r < runs; r++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(r + k) % names.length]!;
      times[name].push(tasks[name]());
      await new Promise((resolve) => setImmediate(resolve)); // let the collector run in between
    }
  }

  const row = (name: string, values: readonly number[], unit: string, digits: number) =>
    `${name.padEnd(24)}${values.map((v) => `${v.toFixed(digits)}${unit}`.padStart(10)).join('')}  median ${median(values).toFixed(digits)}${unit}`;
  const sweepRatios = times.sweep.map((t, r) => t / times.sort[r]!);
  const aucRatios = times.auc.map((t, r) => t / times.sort[r]!);
  print(row('sort (Float64Array)', times.sort, ' s', 3));
  print(row('threshold sweep', times.sweep, ' s', 3));
  print(row('roc auc', times.auc, ' s', 3));
  print(row('sweep / sort, per run', sweepRatios, '', 2));
  print(row('auc / sort, per run', aucRatios, '', 2));
  print(
    `check: ${thresholds.toLocaleString('en-US')} distinct thresholds, ROC AUC ${auc.toFixed(6)}`,
  );

  const sweepRatio = median(sweepRatios);
  const aucRatio = median(aucRatios);
  print(`ratio threshold-sweep/sort: ${sweepRatio.toFixed(2)} (target <= ${TARGET.toFixed(1)})`);
  print(`ratio roc-auc/sort: ${aucRatio.toFixed(2)} (target <= ${TARGET.toFixed(1)})`);
  return check && (sweepRatio > TARGET || aucRatio > TARGET) ? 1 : 0;
}

/**
 * The bench dispatcher: `node dist/main.js <name> [options]` runs one benchmark, no name lists them.
 * Benches are loaded lazily, so listing them loads none.
 */

/** Where a bench writes its report, one line at a time (stdout in main.ts). */
export type Print = (line: string) => void;

export interface Bench {
  description: string;
  /** Runs the bench with its own arguments; resolves to the process exit code. */
  load: () => Promise<{ run: (args: readonly string[], print: Print) => Promise<number> }>;
}

export const BENCHES: Readonly<Record<string, Bench>> = {
  hash: {
    description:
      '@cairn/core-io: md5 of a 1 GiB file vs md5sum; 20,000 x 4 KiB files vs find | xargs md5sum',
    load: () => import('./hash.js'),
  },
  walk: {
    description:
      '@cairn/core-io: walkTree over 100,000 files (with and without .dvcignore) vs find',
    load: () => import('./walk.js'),
  },
  data: {
    description:
      'cairn add / status / checkout (the CLI) vs find | xargs md5sum, cp -r, cp -al and md5sum',
    load: () => import('./data.js'),
  },
  targets: {
    description:
      'cairn add / status / checkout / commit of 1,000 single-file targets (the CLI) vs git add',
    load: () => import('./targets.js'),
  },
  remotes: {
    description:
      '@cairn/remote-adapters: push/fetch of 20,000 x 4 KiB objects and 1 GiB to a local folder and s3rver vs cp -r',
    load: () => import('./remotes.js'),
  },
  metrics: {
    description:
      '@cairn/eval-metrics: threshold sweep and ROC AUC on 10^7 scores against one Float64Array sort',
    load: () => import('./metrics.js'),
  },
};

export async function dispatch(args: readonly string[], print: Print): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h') {
    list(print);
    return 0;
  }
  const bench = BENCHES[name];
  if (!bench) {
    print(`unknown bench "${name}"`);
    list(print);
    return 2;
  }
  const { run } = await bench.load();
  return run(rest, print);
}

function list(print: Print): void {
  print('usage: pnpm bench <name> [options]');
  print('benches:');
  for (const [name, { description }] of Object.entries(BENCHES)) print(`  ${name}  ${description}`);
}

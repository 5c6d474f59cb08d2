/**
 * The data commands over many targets, through the real `cairn` binary: one-line files in one
 * folder, each tracked by its own pointer file (`cairn add 'data/*.csv' --glob`), then `status`,
 * `checkout` of them all once the files are deleted, and `commit` once every file changed. The
 * reference, measured in the same run, is `git add` of the same files into a fresh repository:
 * per file git too hashes it and writes an object, then records them all in one index. No
 * targets: this shows what a repository of many pointer files costs, which `data` does not.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cairn, chooseEnv, discard, makeRepo, sh, timed, trash } from './cairn-cli.js';
import {
  type BenchArgs,
  median,
  printTable,
  runCommand,
  runner,
  type TimedBench,
  withDataDir,
} from './measure.js';

function names(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `f${i}.csv`);
}

/** Forgets an earlier add: cache (moved aside), state index, pointers and `.gitignore`. */
function resetRepo(repo: string, count: number): void {
  discard(join(repo, '.dvc', 'cache'));
  rmSync(join(repo, '.dvc', 'tmp'), { recursive: true, force: true });
  for (const name of names(count)) rmSync(join(repo, 'data', `${name}.dvc`), { force: true });
  rmSync(join(repo, 'data', '.gitignore'), { force: true });
}

async function measure(args: BenchArgs): Promise<void> {
  const count = Number(args.options.get('files') ?? 1000);
  console.log(
    `bench targets: ${count} one-line files, each its own pointer; ${args.runs} runs each; data in ${args.dir}`,
  );
  await chooseEnv(args);
  await withDataDir(args, 'targets', async (dir) => {
    trash.dir = join(dir, 'trash');
    const repo = join(dir, 'repo');
    makeRepo(repo);
    const data = join(repo, 'data');
    mkdirSync(data);
    const write = (suffix: string) => {
      for (const [i, name] of names(count).entries()) {
        writeFileSync(join(data, name), `row ${i}${suffix}\n`);
      }
    };
    write('');
    const times: Record<'git' | 'add' | 'status' | 'checkout' | 'commit', number[]> = {
      git: [],
      add: [],
      status: [],
      checkout: [],
      commit: [],
    };
    for (let r = 0; r < args.runs; r++) {
      const reference = join(dir, `git-${r}`);
      mkdirSync(reference);
      runCommand('git', ['-C', reference, 'init', '-q']);
      sh('cp -r "$1" "$2"', data, reference);
      times.git.push(await timed(() => runCommand('git', ['-C', reference, 'add', 'data'])));
      discard(reference);
      resetRepo(repo, count);
      times.add.push(await timed(() => cairn(repo, 'add', 'data/*.csv', '--glob', '-q')));
      times.status.push(await timed(() => cairn(repo, 'status', '-q')));
      for (const name of names(count)) rmSync(join(data, name));
      times.checkout.push(await timed(() => cairn(repo, 'checkout', '-q')));
      write(` v${r}`);
      times.commit.push(await timed(() => cairn(repo, 'commit', '-f', '-q')));
    }

    console.log('');
    printTable([
      { label: `add ${count} targets`, tool: 'git add', times: times.git },
      { label: `add ${count} targets`, tool: 'cairn add --glob', times: times.add },
      { label: `${count} pointers unchanged`, tool: 'cairn status', times: times.status },
      { label: `${count} pointers, files gone`, tool: 'cairn checkout', times: times.checkout },
      { label: `${count} pointers, all changed`, tool: 'cairn commit', times: times.commit },
    ]);
    console.log('');
    const perFile = (t: number[]) => `${((median(t) / count) * 1000).toFixed(2)} ms a target`;
    console.log(
      `per target: add ${perFile(times.add)}, status ${perFile(times.status)}, checkout ${perFile(times.checkout)}, commit ${perFile(times.commit)}`,
    );
    console.log(
      `ratio add ${count} targets cairn/git add time: ${(median(times.add) / median(times.git)).toFixed(2)} (no target)`,
    );
  });
}

export const targetsBench: TimedBench = {
  name: 'targets',
  summary: 'cairn add / status / checkout / commit of many single-file targets against git add',
  options: {
    files: 'N: one-line files, each added as its own target (default 1000)',
    env: 'as-is: run cairn with NODE_EXTRA_CA_CERTS when set (default: without it)',
  },
  run: measure,
};

export const run = runner(targetsBench);

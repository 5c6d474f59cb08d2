#!/usr/bin/env node
// The main job on embedded defaults, end to end with the real `cairn` binary in a fresh temp git
// repository: init, doctor. Each step prints the command and its output; any failure stops the
// run with a non-zero exit code. Set CAIRN_QUICKSTART_KEEP=1 to keep the folder afterwards.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cairnBin = join(root, 'apps', 'cli', 'dist', 'bin.js');
const work = mkdtempSync(join(tmpdir(), 'cairn-quickstart-'));
const env = {
  ...process.env,
  GIT_AUTHOR_NAME: process.env.GIT_AUTHOR_NAME ?? 'Cairn Quickstart',
  GIT_AUTHOR_EMAIL: process.env.GIT_AUTHOR_EMAIL ?? 'quickstart@cairn.invalid',
  GIT_COMMITTER_NAME: process.env.GIT_COMMITTER_NAME ?? 'Cairn Quickstart',
  GIT_COMMITTER_EMAIL: process.env.GIT_COMMITTER_EMAIL ?? 'quickstart@cairn.invalid',
};

function run(file, args) {
  const shown = file === process.execPath ? ['cairn', ...args.slice(1)] : [file, ...args];
  console.log(`\n$ ${shown.join(' ')}`);
  const out = execFileSync(file, args, {
    cwd: work,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (out) process.stdout.write(out);
  return out;
}
const cairn = (...args) => run(process.execPath, [cairnBin, ...args]);

try {
  console.log(`Cairn quickstart in ${work}`);
  run('git', ['init', '-q', '-b', 'main']);
  cairn('init');
  cairn('doctor');
  run('git', ['commit', '-q', '-m', 'Initialize Cairn']);
  run('git', ['log', '--oneline', '--stat']);
  console.log('\nQuickstart finished: OK');
} finally {
  if (process.env.CAIRN_QUICKSTART_KEEP) console.log(`(kept ${work})`);
  else rmSync(work, { recursive: true, force: true });
}

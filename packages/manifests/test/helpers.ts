import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { onTestFinished } from 'vitest';

/** A fresh folder (symlink-free path) for the current test, removed when it ends. */
export async function tempDir(): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'cairn-manifests-')));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Write files (path → content) below `root`, creating folders. */
export async function writeFiles(root: string, files: Record<string, string | Buffer>) {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Cairn Test',
  GIT_AUTHOR_EMAIL: 'test@cairn.invalid',
  GIT_COMMITTER_NAME: 'Cairn Test',
  GIT_COMMITTER_EMAIL: 'test@cairn.invalid',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' }).trim();
}

export interface CaptureSpec {
  /** Steps per episode (default [3, 2]). */
  episodes?: number[];
  run?: Record<string, unknown>;
  /** Override the text of the JSON lines before compression. */
  stepLines?: (lines: string[]) => string[];
  episodeLines?: (lines: string[]) => string[];
  extra?: Record<string, string>;
}

/** A capture folder: run.json, steps.jsonl.gz, episodes.jsonl.gz (+ extra files). */
export async function writeCapture(dir: string, spec: CaptureSpec = {}): Promise<string> {
  const episodes = spec.episodes ?? [3, 2];
  let steps: string[] = [];
  let episodeLines = episodes.map((n, episode) => JSON.stringify({ episode, n_steps: n }));
  episodes.forEach((n, episode) => {
    for (let step = 0; step < n; step++) {
      steps.push(JSON.stringify({ episode, step, obs: [step, episode], reward: step / 10 }));
    }
  });
  steps = spec.stepLines?.(steps) ?? steps;
  episodeLines = spec.episodeLines?.(episodeLines) ?? episodeLines;
  const run = {
    schema_version: 1,
    run_id: 'cap-001',
    experiment: 'grasp',
    n_steps: episodes.reduce((a, b) => a + b, 0),
    n_episodes: episodes.length,
    started_at: '2026-11-25T10:15:02Z',
    ...spec.run,
  };
  await writeFiles(dir, {
    'run.json': `${JSON.stringify(run, null, 2)}\n`,
    'steps.jsonl.gz': gzipSync(`${steps.join('\n')}\n`),
    'episodes.jsonl.gz': gzipSync(`${episodeLines.join('\n')}\n`),
    ...spec.extra,
  });
  return dir;
}

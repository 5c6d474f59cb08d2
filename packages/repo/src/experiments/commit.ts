/**
 * Recording an experiment: the copy's tree becomes a commit whose parent is the baseline, made
 * with plumbing (`write-tree`, `commit-tree`) so no hook runs and no branch moves, then stored
 * under its ref with a compare-and-swap so a name is never silently taken twice.
 *
 * What goes in (DVC's executor commit): every tracked file the run or the workspace changed,
 * the workspace's untracked files, and each stage's dvc.yaml, dvc.lock, params files, `cache:
 * false` outputs and `.gitignore` entries. Cached outputs stay out of git: dvc.lock records
 * their hashes and the shared cache holds them. Anything else a command left behind is
 * reported as untracked, as DVC warns about it.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, posix, relative, sep } from 'node:path';
import { git } from '@cairn/core-io';
import { loadPipeline, lockPathFor, workspaceSource } from '@cairn/pipeline';
import { CairnError } from '@cairn/types';

/** Files of the copy's pipeline that belong in git, relative to its DVC root. */
async function pipelineFiles(root: string): Promise<string[]> {
  const pipeline = await loadPipeline({ root, source: workspaceSource(root) });
  const files = new Set<string>();
  for (const stage of pipeline.stages) {
    files.add(stage.dvcfile);
    files.add(lockPathFor(stage.dvcfile));
    for (const p of stage.params) files.add(p.path);
    for (const out of stage.outs) {
      if (out.external || out.path === '') continue;
      if (!out.cache) files.add(out.path);
      else files.add(posix.join(posix.dirname(out.path), '.gitignore'));
    }
  }
  for (const dvcfile of pipeline.dvcfiles) {
    for (const p of [...dvcfile.params, ...dvcfile.metrics]) files.add(p);
  }
  return [...files].filter((f) => existsSync(join(root, f)));
}

/** sha256 of the copy's dvc.lock files: DVC names its experiment commits by the lock content. */
async function experimentHash(root: string, files: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of files.filter((f) => posix.basename(f) === 'dvc.lock').sort()) {
    hash.update(`${file}\0`);
    hash.update(await readFile(join(root, file)));
  }
  return hash.digest('hex');
}

/** A fallback identity for machines with none configured (git refuses to commit without one). */
async function identityEnv(cwd: string): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = {};
  for (const role of ['AUTHOR', 'COMMITTER'] as const) {
    try {
      await git(['var', `GIT_${role}_IDENT`], { cwd });
    } catch {
      env[`GIT_${role}_NAME`] = 'Cairn';
      env[`GIT_${role}_EMAIL`] = 'cairn@localhost';
    }
  }
  return env;
}

export interface CommittedExperiment {
  rev: string;
  /** sha256 of the experiment's dvc.lock files. */
  hash: string;
  /** Files the run left that are not in the commit (relative to the copy's top). */
  untracked: string[];
}

/**
 * Stages and commits the copy. `dir` is the top of the copy's work tree, `root` its DVC root;
 * `extra` are top-relative files to include (the workspace's untracked files).
 */
export async function commitCopy(
  dir: string,
  root: string,
  baseline: string,
  extra: readonly string[],
): Promise<CommittedExperiment> {
  await git(['add', '--update', '--', '.'], { cwd: dir });
  const files = await pipelineFiles(root);
  const input = [...files.map((f) => join(root, f)), ...extra.map((f) => join(dir, f))]
    .filter((f) => existsSync(f))
    .map((f) => relative(dir, f).split(sep).join('/'))
    .join('\0');
  if (input !== '') {
    // Forced like DVC's top-level files: dvc.lock and metrics may sit under an ignore pattern.
    await git(['add', '--force', '--pathspec-from-file=-', '--pathspec-file-nul'], {
      cwd: dir,
      input,
    });
  }
  const untracked = (await git(['ls-files', '--others', '--exclude-standard', '-z'], { cwd: dir }))
    .split('\0')
    .filter((f) => f !== '');
  const hash = await experimentHash(root, files);
  const tree = await git(['write-tree'], { cwd: dir });
  const rev = await git(
    ['commit-tree', tree, '-p', baseline, '-m', `dvc: commit experiment ${hash}`],
    { cwd: dir, env: await identityEnv(dir) },
  );
  if (!/^[0-9a-f]{40}$/.test(rev)) {
    throw new CairnError('CAIRN_GIT', `git commit-tree printed '${rev}', not a commit id`);
  }
  return { rev, hash, untracked };
}

/**
 * Points `ref` at `rev`. Without `force` the ref must not exist (checked by git atomically, so
 * two runs racing for one name cannot both win).
 */
export async function storeRef(
  root: string,
  ref: string,
  rev: string,
  name: string,
  force: boolean,
): Promise<void> {
  const args = ['update-ref', '-m', `cairn: exp run ${name}`, ref, rev];
  try {
    await git(force ? args : [...args, '0'.repeat(40)], { cwd: root });
  } catch (error) {
    const exists = await git(['rev-parse', '--verify', '-q', ref], { cwd: root }).then(
      () => true,
      () => false,
    );
    if (!exists) throw error;
    throw experimentExists(name);
  }
}

export function experimentExists(name: string): CairnError {
  return new CairnError(
    'CAIRN_EXP_EXISTS',
    `experiment '${name}' already exists for this baseline`,
    {
      hint: 'pick another name with -n, or replace it with -f',
      details: { name },
    },
  );
}

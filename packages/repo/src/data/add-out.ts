/**
 * `cairn add <data> -o <path>`: track data that lives elsewhere (another disk, a download
 * folder) under a path of the repository, as `dvc add -o` does. The data is hashed into the
 * cache, the pointer written for the new path, and the path checked out from the cache; the
 * original is left as it is.
 */
import { existsSync, lstatSync, mkdirSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { CairnError, usageError } from '@cairn/types';
import { type AddResult, addResult, entryHashOf, hashAndStore, TrackedOutputs } from './add.js';
import { checkoutEntries } from './checkout.js';
import type { DataContext } from './context.js';
import { addGitignoreEntry } from './gitignore.js';
import { collectEntries, isTrackablePath, isWithin, toPosix } from './outputs.js';
import { writePointer } from './pointer.js';

export async function addToOut(
  ctx: DataContext,
  targets: readonly string[],
  out: string,
  cwd: string,
  options: { force?: boolean; noCommit?: boolean; glob?: boolean } = {},
): Promise<AddResult> {
  const { root, usesGit } = ctx.repo;
  const [target] = targets;
  if (targets.length !== 1 || target === undefined || options.noCommit || options.glob) {
    throw usageError('-o/--out takes exactly one target, without --no-commit or --glob');
  }
  const src = resolve(cwd, target);
  const dst = resolve(cwd, out);
  if (lstatSync(src, { throwIfNoEntry: false }) === undefined) {
    throw new CairnError('CAIRN_NOT_FOUND', `'${target}' does not exist`, { details: { target } });
  }
  const rel = toPosix(relative(root, dst));
  if (!isTrackablePath(root, dst)) {
    throw new CairnError('CAIRN_OUTSIDE_REPO', `'${out}' is not a path the repository can track`, {
      hint: 'name a path inside the repository, outside .dvc/ and .git/',
    });
  }
  if (isWithin(dst, src) || isWithin(src, dst)) {
    throw usageError(`'${out}' and '${target}' overlap: -o must name a separate path`);
  }
  if (ctx.ignore.isIgnored(rel, lstatSync(src).isDirectory())) {
    throw new CairnError('CAIRN_IGNORED', `'${out}' is ignored by .dvcignore`);
  }
  if (existsSync(dst) && !options.force) {
    throw new CairnError('CAIRN_OUTPUT_EXISTS', `'${out}' already exists`, {
      hint: 'pass --force to replace it',
    });
  }
  const own = new TrackedOutputs(await collectEntries(root, usesGit)).ownOrClash(dst, out, cwd);
  // The repository's .dvcignore does not reach data outside it.
  const { hash, stored } = await hashAndStore(
    ctx,
    src,
    isWithin(src, root) ? {} : { ignore: false },
  );
  const entryHash = entryHashOf(hash);
  mkdirSync(dirname(dst), { recursive: true });
  const pointer = await writePointer(
    dst,
    entryHash,
    own?.pointer ? { pointer: own.pointer, index: own.index } : undefined,
  );
  const gitignore = usesGit ? addGitignoreEntry(dst) : undefined;
  const entry = (await collectEntries(root, usesGit)).find(
    (e) => e.source === 'pointer' && e.kind === 'out' && e.path === dst,
  );
  if (entry) {
    const placed = await checkoutEntries(ctx, [entry], { force: options.force === true }, cwd);
    const failed = placed.failed[0];
    if (failed) {
      throw new CairnError('CAIRN_CHECKOUT_FAILED', `cannot place '${out}': ${failed.message}`);
    }
  }
  await ctx.flush();
  return addResult(root, dst, pointer, entryHash, stored, gitignore);
}

/** Reading a tracked path's bytes straight from the cache (`repo.open` / `repo.read`). */
import { createReadStream, type ReadStream } from 'node:fs';
import { relative } from 'node:path';
import { CairnError } from '@cairn/types';
import type { DataContext } from './context.js';
import { isWithin, type TrackedEntry, toPosix } from './outputs.js';

export interface OpenedObject {
  stream: ReadStream;
  md5: string;
  /** The verified cache object being read. */
  objectPath: string;
}

/** Finds the object for `abs` (a tracked file, or a file inside a tracked folder) and opens it. */
export async function openTracked(
  ctx: DataContext,
  entries: readonly TrackedEntry[],
  abs: string,
  display: string,
): Promise<OpenedObject> {
  const entry = entries.find((e) => e.kind === 'out' && e.cached && isWithin(abs, e.path));
  if (!entry || entry.oid === undefined) {
    throw new CairnError(
      'CAIRN_NOT_TRACKED',
      `'${display}' is not a tracked output or inside one`,
      {
        hint: 'track it with `cairn add`, or check the path',
      },
    );
  }
  let md5 = entry.oid;
  if (entry.oid.endsWith('.dir')) {
    const relpath = toPosix(relative(entry.path, abs));
    const tree = await ctx.store.readTree(entry.oid, entry.hashName, display);
    const hit = tree.find((t) => t.relpath === relpath);
    if (!hit) {
      throw new CairnError(
        'CAIRN_NOT_TRACKED',
        relpath === ''
          ? `'${display}' is a directory; open a file inside it`
          : `'${display}' is not in the tracked version of ${toPosix(relative(ctx.repo.root, entry.path))}`,
      );
    }
    md5 = hit.md5;
  }
  const objectPath = await ctx.store.assertValid(md5, entry.hashName, display);
  return { stream: createReadStream(objectPath), md5, objectPath };
}

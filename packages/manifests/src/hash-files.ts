import { hashFile } from '@cairn/core-io';
import type { FileDigest, ProgressListener } from '@cairn/types';
import { fsyncFile, mapLimit } from './files.js';

export interface HashListOptions {
  onProgress?: ProgressListener | undefined;
  /** Progress id and label. */
  progress?: { id: string; label: string };
  signal?: AbortSignal | undefined;
  /** Also fsync each file once hashed (before its digest goes into a manifest). */
  sync?: boolean;
}

/** md5, sha256 and size of each file, a few at a time, with progress in files. */
export async function hashList(
  paths: readonly string[],
  options: HashListOptions = {},
): Promise<FileDigest[]> {
  const { onProgress, signal } = options;
  const id = options.progress?.id ?? 'hash';
  onProgress?.({
    type: 'start',
    id,
    label: options.progress?.label ?? 'Hashing files',
    total: paths.length,
    unit: 'files',
  });
  let done = 0;
  const digests = await mapLimit(paths, async (path) => {
    const { md5, sha256, size } = await hashFile(path, {
      algorithms: ['md5', 'sha256'],
      ...(signal ? { signal } : {}),
    });
    if (options.sync) await fsyncFile(path);
    onProgress?.({ type: 'progress', id, done: ++done, total: paths.length });
    return { sha256, md5, size };
  });
  onProgress?.({ type: 'done', id, done });
  return digests;
}

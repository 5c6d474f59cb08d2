import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fsyncDir, TEMP_SUFFIX } from '@cairn/core-io';
import { toBytes } from './streams.js';

/**
 * Streams bytes into `path` so that readers see the old file or the complete new one, never a
 * part: an exclusive temp file beside the target, fsync, chmod, rename, fsync of the folder.
 *
 * Why not core-io's `writeFileAtomic`: objects coming from a remote must be checked (length,
 * md5) after the last byte and *before* the rename, and rejected without touching the target.
 * The temp name follows core-io's pattern (`.<name>.<pid>.<random>.cairn-tmp`), so its
 * `cleanStaleTemps` removes what a killed process left behind, and listings skip it.
 */
export interface StreamAtomicOptions {
  mode: number;
  /** Mode for folders created on the way (default 0777 minus the umask). */
  dirMode?: number;
  /** Hash the bytes on the way (costs ~1.4 ms per MiB); the digest is passed to `verify`. */
  md5?: boolean;
  /**
   * Fsync the folder after the rename (default true). Callers writing many files into a few
   * folders turn it off and sync each folder once at the end.
   */
  syncDir?: boolean;
  /** Runs after the data is durable and before the rename; throwing leaves the target untouched. */
  verify?: (written: { bytes: number; md5: string | undefined }) => void;
  signal?: AbortSignal | undefined;
}

export async function writeStreamAtomic(
  path: string,
  source: AsyncIterable<unknown>,
  options: StreamAtomicOptions,
): Promise<{ bytes: number; md5: string | undefined }> {
  const dir = dirname(path);
  await mkdir(dir, {
    recursive: true,
    ...(options.dirMode === undefined ? {} : { mode: options.dirMode }),
  });
  const temp = tempPathFor(path);
  const hash = options.md5 ? createHash('md5') : undefined;
  let bytes = 0;
  const handle = await open(temp, 'wx', 0o600);
  let renamed = false;
  try {
    for await (const raw of source) {
      options.signal?.throwIfAborted();
      const chunk = toBytes(raw);
      hash?.update(chunk);
      bytes += chunk.length;
      let offset = 0;
      while (offset < chunk.length) {
        const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
        offset += bytesWritten;
      }
    }
    options.signal?.throwIfAborted();
    await handle.chmod(options.mode);
    await handle.sync();
    await handle.close();
    const written = { bytes, md5: hash?.digest('hex') };
    options.verify?.(written);
    await rename(temp, path);
    renamed = true;
    if (options.syncDir !== false) await fsyncDir(dir);
    return written;
  } finally {
    if (!renamed) {
      await handle.close().catch(() => {});
      await unlink(temp).catch(() => {});
    }
  }
}

/** `.<name>.<pid>.<random>.cairn-tmp` in the target's folder (core-io's temp naming). */
export function tempPathFor(target: string): string {
  const base = basename(target).slice(0, 120);
  return join(
    dirname(target),
    `.${base}.${process.pid}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`,
  );
}

/** True for temp files of an atomic write in progress (or left by a killed process). */
export function isTempName(name: string): boolean {
  return name.startsWith('.') && (name.endsWith(TEMP_SUFFIX) || name.endsWith('.tmp'));
}

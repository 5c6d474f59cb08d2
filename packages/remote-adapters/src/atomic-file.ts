import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Writes a stream to `path` so that readers see the old file or the complete new one, never a
 * part: exclusive temp file beside the target (`.<random>.tmp`, DVC's pattern, skipped by
 * listings), fsync, chmod, rename, fsync of the folder. Returns the number of bytes written.
 * `check` runs after the data is on disk and before the rename; throwing there leaves the
 * target untouched.
 */
export async function writeFileAtomic(
  path: string,
  body: Readable,
  options: {
    mode: number;
    dirMode?: number;
    check?: (bytes: number) => void;
    signal?: AbortSignal;
  },
): Promise<number> {
  const dir = dirname(path);
  await mkdir(dir, {
    recursive: true,
    ...(options.dirMode === undefined ? {} : { mode: options.dirMode }),
  });
  const temp = join(dir, `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`);
  let bytes = 0;
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      const out = handle.createWriteStream({ autoClose: false });
      const count = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          bytes += chunk.length;
          done(null, chunk);
        },
      });
      await pipeline(body, count, out, options.signal ? { signal: options.signal } : {});
      await handle.sync();
    } finally {
      await handle.close();
    }
    options.check?.(bytes);
    await chmod(temp, options.mode);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDir(dir);
  return bytes;
}

/** fsync of a folder, so a rename in it survives a crash; not possible on every platform. */
export async function syncDir(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Windows cannot open folders; there the rename is as durable as it gets.
  } finally {
    await handle?.close();
  }
}

/** True for the temp files `writeFileAtomic` leaves behind when a process dies mid-write. */
export function isTempName(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp');
}

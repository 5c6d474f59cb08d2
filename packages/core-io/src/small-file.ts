/**
 * Files up to this size are read whole into one reused buffer and written with one call,
 * synchronously; larger ones are streamed. One bound for every such choice (what the hash threads
 * store from the bytes they hashed, what `add` stores on its own, what checkout, unprotect and
 * push copy in one go), so a file is small or large the same way everywhere.
 */
export const SMALL_FILE_MAX = 1 << 20;

let buffer: Buffer | undefined;

/**
 * This thread's buffer for reading a small file whole: `SMALL_FILE_MAX + 1` bytes, so a read that
 * fills it shows the file is larger. One per thread, shared by the batches that hash, place and
 * copy files: each uses it synchronously and never holds it across an await.
 */
export function smallFileBuffer(): Buffer {
  buffer ??= Buffer.allocUnsafe(SMALL_FILE_MAX + 1);
  return buffer;
}

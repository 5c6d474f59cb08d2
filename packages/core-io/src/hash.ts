/**
 * Streaming md5 (DVC's content key) and sha256 in one pass over the bytes, in constant memory.
 */
import { createHash, hash as oneShotHash } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import type { Readable } from 'node:stream';

export type HashAlgorithm = 'md5' | 'sha256';

/** Byte count plus one lowercase hex digest per requested algorithm. */
export type HashResult<A extends HashAlgorithm = HashAlgorithm> = { size: number } & {
  [K in A]: string;
};

export interface HashOptions<A extends HashAlgorithm = HashAlgorithm> {
  /** Defaults to both; the data-versioning path asks for `['md5']` only. */
  algorithms?: readonly A[];
  signal?: AbortSignal;
}

export const DEFAULT_ALGORITHMS: readonly HashAlgorithm[] = ['md5', 'sha256'];

/** Files are read in chunks of this size (DVC reads 1 MiB chunks too). */
export const CHUNK_SIZE = 1 << 20;
const MIN_CHUNK_SIZE = 64 << 10;

/** Incremental hashing with several algorithms fed the same bytes. */
export class MultiHasher<A extends HashAlgorithm = HashAlgorithm> {
  private readonly hashes: Array<[A, ReturnType<typeof createHash>]>;
  size = 0;

  constructor(algorithms: readonly A[]) {
    this.hashes = uniqueAlgorithms(algorithms).map((a) => [a, createHash(a)]);
  }

  update(chunk: Uint8Array): void {
    this.size += chunk.byteLength;
    for (const [, h] of this.hashes) h.update(chunk);
  }

  digest(): HashResult<A> {
    const result: Record<string, string | number> = { size: this.size };
    for (const [name, h] of this.hashes) result[name] = h.digest('hex');
    return result as HashResult<A>;
  }
}

function uniqueAlgorithms<A extends HashAlgorithm>(algorithms: readonly A[]): A[] {
  const unique = [...new Set(algorithms)];
  for (const a of unique) {
    if (a !== 'md5' && a !== 'sha256') throw new TypeError(`unsupported hash algorithm "${a}"`);
  }
  if (unique.length === 0) throw new TypeError('at least one hash algorithm is required');
  return unique;
}

function algorithmsOf<A extends HashAlgorithm>(options: HashOptions<A>): readonly A[] {
  return options.algorithms ?? (DEFAULT_ALGORITHMS as readonly A[]);
}

/** Hash bytes already in memory (one call into OpenSSL per algorithm). */
export function hashBytes<A extends HashAlgorithm = HashAlgorithm>(
  data: string | Uint8Array,
  options: Omit<HashOptions<A>, 'signal'> = {},
): HashResult<A> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const result: Record<string, string | number> = { size: bytes.byteLength };
  for (const a of uniqueAlgorithms(algorithmsOf(options))) result[a] = oneShotHash(a, bytes, 'hex');
  return result as HashResult<A>;
}

/** Hash everything a stream yields. Memory stays bounded by the stream's own chunk size. */
export async function hashStream<A extends HashAlgorithm = HashAlgorithm>(
  source: Readable | AsyncIterable<Uint8Array | string>,
  options: HashOptions<A> = {},
): Promise<HashResult<A>> {
  const hasher = new MultiHasher(algorithmsOf(options));
  for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
    options.signal?.throwIfAborted();
    hasher.update(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  }
  options.signal?.throwIfAborted();
  return hasher.digest();
}

/** Hash a file in 1 MiB chunks; the next chunk is read while the current one is hashed. */
export async function hashFile<A extends HashAlgorithm = HashAlgorithm>(
  path: string,
  options: HashOptions<A> = {},
): Promise<HashResult<A>> {
  const hasher = new MultiHasher(algorithmsOf(options));
  const handle = await open(path, 'r');
  try {
    // Small files get small buffers; the read loop does not depend on the size being right.
    const { size } = await handle.stat();
    const chunkSize = Math.min(CHUNK_SIZE, Math.max(size + 1, MIN_CHUNK_SIZE));
    for await (const chunk of readChunks(handle, { chunkSize, signal: options.signal })) {
      hasher.update(chunk);
    }
  } finally {
    await handle.close();
  }
  return hasher.digest();
}

export interface ReadChunksOptions {
  chunkSize?: number;
  /**
   * Fill every chunk completely before yielding it (only the last may be shorter), for
   * algorithms whose result depends on chunk boundaries (md5-dos2unix).
   */
  exact?: boolean;
  signal?: AbortSignal | undefined;
}

/**
 * Yields a file's bytes as views of two alternating buffers: while the caller works on one chunk,
 * the thread pool reads the next into the other. A view is valid until the next one is requested.
 */
export async function* readChunks(
  handle: FileHandle,
  options: ReadChunksOptions = {},
): AsyncGenerator<Buffer, void, undefined> {
  const size = options.chunkSize ?? CHUNK_SIZE;
  const buffers = [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)] as const;
  const read = options.exact ? readFull : readSome;
  let position = 0;
  let [filling, spare] = buffers;
  let pending = read(handle, filling, position);
  for (;;) {
    const bytes = await pending;
    if (bytes === 0) return;
    options.signal?.throwIfAborted();
    position += bytes;
    const chunk = filling.subarray(0, bytes);
    [filling, spare] = [spare, filling];
    pending = read(handle, filling, position);
    // A rejected read must not go unhandled while the caller still holds this chunk.
    pending.catch(() => {});
    yield chunk;
  }
}

async function readSome(handle: FileHandle, buffer: Buffer, position: number): Promise<number> {
  const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
  return bytesRead;
}

async function readFull(handle: FileHandle, buffer: Buffer, position: number): Promise<number> {
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(
      buffer,
      filled,
      buffer.length - filled,
      position + filled,
    );
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

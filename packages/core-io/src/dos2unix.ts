/**
 * DVC 2's legacy `md5-dos2unix` hash, computed the way DVC 3 (dvc-data 3.x) does: the file is read
 * in 1 MiB chunks; each chunk whose first 512 bytes look like text has its CRLFs turned into LFs
 * before hashing. A CRLF split across two chunks is left alone, as in DVC.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { CHUNK_SIZE, readChunks } from './hash.js';

/** How many leading bytes of a chunk decide whether it is text. */
const TEXT_PROBE_BYTES = 512;
const MAX_NONTEXT_RATIO = 0.3;

const IS_TEXT_BYTE = new Uint8Array(256);
for (let b = 0x20; b <= 0x7e; b++) IS_TEXT_BYTE[b] = 1;
for (const b of [0x0a, 0x0d, 0x09, 0x0c, 0x08]) IS_TEXT_BYTE[b] = 1;

/**
 * DVC's `istextblock`: empty is text, any NUL is binary, otherwise text when at most 30% of the
 * bytes fall outside printable ASCII and `\n \r \t \f \b`.
 */
export function isTextBlock(block: Uint8Array): boolean {
  if (block.length === 0) return true;
  let nontext = 0;
  for (const byte of block) {
    if (byte === 0) return false;
    if (IS_TEXT_BYTE[byte] === 0) nontext++;
  }
  return nontext / block.length <= MAX_NONTEXT_RATIO;
}

export interface Dos2UnixResult {
  /** md5 of the normalised bytes, the value DVC 2 stored without a `hash:` key. */
  md5: string;
  /** Size of the file as it is on disk (not normalised), as DVC records it. */
  size: number;
}

const CRLF = Buffer.from('\r\n');

/**
 * One chunk as DVC hashes it: unchanged when binary or without CRLF, otherwise with each CRLF
 * written as LF into `scratch` (at least as long as the chunk).
 */
function normaliseChunk(chunk: Uint8Array, scratch: Uint8Array): Uint8Array {
  if (!isTextBlock(chunk.subarray(0, TEXT_PROBE_BYTES))) return chunk;
  const view = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  let crlf = view.indexOf(CRLF);
  if (crlf === -1) return chunk;
  let out = 0;
  let start = 0;
  while (crlf !== -1) {
    scratch.set(view.subarray(start, crlf), out);
    out += crlf - start;
    start = crlf + 1; // drop the CR, keep the LF
    crlf = view.indexOf(CRLF, start);
  }
  scratch.set(view.subarray(start), out);
  out += view.length - start;
  return scratch.subarray(0, out);
}

/** The legacy `md5-dos2unix` of a file (DVC 3 rule: text or binary decided per 1 MiB chunk). */
export async function hashFileDos2Unix(
  path: string,
  options: { signal?: AbortSignal } = {},
): Promise<Dos2UnixResult> {
  const md5 = createHash('md5');
  const scratch = Buffer.allocUnsafe(CHUNK_SIZE);
  let size = 0;
  const handle = await open(path, 'r');
  try {
    for await (const chunk of readChunks(handle, { exact: true, signal: options.signal })) {
      size += chunk.length;
      md5.update(normaliseChunk(chunk, scratch));
    }
  } finally {
    await handle.close();
  }
  return { md5: md5.digest('hex'), size };
}

/** The legacy `md5-dos2unix` of bytes in memory, chunked exactly as a file would be. */
export function hashBytesDos2Unix(data: string | Uint8Array): Dos2UnixResult {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const md5 = createHash('md5');
  const scratch = Buffer.allocUnsafe(Math.min(CHUNK_SIZE, bytes.length));
  for (let offset = 0; offset < bytes.length; offset += CHUNK_SIZE) {
    md5.update(normaliseChunk(bytes.subarray(offset, offset + CHUNK_SIZE), scratch));
  }
  return { md5: md5.digest('hex'), size: bytes.length };
}

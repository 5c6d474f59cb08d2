/** Messages between `HashPool` and its workers (flat arrays: cheap to clone). */
import type { CopyVerifiedOptions, CopyVerifiedResult } from './copy-verified.js';
import type { Placement, PlaceResult } from './place-batch.js';

export type WorkerRequest = HashRequest | StatRequest | PlaceRequest | CopyRequest;
export type WorkerResponse = HashResponse | StatResponse | PlaceResponse | CopyResponse;

export interface HashRequest {
  kind: 'hash';
  id: number;
  paths: string[];
  /** Size from the caller's walk, or -1: lets a worker skip the read that confirms the end. */
  sizes: number[];
  /** Digests come back in this order. */
  algorithms: string[];
  /** Copy each file read whole into this content-addressed folder (see `StoreInto`). */
  store?: { dir: string; mode: number; dirMode?: number; link?: boolean };
}

export interface HashResponse {
  kind: 'hash';
  id: number;
  /** Bytes hashed per file; -1 where the file failed (see `errors`), -2 where it was skipped. */
  sizes: number[];
  /** `algorithms.length` digests per file, file after file ('' where the file failed). */
  digests: string[];
  errors: Array<{ index: number; code: string | undefined; message: string }>;
  /**
   * With `store`: per file, 1 when its copy was written (then `objectStats` holds the copy's
   * inode and mtimeMs, in order), 0 when the object was already there, -1 when not attempted
   * (file too large for one read, or failed).
   */
  stored?: number[];
  objectStats?: number[];
}

/** `lstat` of each path (see stat-batch.ts). */
export interface StatRequest {
  kind: 'stat';
  id: number;
  paths: string[];
}

export interface StatResponse {
  kind: 'stat';
  id: number;
  /** `STAT_FIELDS` numbers per path; empty when `error` is set. */
  stats: Float64Array;
  error?: { path: string; code: string | undefined; message: string };
}

/** Creates `dsts[i]` from `srcs[i]` by link or copy (see place-batch.ts). */
export interface PlaceRequest {
  kind: 'place';
  id: number;
  srcs: string[];
  dsts: string[];
  placement: Placement;
  /** The stat each source must have (see `placeBatch`). */
  expected?: Float64Array;
}

export interface PlaceResponse extends PlaceResult {
  kind: 'place';
  id: number;
}

/** Copies `srcs[i]` to `dsts[i]` when it hashes to `md5s[i]` (see copy-verified.ts). */
export interface CopyRequest {
  kind: 'copy';
  id: number;
  srcs: string[];
  dsts: string[];
  md5s: string[];
  options: CopyVerifiedOptions;
}

export interface CopyResponse extends CopyVerifiedResult {
  kind: 'copy';
  id: number;
}

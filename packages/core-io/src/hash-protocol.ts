/** Messages between `HashPool` and its workers (flat arrays: cheap to clone). */
export type WorkerRequest = HashRequest | StatRequest | LinkRequest;
export type WorkerResponse = HashResponse | StatResponse | LinkResponse;

export interface HashRequest {
  kind: 'hash';
  id: number;
  paths: string[];
  /** Size from the caller's walk, or -1: lets a worker skip the read that confirms the end. */
  sizes: number[];
  /** Digests come back in this order. */
  algorithms: string[];
  /** Copy each file read whole into this content-addressed folder (see `StoreInto`). */
  store?: { dir: string; mode: number };
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

/** Hard links `dsts[i]` to `srcs[i]` (see link-batch.ts). */
export interface LinkRequest {
  kind: 'link';
  id: number;
  srcs: string[];
  dsts: string[];
}

export interface LinkResponse {
  kind: 'link';
  id: number;
  /** Indexes of the pairs that failed, and their error codes, in the same order. */
  failed: number[];
  codes: string[];
}

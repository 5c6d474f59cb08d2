/** Messages between `HashPool` and its workers (flat arrays: cheap to clone). */
export interface WorkerRequest {
  id: number;
  paths: string[];
  /** Size from the caller's walk, or -1: lets a worker skip the read that confirms the end. */
  sizes: number[];
  /** Digests come back in this order. */
  algorithms: string[];
  /** Copy each file read whole into this content-addressed folder (see `StoreInto`). */
  store?: { dir: string; mode: number };
}

export interface WorkerResponse {
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

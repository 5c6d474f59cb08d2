/** Messages between `HashPool` and its workers (flat arrays: cheap to clone). */
export interface WorkerRequest {
  id: number;
  paths: string[];
  /** Size from the caller's walk, or -1: lets a worker skip the read that confirms the end. */
  sizes: number[];
  /** Digests come back in this order. */
  algorithms: string[];
}

export interface WorkerResponse {
  id: number;
  /** Bytes hashed per file; -1 where the file failed (see `errors`), -2 where it was skipped. */
  sizes: number[];
  /** `algorithms.length` digests per file, file after file ('' where the file failed). */
  digests: string[];
  errors: Array<{ index: number; code: string | undefined; message: string }>;
}

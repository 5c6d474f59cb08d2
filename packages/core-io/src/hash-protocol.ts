/** Messages between `HashPool` and its workers. */
export interface WorkerRequest {
  id: number;
  paths: string[];
  /** Digests come back in this order. */
  algorithms: string[];
}

export type WorkerFileResult =
  | { size: number; digests: string[] }
  | { error: { code: string | undefined; message: string } };

export interface WorkerResponse {
  id: number;
  results: WorkerFileResult[];
}

import { z } from 'zod';
import { DvcEntry } from './dvc-entry.js';

/** One stage of `dvc.lock` (dvc/schema.py LOCK_FILE_STAGE_SCHEMA). */
export const LockStage = z.strictObject({
  cmd: z.union([z.string(), z.array(z.string())]),
  deps: z.array(DvcEntry).optional(),
  params: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  outs: z.array(DvcEntry).optional(),
});
export type LockStage = z.output<typeof LockStage>;

/** `dvc.lock`; `schema` must be the string '2.0'. */
export const DvcLock = z.strictObject({
  schema: z.literal('2.0'),
  stages: z.record(z.string(), LockStage).default({}),
  datasets: z.array(z.record(z.string(), z.unknown())).optional(),
});
export type DvcLock = z.output<typeof DvcLock>;

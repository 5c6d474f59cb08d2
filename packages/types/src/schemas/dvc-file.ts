import { z } from 'zod';
import { DvcEntry } from './dvc-entry.js';

/** A `.dvc` pointer file (dvc/schema.py SINGLE_STAGE_SCHEMA). */
export const DvcFile = z.strictObject({
  md5: z.string().optional(),
  cmd: z.union([z.string(), z.array(z.string())]).optional(),
  wdir: z.string().optional(),
  deps: z.array(DvcEntry).optional(),
  outs: z.array(DvcEntry).optional(),
  locked: z.boolean().optional(),
  frozen: z.boolean().optional(),
  meta: z.unknown().optional(),
  always_changed: z.boolean().optional(),
  desc: z.string().optional(),
});
export type DvcFile = z.output<typeof DvcFile>;

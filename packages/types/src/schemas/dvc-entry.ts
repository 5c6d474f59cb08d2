import { z } from 'zod';
import { HashValue, NonNegativeInt } from './common.js';

/**
 * One output or dependency entry as DVC 3 reads it from `.dvc` files and `dvc.lock`
 * (dvc/output.py SCHEMA). Unknown keys are rejected, as DVC does.
 */
export const DvcEntry = z.strictObject({
  path: z.string().min(1),
  md5: HashValue.optional(),
  etag: z.string().optional(),
  checksum: HashValue.optional(),
  size: NonNegativeInt.optional(),
  nfiles: NonNegativeInt.optional(),
  isexec: z.boolean().optional(),
  version_id: z.string().optional(),
  /** `md5` for DVC 3 entries; absent on legacy (DVC 2, md5-dos2unix) entries. */
  hash: z.string().optional(),
  cloud: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  files: z.array(z.record(z.string(), z.unknown())).optional(),
  persist: z.boolean().optional(),
  cache: z.boolean().optional(),
  push: z.boolean().optional(),
  remote: z.string().optional(),
  desc: z.string().optional(),
  type: z.string().optional(),
  labels: z.array(z.string()).optional(),
  meta: z.unknown().optional(),
  fs_config: z.record(z.string(), z.unknown()).optional(),
  /** `dvc import` dependencies. */
  repo: z
    .strictObject({
      url: z.string(),
      rev: z.string().optional(),
      rev_lock: z.string().optional(),
      config: z.unknown().optional(),
      remote: z.unknown().optional(),
    })
    .optional(),
  metric: z.boolean().optional(),
  plot: z.unknown().optional(),
});
export type DvcEntry = z.output<typeof DvcEntry>;

/** The hash name an entry uses: `md5` (DVC 3) or `md5-dos2unix` (legacy entry without `hash:`). */
export function entryHashName(entry: Pick<DvcEntry, 'hash'>): 'md5' | 'md5-dos2unix' {
  return entry.hash === 'md5' ? 'md5' : 'md5-dos2unix';
}

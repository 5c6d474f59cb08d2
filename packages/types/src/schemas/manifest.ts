import { z } from 'zod';
import { Md5Hex, NonNegativeInt, SafeRelativePath, Sha256Hex } from './common.js';

/** Size and both digests of one file, computed in one pass. */
export const FileDigest = z.strictObject({
  sha256: Sha256Hex,
  md5: Md5Hex,
  size: NonNegativeInt,
});
export type FileDigest = z.output<typeof FileDigest>;

const IsoTimestamp = z.iso.datetime({ offset: true });

export const RuntimeInfo = z.strictObject({
  node: z.string(),
  os: z.string(),
  cairn: z.string(),
  packages: z.record(z.string(), z.string()),
});
export type RuntimeInfo = z.output<typeof RuntimeInfo>;

/**
 * A step manifest: the lineage record of one step of one run, written last (after every output
 * it names is durable), so its presence proves its artifacts exist with these digests.
 * Paths are posix, relative to the manifest's run directory or repository root.
 */
export const StepManifest = z.strictObject({
  schema_version: z.literal(1),
  run_id: z.string().min(1),
  step_name: z.string().min(1),
  status: z.enum(['succeeded', 'failed']),
  git_sha: z.string().nullable(),
  git_dirty: z.boolean().nullable(),
  /** sha256 of the canonical JSON (sorted keys) of the effective config. */
  config_hash: Sha256Hex,
  inputs: z.record(SafeRelativePath, FileDigest),
  outputs: z.record(SafeRelativePath, FileDigest),
  metrics: z.record(z.string(), z.unknown()),
  params: z.record(z.string(), z.unknown()),
  command: z.array(z.string()).optional(),
  started_at: IsoTimestamp,
  finished_at: IsoTimestamp,
  duration_seconds: z.number().nonnegative(),
  hostname: z.string(),
  runtime: RuntimeInfo,
  /** Free-form extras (validation reports, notes); never required by readers. */
  extra: z.record(z.string(), z.unknown()).optional(),
});
export type StepManifest = z.output<typeof StepManifest>;

/** `bundle.json`: the index of a deployable export, every path relative to the bundle root. */
export const BundleIndex = z.strictObject({
  schema_version: z.literal(1),
  name: z.string().min(1),
  created_at: IsoTimestamp,
  artifacts: z.array(
    z.strictObject({ path: SafeRelativePath, sha256: Sha256Hex, size: NonNegativeInt }),
  ),
  manifests: z.array(
    z.strictObject({ path: SafeRelativePath, sha256: Sha256Hex, size: NonNegativeInt }),
  ),
});
export type BundleIndex = z.output<typeof BundleIndex>;

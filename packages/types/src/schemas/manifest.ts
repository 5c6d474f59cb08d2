import { z } from 'zod';
import { Md5Hex, NameSegment, NonNegativeInt, SafeRelativePath, Sha256Hex } from './common.js';

/** Size and both digests of one file, computed in one pass. */
export const FileDigest = z.strictObject({
  sha256: Sha256Hex,
  md5: Md5Hex,
  size: NonNegativeInt,
});
export type FileDigest = z.output<typeof FileDigest>;

const IsoTimestamp = z.iso.datetime({ offset: true });

export const RuntimeInfo = z.strictObject({
  /** `process.version`, e.g. `v20.19.0`. */
  node: z.string(),
  /** Platform, release and architecture, e.g. `linux 6.8.0 x64`. */
  os: z.string(),
  /** Version of the Cairn library that wrote the manifest. */
  cairn: z.string(),
  /** Installed versions of the packages the project depends on (name → version). */
  packages: z.record(z.string(), z.string()),
});
export type RuntimeInfo = z.output<typeof RuntimeInfo>;

/**
 * Where input paths start: a posix path relative to the manifest's folder (it may climb out of
 * it with `..`, since inputs usually live elsewhere in the project), never absolute.
 */
export const InputsRoot = z.string().superRefine((value, ctx) => {
  if (value.length === 0 || value.includes('\0') || value.includes('\\')) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a posix relative path` });
  } else if (value.startsWith('/') || /^[A-Za-z]:/.test(value)) {
    ctx.addIssue({ code: 'custom', message: `absolute path "${value}" is not allowed` });
  }
});

/**
 * A step manifest: the lineage record of one step of one run, written last (after every output
 * it names is durable), so its presence proves its artifacts exist with these digests.
 * `outputs` are posix paths relative to the folder holding the manifest; `inputs` are relative
 * to `inputs_root` (itself relative to that folder, normally the project root).
 */
export const StepManifest = z.strictObject({
  schema_version: z.literal(1),
  run_id: z.string().min(1),
  experiment: z.string().min(1),
  step_name: z.string().min(1),
  status: z.enum(['succeeded', 'failed']),
  git_sha: z.string().nullable(),
  git_dirty: z.boolean().nullable(),
  /** sha256 of the canonical JSON (sorted keys) of the effective config. */
  config_hash: Sha256Hex,
  inputs_root: InputsRoot,
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

/** One file listed in `bundle.json`. */
export const BundleArtifact = z.strictObject({
  path: SafeRelativePath,
  sha256: Sha256Hex,
  size: NonNegativeInt,
  /** Bundle path of the manifest (in `manifests`) that produced this artifact. */
  manifest: SafeRelativePath.optional(),
});
export type BundleArtifact = z.output<typeof BundleArtifact>;

/** A step manifest copied byte for byte into a bundle. */
export const BundleManifestEntry = z.strictObject({
  path: SafeRelativePath,
  sha256: Sha256Hex,
  size: NonNegativeInt,
  experiment: z.string().min(1).optional(),
  run_id: z.string().min(1).optional(),
  step_name: NameSegment.optional(),
});
export type BundleManifestEntry = z.output<typeof BundleManifestEntry>;

/** `bundle.json`: the index of a deployable export, every path relative to the bundle root. */
export const BundleIndex = z.strictObject({
  schema_version: z.literal(1),
  name: z.string().min(1),
  created_at: IsoTimestamp,
  artifacts: z.array(BundleArtifact),
  manifests: z.array(BundleManifestEntry),
});
export type BundleIndex = z.output<typeof BundleIndex>;

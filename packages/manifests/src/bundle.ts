/**
 * Bundles: a deployable folder holding the outputs of some steps and the manifests that produced
 * them, indexed by `bundle.json` (every path relative to the bundle root, with sha256 and size).
 *
 *   <bundle>/bundle.json
 *   <bundle>/manifests/<step>.json        the step manifests, byte for byte
 *   <bundle>/artifacts/<step>/<output>    the outputs they name
 *
 * `exportBundle` builds it in a hidden sibling folder and renames it into place, so a bundle
 * either exists complete or not at all; `loadBundle` hands out absolute paths only after
 * `verifyBundle` found every file intact and no path leaving the bundle (`..`, absolute, or a
 * symlink whose target is outside).
 */
import { createReadStream } from 'node:fs';
import { readFile, realpath, rename, rm } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ensureDir, fsyncDir, writeFileAtomic, writeJsonAtomic } from '@cairn/core-io';
import {
  BundleArtifact,
  BundleIndex,
  BundleManifestEntry,
  CairnError,
  isCairnError,
  type ProgressListener,
  parseJson,
  relativePathProblem,
  StepManifest,
} from '@cairn/types';
import { z } from 'zod';
import { checkFiles, type ExpectedFile, findExtras, type VerifyProblem } from './check-files.js';
import {
  errnoOf,
  exists,
  fsyncFolders,
  mapLimit,
  removeStaleTempDirs,
  short,
  tempDirFor,
} from './files.js';
import { readManifest } from './verify.js';

/** The index file at the root of every bundle. */
export const BUNDLE_INDEX = 'bundle.json';

export interface ExportBundleOptions {
  /** Manifest files (or step folders) whose outputs go into the bundle; step names must differ. */
  manifests: readonly string[];
  /** The bundle folder to create; it must not exist. */
  out: string;
  /** Recorded in `bundle.json` (default: the folder's name). */
  name?: string;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

export interface ExportBundleResult {
  dir: string;
  index: BundleIndex;
}

/** Copy the outputs of `manifests` into a new bundle, checking each against its manifest. */
export async function exportBundle(options: ExportBundleOptions): Promise<ExportBundleResult> {
  const out = resolve(options.out);
  const loaded = await Promise.all(options.manifests.map((m) => readManifest(m)));
  const steps = new Map<string, string>();
  for (const { manifest, manifestPath } of loaded) {
    const other = steps.get(manifest.step_name);
    if (other !== undefined) {
      throw new CairnError(
        'CAIRN_BUNDLE_CONFLICT',
        `two manifests are for step "${manifest.step_name}": ${other} and ${manifestPath}`,
        { hint: 'a bundle holds one manifest per step name: export them into separate bundles' },
      );
    }
    steps.set(manifest.step_name, manifestPath);
  }
  if (await exists(out)) throw bundleExists(out);
  await ensureDir(dirname(out));
  await removeStaleTempDirs(dirname(out));
  const temp = tempDirFor(out);
  await ensureDir(temp);
  try {
    const index: BundleIndex = {
      schema_version: 1,
      name: options.name ?? basename(out),
      created_at: new Date().toISOString(),
      artifacts: [],
      manifests: [],
    };
    const total = loaded.reduce((n, l) => n + Object.keys(l.manifest.outputs).length, 0);
    const id = 'bundle:export';
    options.onProgress?.({ type: 'start', id, label: 'Copying artifacts', total, unit: 'files' });
    let done = 0;
    for (const { manifest, manifestPath, bytes } of loaded) {
      const manifestEntry = `manifests/${manifest.step_name}.json`;
      await ensureDir(join(temp, 'manifests'));
      const copied = await writeFileAtomic(join(temp, manifestEntry), bytes);
      index.manifests.push({
        path: manifestEntry,
        sha256: copied.sha256,
        size: copied.size,
        experiment: manifest.experiment,
        run_id: manifest.run_id,
        step_name: manifest.step_name,
      });
      const from = dirname(manifestPath);
      const artifacts = await mapLimit(Object.entries(manifest.outputs), async ([rel, digest]) => {
        const path = `artifacts/${manifest.step_name}/${rel}`;
        const source = join(from, rel);
        await ensureDir(dirname(join(temp, path)));
        let written: { sha256: string; size: number };
        try {
          written = await writeFileAtomic(join(temp, path), createReadStream(source), {
            ...(options.signal ? { signal: options.signal } : {}),
          });
        } catch (error) {
          if (errnoOf(error) !== 'ENOENT') throw error;
          throw new CairnError(
            'CAIRN_OUTPUT_MISSING',
            `output ${rel} of ${manifestPath} is missing`,
            {
              hint: `run 'cairn manifest verify ${manifestPath}'`,
              details: { path: source },
            },
          );
        }
        if (written.sha256 !== digest.sha256 || written.size !== digest.size) {
          throw new CairnError(
            'CAIRN_OUTPUT_CHANGED',
            `output ${rel} of ${manifestPath} does not match its manifest (sha256 ${short(written.sha256)}, expected ${short(digest.sha256)})`,
            { hint: `run 'cairn manifest verify ${manifestPath}'`, details: { path: source } },
          );
        }
        options.onProgress?.({ type: 'progress', id, done: ++done, total });
        return { path, sha256: written.sha256, size: written.size, manifest: manifestEntry };
      });
      index.artifacts.push(...artifacts);
    }
    options.onProgress?.({ type: 'done', id, done });
    index.artifacts.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    // The index last: a folder with a complete bundle.json holds everything it lists.
    await writeJsonAtomic(join(temp, BUNDLE_INDEX), index);
    await fsyncFolders(
      temp,
      [...index.artifacts, ...index.manifests].map((e) => join(temp, e.path)),
    );
    try {
      await rename(temp, out);
    } catch (error) {
      const code = errnoOf(error);
      if (code === 'ENOTEMPTY' || code === 'EEXIST') throw bundleExists(out);
      throw error;
    }
    await fsyncDir(dirname(out));
    return { dir: out, index };
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

// Read with plain strings for paths, so a bad path is reported with the others, not thrown.
const UncheckedIndex = BundleIndex.extend({
  artifacts: z.array(BundleArtifact.extend({ path: z.string(), manifest: z.string().optional() })),
  manifests: z.array(BundleManifestEntry.extend({ path: z.string() })),
});

export interface VerifyBundleOptions {
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

export interface BundleVerification {
  ok: boolean;
  /** Absolute path of the bundle folder. */
  dir: string;
  name: string;
  checked: { artifacts: number; manifests: number };
  problems: VerifyProblem[];
}

/**
 * Check a bundle: every path in `bundle.json` stays inside the bundle (no `..`, not absolute, no
 * symlink to outside), every file exists with its size and sha256, and nothing else is there.
 */
export async function verifyBundle(
  dir: string,
  options: VerifyBundleOptions = {},
): Promise<BundleVerification> {
  const root = resolve(dir);
  const indexPath = join(root, BUNDLE_INDEX);
  let text: string;
  try {
    text = await readFile(indexPath, 'utf8');
  } catch (error) {
    const code = errnoOf(error);
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
    throw new CairnError('CAIRN_NOT_A_BUNDLE', `${dir} is not a bundle: no ${BUNDLE_INDEX}`, {
      hint: "create bundles with 'cairn bundle export'",
      details: { path: dir },
    });
  }
  const index = parseJson(text, UncheckedIndex, { file: join(dir, BUNDLE_INDEX) });
  const realRoot = await realpath(root);
  const problems: VerifyProblem[] = [];
  const expected: ExpectedFile[] = [];
  const listed = new Set<string>([BUNDLE_INDEX]);
  const manifestPaths = new Set(index.manifests.map((m) => m.path));
  const entries = [
    ...index.manifests.map((e) => ({ ...e, role: 'manifest' as const })),
    ...index.artifacts.map((e) => ({ ...e, role: 'artifact' as const })),
  ];
  for (const entry of entries) {
    const where = `${entry.role} ${entry.path}`;
    const problem = relativePathProblem(entry.path);
    if (problem !== undefined) {
      problems.push(unsafe(entry, `${where}: ${problem}`));
      continue;
    }
    if (listed.has(entry.path)) {
      problems.push({
        kind: 'invalid',
        role: entry.role,
        path: entry.path,
        message: `${where}: listed twice in ${BUNDLE_INDEX}`,
      });
      continue;
    }
    listed.add(entry.path);
    if ('manifest' in entry && entry.manifest !== undefined && !manifestPaths.has(entry.manifest)) {
      problems.push({
        kind: 'invalid',
        role: entry.role,
        path: entry.path,
        message: `${where}: its manifest ${entry.manifest} is not listed in ${BUNDLE_INDEX}`,
      });
    }
    const absPath = join(root, entry.path);
    const outside = await symlinkEscape(realRoot, absPath);
    if (outside !== undefined) {
      problems.push(unsafe(entry, `${where}: is a symlink to ${outside}, outside the bundle`));
      continue;
    }
    expected.push({ ...entry, absPath });
  }
  problems.push(
    ...(await checkFiles(expected, {
      onProgress: options.onProgress,
      progressId: 'verify:bundle',
      signal: options.signal,
    })),
  );
  const intact = expected.filter(
    (e) => e.role === 'manifest' && !problems.some((p) => p.path === e.path),
  );
  problems.push(...(await checkLineage(index.artifacts, intact)));
  problems.push(...(await findExtras(root, listed, BUNDLE_INDEX)));
  return {
    ok: problems.length === 0,
    dir: root,
    name: index.name,
    checked: { artifacts: index.artifacts.length, manifests: index.manifests.length },
    problems,
  };
}

/**
 * Each artifact must be what its (intact) manifest records for that output: bundle.json and the
 * manifests it lists have to tell the same story.
 */
async function checkLineage(
  artifacts: ReadonlyArray<{ path: string; sha256: string; size: number; manifest?: string }>,
  manifests: readonly ExpectedFile[],
): Promise<VerifyProblem[]> {
  const problems: VerifyProblem[] = [];
  for (const entry of manifests) {
    let manifest: StepManifest;
    try {
      manifest = parseJson(await readFile(entry.absPath, 'utf8'), StepManifest, {
        file: entry.path,
      });
    } catch (error) {
      if (!isCairnError(error)) throw error;
      problems.push({
        kind: 'invalid',
        role: 'manifest',
        path: entry.path,
        message: error.message,
      });
      continue;
    }
    const prefix = `artifacts/${manifest.step_name}/`;
    for (const artifact of artifacts.filter((a) => a.manifest === entry.path)) {
      const output = artifact.path.startsWith(prefix)
        ? manifest.outputs[artifact.path.slice(prefix.length)]
        : undefined;
      if (output?.sha256 === artifact.sha256 && output.size === artifact.size) continue;
      problems.push({
        kind: 'invalid',
        role: 'artifact',
        path: artifact.path,
        message: `artifact ${artifact.path}: ${output ? 'differs from' : 'is not an output in'} its manifest ${entry.path}`,
      });
    }
  }
  return problems;
}

function unsafe(entry: { role: 'artifact' | 'manifest'; path: string }, message: string) {
  return { kind: 'unsafe' as const, role: entry.role, path: entry.path, message };
}

// Where the path really leads when that is outside the bundle; undefined when inside or missing.
async function symlinkEscape(realRoot: string, absPath: string): Promise<string | undefined> {
  let target: string;
  try {
    target = await realpath(absPath);
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
  const rel = relative(realRoot, target);
  const inside = rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
  return inside ? undefined : target;
}

export interface LoadedBundle {
  /** Absolute, symlink-free path of the bundle folder. */
  root: string;
  index: BundleIndex;
  /** Bundle path → absolute path of every artifact. */
  artifacts: Readonly<Record<string, string>>;
  manifests: ReadonlyArray<{ entry: BundleManifestEntry; path: string; manifest: StepManifest }>;
  /** The absolute path of an artifact listed in the index (throws for anything else). */
  resolve(path: string): string;
}

/** Verify a bundle, then give its files' absolute paths. Throws `CAIRN_BUNDLE_INVALID` if not ok. */
export async function loadBundle(
  dir: string,
  options: VerifyBundleOptions = {},
): Promise<LoadedBundle> {
  const verification = await verifyBundle(dir, options);
  if (!verification.ok) {
    const shown = verification.problems.slice(0, 10).map((p) => `  ${p.message}`);
    const more = verification.problems.length - shown.length;
    throw new CairnError(
      'CAIRN_BUNDLE_INVALID',
      [
        `bundle ${dir} failed verification:`,
        ...shown,
        ...(more > 0 ? [`  …and ${more} more`] : []),
      ].join('\n'),
      {
        hint: "run 'cairn bundle verify' for the full report",
        details: { problems: verification.problems },
      },
    );
  }
  const root = await realpath(verification.dir);
  // Verified: every path is safe, so the strict schema accepts the index.
  const index = parseJson(await readFile(join(root, BUNDLE_INDEX), 'utf8'), BundleIndex, {
    file: join(dir, BUNDLE_INDEX),
  });
  const artifacts: Record<string, string> = Object.fromEntries(
    index.artifacts.map((a) => [a.path, join(root, a.path)]),
  );
  const manifests = await Promise.all(
    index.manifests.map(async (entry) => {
      const path = join(root, entry.path);
      const manifest = parseJson(await readFile(path, 'utf8'), StepManifest, {
        file: join(dir, entry.path),
      });
      return { entry, path, manifest };
    }),
  );
  return {
    root,
    index,
    artifacts,
    manifests,
    resolve(path: string): string {
      const abs = artifacts[path];
      if (abs === undefined) {
        throw new CairnError('CAIRN_BUNDLE_UNKNOWN_PATH', `${path} is not an artifact of ${dir}`, {
          hint: `artifact paths look like artifacts/<step>/<output>; see ${BUNDLE_INDEX}`,
          details: { path },
        });
      }
      return abs;
    },
  };
}

function bundleExists(out: string): CairnError {
  return new CairnError('CAIRN_BUNDLE_EXISTS', `${out} already exists`, {
    hint: 'bundles are never overwritten: choose a new folder or remove the old bundle',
    details: { path: out },
  });
}

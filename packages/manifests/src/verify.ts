/**
 * `verifyManifest`: does the disk still hold what a manifest records? Every input and output
 * must exist with the recorded size and sha256, and the manifest's folder must hold nothing else.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { CairnError, type ProgressListener, parseJson, StepManifest } from '@cairn/types';
import { checkFiles, type ExpectedFile, findExtras, type VerifyProblem } from './check-files.js';
import { errnoOf, MANIFEST_FILE } from './files.js';

export interface LoadedManifest {
  /** Absolute path of the manifest file. */
  manifestPath: string;
  manifest: StepManifest;
  /** The file's bytes, as read. */
  bytes: Buffer;
}

/** Read and validate a manifest: `path` is the file, or the folder holding `manifest.json`. */
export async function readManifest(path: string): Promise<LoadedManifest> {
  let manifestPath = resolve(path);
  try {
    if ((await stat(manifestPath)).isDirectory()) manifestPath = join(manifestPath, MANIFEST_FILE);
    const bytes = await readFile(manifestPath);
    const manifest = parseJson(bytes.toString('utf8'), StepManifest, { file: path });
    return { manifestPath, manifest, bytes };
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') throw error;
    throw new CairnError('CAIRN_MANIFEST_MISSING', `no manifest at ${path}`, {
      hint: `pass a ${MANIFEST_FILE} file or a step folder that holds one`,
      details: { path },
    });
  }
}

export interface VerifyManifestOptions {
  /** Check the inputs too (default true); they may legitimately change after a step ran. */
  inputs?: boolean;
  /** Report files in the manifest's folder that it does not name (default true). */
  extras?: boolean;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

export interface ManifestVerification {
  ok: boolean;
  manifestPath: string;
  manifest: StepManifest;
  checked: { inputs: number; outputs: number };
  problems: VerifyProblem[];
}

/**
 * Check every output (relative to the manifest's folder) and input (relative to its
 * `inputs_root`) for presence, size and sha256, and list extra files in the folder.
 */
export async function verifyManifest(
  path: string,
  options: VerifyManifestOptions = {},
): Promise<ManifestVerification> {
  const { manifestPath, manifest } = await readManifest(path);
  const dir = dirname(manifestPath);
  const inputsRoot = resolve(dir, manifest.inputs_root);
  const expected: ExpectedFile[] = Object.entries(manifest.outputs).map(([rel, d]) => ({
    role: 'output',
    path: rel,
    absPath: join(dir, rel),
    sha256: d.sha256,
    size: d.size,
  }));
  const checkInputs = options.inputs ?? true;
  if (checkInputs) {
    for (const [rel, d] of Object.entries(manifest.inputs)) {
      expected.push({
        role: 'input',
        path: rel,
        absPath: join(inputsRoot, rel),
        sha256: d.sha256,
        size: d.size,
      });
    }
  }
  const problems = await checkFiles(expected, {
    onProgress: options.onProgress,
    progressId: 'verify:manifest',
    signal: options.signal,
  });
  if (options.extras ?? true) {
    const named = new Set([MANIFEST_FILE, ...Object.keys(manifest.outputs)]);
    if (manifestPath !== join(dir, MANIFEST_FILE)) named.add(manifestPath.slice(dir.length + 1));
    problems.push(...(await findExtras(dir, named, 'the manifest')));
  }
  return {
    ok: problems.length === 0,
    manifestPath,
    manifest,
    checked: {
      inputs: checkInputs ? Object.keys(manifest.inputs).length : 0,
      outputs: Object.keys(manifest.outputs).length,
    },
    problems,
  };
}

/** The file checks behind manifest and bundle verification. */
import { stat } from 'node:fs/promises';
import { hashFile } from '@cairn/core-io';
import type { ProgressListener } from '@cairn/types';
import { errnoOf, listFiles, mapLimit, short } from './files.js';

export type ProblemKind = 'missing' | 'changed' | 'extra' | 'unsafe' | 'invalid';
export type ProblemRole = 'input' | 'output' | 'artifact' | 'manifest' | 'file';

/** One thing verification found wrong; `message` names the file. */
export interface VerifyProblem {
  kind: ProblemKind;
  role: ProblemRole;
  /** The path as the manifest or index writes it (extras: relative to the checked folder). */
  path: string;
  message: string;
  expected?: { sha256: string; size: number };
  actual?: { sha256?: string; size: number };
}

export interface ExpectedFile {
  role: ProblemRole;
  path: string;
  absPath: string;
  sha256: string;
  size: number;
}

export interface CheckOptions {
  onProgress?: ProgressListener | undefined;
  progressId?: string;
  signal?: AbortSignal | undefined;
}

/** Each file must exist as a regular file with the expected size and sha256. */
export async function checkFiles(
  files: readonly ExpectedFile[],
  options: CheckOptions = {},
): Promise<VerifyProblem[]> {
  const { onProgress, signal } = options;
  const id = options.progressId ?? 'verify';
  onProgress?.({ type: 'start', id, label: 'Verifying files', total: files.length, unit: 'files' });
  let done = 0;
  const found = await mapLimit(files, async (file) => {
    const problem = await checkFile(file, signal);
    onProgress?.({ type: 'progress', id, done: ++done, total: files.length });
    return problem;
  });
  onProgress?.({ type: 'done', id, done });
  return found.filter((p): p is VerifyProblem => p !== undefined);
}

async function checkFile(
  file: ExpectedFile,
  signal: AbortSignal | undefined,
): Promise<VerifyProblem | undefined> {
  const expected = { sha256: file.sha256, size: file.size };
  const base = { role: file.role, path: file.path, expected };
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(file.absPath);
  } catch (error) {
    const code = errnoOf(error);
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
    return { ...base, kind: 'missing', message: `${file.role} ${file.path} is missing` };
  }
  if (!info.isFile()) {
    return {
      ...base,
      kind: 'changed',
      message: `${file.role} ${file.path} changed: it is no longer a regular file`,
    };
  }
  if (info.size !== file.size) {
    return {
      ...base,
      kind: 'changed',
      actual: { size: info.size },
      message: `${file.role} ${file.path} changed: ${info.size} bytes, expected ${file.size}`,
    };
  }
  const { sha256 } = await hashFile(file.absPath, {
    algorithms: ['sha256'],
    ...(signal ? { signal } : {}),
  });
  if (sha256 === file.sha256) return undefined;
  return {
    ...base,
    kind: 'changed',
    actual: { sha256, size: info.size },
    message: `${file.role} ${file.path} changed: sha256 ${short(sha256)}, expected ${short(file.sha256)}`,
  };
}

/** Every entry below `dir` (links and special files included) that is not in `named`. */
export async function findExtras(
  dir: string,
  named: ReadonlySet<string>,
  listedIn: string,
): Promise<VerifyProblem[]> {
  return (await listFiles(dir))
    .filter((f) => !named.has(f.path))
    .map((f) => ({
      kind: 'extra',
      role: 'file',
      path: f.path,
      message: `extra file ${f.path}: not named in ${listedIn}`,
    }));
}

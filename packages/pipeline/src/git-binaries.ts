/**
 * Files committed to git that belong in DVC: model weights, arrays, archives (by extension) and
 * anything larger than a limit. `cairn check-git-binaries` lists them so they can be moved to
 * the cache with `cairn add` before they bloat the git history.
 */
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { gitRaw } from '@cairn/core-io';
import { CairnError } from '@cairn/types';

/** Extensions of ML artifacts and binary data that git handles badly. */
export const DEFAULT_BINARY_EXTENSIONS: readonly string[] = [
  '.7z',
  '.arrow',
  '.bin',
  '.bz2',
  '.ckpt',
  '.db',
  '.feather',
  '.gz',
  '.h5',
  '.hdf5',
  '.joblib',
  '.keras',
  '.mat',
  '.model',
  '.npy',
  '.npz',
  '.onnx',
  '.orc',
  '.parquet',
  '.pb',
  '.pickle',
  '.pkl',
  '.pt',
  '.pth',
  '.rar',
  '.safetensors',
  '.sqlite',
  '.tar',
  '.tar.gz',
  '.tflite',
  '.tgz',
  '.xz',
  '.zip',
];

/** 1 MiB. */
export const DEFAULT_MAX_SIZE = 1024 * 1024;

export interface GitBinary {
  /** Repo-relative posix path. */
  path: string;
  size: number;
  /** Why it is listed: its extension, its size, or both. */
  reasons: Array<'extension' | 'size'>;
}

export interface CheckGitBinariesOptions {
  /** The git work tree (absolute). */
  root: string;
  /** Files larger than this many bytes are listed whatever their extension. */
  maxSize?: number;
  /** Extensions (with or without the dot, case-insensitive) to list whatever their size. */
  extensions?: readonly string[];
}

/** Parses `1MB`, `500k`, `2GiB`, `1048576` (K/M/G are powers of 1024). */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?\s*$/i.exec(text);
  if (!m) {
    throw new CairnError('CAIRN_USAGE', `invalid size '${text}'`, {
      hint: 'use a number of bytes or a size like 500KB, 1MB, 2GB',
      exitCode: 2,
    });
  }
  const power = ' kmgt'.indexOf((m[2] ?? '').toLowerCase() || ' ');
  return Math.round(Number(m[1]) * 1024 ** power);
}

function normalizeExtensions(extensions: readonly string[]): string[] {
  return extensions.map((e) => (e.startsWith('.') ? e : `.${e}`).toLowerCase());
}

/** Tracked files (`git ls-files`) with a listed extension or above the size limit. */
export async function checkGitBinaries(options: CheckGitBinariesOptions): Promise<GitBinary[]> {
  const maxSize = options.maxSize ?? DEFAULT_MAX_SIZE;
  const extensions = normalizeExtensions(options.extensions ?? DEFAULT_BINARY_EXTENSIONS);
  const listed = (await gitRaw(['ls-files', '-z'], { cwd: options.root }))
    .toString('utf8')
    .split('\0')
    .filter(Boolean);
  const found: GitBinary[] = [];
  for (const path of [...new Set(listed)]) {
    let size: number;
    try {
      const stat = await lstat(join(options.root, path));
      if (!stat.isFile()) continue;
      size = stat.size;
    } catch {
      continue; // deleted in the work tree
    }
    const lower = path.toLowerCase();
    const reasons: GitBinary['reasons'] = [];
    if (extensions.some((e) => lower.endsWith(e))) reasons.push('extension');
    if (size > maxSize) reasons.push('size');
    if (reasons.length > 0) found.push({ path, size, reasons });
  }
  return found;
}

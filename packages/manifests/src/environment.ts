/** What a manifest records about where it was made: git state, host and runtime versions. */
import { readFile } from 'node:fs/promises';
import { arch, hostname, platform, release } from 'node:os';
import { join } from 'node:path';
import { headSha, isDirty } from '@cairn/core-io';
import type { RuntimeInfo } from '@cairn/types';

export interface GitState {
  git_sha: string | null;
  git_dirty: boolean | null;
}

/** HEAD and whether tracked files differ from it; nulls outside a git work tree (or without git). */
export async function gitState(root: string): Promise<GitState> {
  let dirty: boolean;
  try {
    dirty = await isDirty(root);
  } catch {
    return { git_sha: null, git_dirty: null };
  }
  // A repository without commits has no HEAD but can still be dirty.
  return { git_sha: (await headSha(root)) ?? null, git_dirty: dirty };
}

let ownVersion: string | undefined;

/**
 * The version of this package (the `cairn` field of the runtime record). Inside the bundled
 * `cairn` binary this module sits in @cairn/cli's `bin/`, so the version is the CLI's release.
 */
export async function cairnVersion(): Promise<string> {
  ownVersion ??= (await readPackageJson(new URL('../package.json', import.meta.url))).version;
  return ownVersion ?? '0.0.0';
}

export function hostName(): string {
  return hostname();
}

/**
 * Runtime versions. `packages` holds the installed version of each dependency named in
 * `<root>/package.json` that is present in `<root>/node_modules`, then `extra` on top.
 */
export async function runtimeInfo(
  root: string,
  extra: Record<string, string> = {},
): Promise<RuntimeInfo> {
  return {
    node: process.version,
    os: `${platform()} ${release()} ${arch()}`,
    cairn: await cairnVersion(),
    packages: { ...(await installedDependencies(root)), ...extra },
  };
}

async function installedDependencies(root: string): Promise<Record<string, string>> {
  const project = await readPackageJson(join(root, 'package.json'));
  const names = [
    ...new Set([...keysOf(project.dependencies), ...keysOf(project.devDependencies)]),
  ].sort();
  const versions = await Promise.all(
    names.map(
      async (name) =>
        [
          name,
          (await readPackageJson(join(root, 'node_modules', name, 'package.json'))).version,
        ] as const,
    ),
  );
  return Object.fromEntries(versions.filter((entry): entry is [string, string] => !!entry[1]));
}

function keysOf(value: unknown): string[] {
  return value !== null && typeof value === 'object' ? Object.keys(value) : [];
}

interface PackageJson {
  version?: string;
  dependencies?: Record<string, unknown>;
  devDependencies?: Record<string, unknown>;
}

// A missing or unreadable package.json only means there is nothing to record.
async function readPackageJson(path: string | URL): Promise<PackageJson> {
  try {
    const value: unknown = JSON.parse(await readFile(path, 'utf8'));
    return value !== null && typeof value === 'object' ? (value as PackageJson) : {};
  } catch {
    return {};
  }
}

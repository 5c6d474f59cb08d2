/**
 * `cairn doctor`: what a bug report needs — versions, platform, which link types work between
 * the cache and the workspace here, and the configured remotes (URLs with secrets redacted).
 */
import { arch, platform, release } from 'node:os';
import { detectLinkTypes, git, makeDirsSync, SHARED_DIR_MODE } from '@cairn/core-io';
import type { LinkType } from '@cairn/types';
import { Repo } from './repo.js';

export interface DoctorReport {
  cairn: string;
  node: string;
  platform: string;
  git: string | null;
  repo: {
    root: string;
    scm: 'git' | null;
    cacheDir: string;
    /** `cache.type` as configured (DVC's default when unset). */
    cacheTypes: LinkType[];
    /** Which link types work between the cache and the workspace on this machine. */
    supportedLinkTypes: Record<LinkType, boolean>;
    remotes: { name: string; url: string; default: boolean }[];
  } | null;
}

export async function doctor(
  cwd: string,
  cairnVersion: string,
  env = process.env,
): Promise<DoctorReport> {
  let gitVersion: string | null = null;
  try {
    gitVersion = (await git(['--version'], { cwd })).replace(/^git version /, '');
  } catch {
    gitVersion = null;
  }
  let repo: Repo | undefined;
  try {
    repo = Repo.open(cwd, { env });
  } catch {
    repo = undefined;
  }
  const base = {
    cairn: cairnVersion,
    node: process.version,
    platform: `${platform()}-${release()}-${arch()}`,
    git: gitVersion,
  };
  if (!repo) return { ...base, repo: null };
  makeDirsSync(repo.cacheDir, repo.cacheShared ? SHARED_DIR_MODE : undefined);
  return {
    ...base,
    repo: {
      root: repo.root,
      scm: repo.usesGit ? 'git' : null,
      cacheDir: repo.cacheDir,
      cacheTypes: repo.linkTypes,
      supportedLinkTypes: await detectLinkTypes(repo.cacheDir, repo.root),
      remotes: repo
        .remotes()
        .map((r) => ({ name: r.name, url: redactUrl(r.url), default: r.isDefault })),
    },
  };
}

/** Drops `user:password@` from URLs; other secrets never live in `url`. */
export function redactUrl(url: string): string {
  return url.replace(/^(\w+:\/\/)([^/@]*)@/, (_, scheme: string, auth: string) =>
    auth.includes(':') ? `${scheme}${auth.split(':')[0]}:***@` : `${scheme}${auth}@`,
  );
}

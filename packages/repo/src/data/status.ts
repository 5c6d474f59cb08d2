/**
 * `cairn status`: what changed in the workspace against pointer files and `dvc.lock`, in DVC's
 * result shape: `{ stage: [{ "changed deps": {path: status} }, { "changed outs": {...} }] }`.
 */
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { isDirOid } from '@cairn/cache';
import { formatStatus as formatPipelineStatus } from '@cairn/pipeline';
import type { DataContext } from './context.js';
import { type PathSummary, summarizePath } from './hash-path.js';
import { type TrackedEntry, toPosix } from './outputs.js';

export type ChangeKind = 'modified' | 'deleted' | 'new' | 'not in cache';
export type StageStatusItem =
  | { 'changed deps': Record<string, ChangeKind | Record<string, 'modified' | 'deleted' | 'new'>> }
  | { 'changed outs': Record<string, ChangeKind> }
  | string;
export type StatusReport = Record<string, StageStatusItem[]>;

/** How one entry differs from the workspace, or undefined when it matches. */
export async function entryChange(
  ctx: DataContext,
  entry: TrackedEntry,
): Promise<ChangeKind | undefined> {
  if (entry.entry.path.includes('://')) return undefined; // external URLs are not checked locally
  const current = await summarizePath(ctx, entry.path, entry.hashName);
  if (current === undefined) return 'deleted';
  if (entry.oid === undefined) return 'new';
  const value = current.kind === 'file' ? current.md5 : current.oid;
  if (value !== entry.oid) return 'modified';
  if (entry.kind === 'out' && entry.cached && !(await inCache(ctx, entry, current))) {
    return 'not in cache';
  }
  return undefined;
}

async function inCache(
  ctx: DataContext,
  entry: TrackedEntry,
  current: PathSummary,
): Promise<boolean> {
  const oid = entry.oid as string;
  if (!existsSync(ctx.store.path(oid, entry.hashName))) return false;
  if (current.kind !== 'dir' || !isDirOid(oid)) return true;
  return ctx.store.hasTreeContents(current.oid, undefined, {
    hashName: entry.hashName,
    memo: ctx.memos,
  });
}

export async function computeStatus(
  ctx: DataContext,
  entries: readonly TrackedEntry[],
  cwd: string,
): Promise<StatusReport> {
  const report: StatusReport = {};
  const byStage = new Map<
    string,
    { deps: Record<string, ChangeKind>; outs: Record<string, ChangeKind> }
  >();
  ctx.warmPoolFor(entries);
  for (const entry of entries) {
    const change = await entryChange(ctx, entry);
    if (change === undefined) continue;
    let stage = byStage.get(entry.stage);
    if (!stage) {
      stage = { deps: {}, outs: {} };
      byStage.set(entry.stage, stage);
    }
    const display = toPosix(relative(cwd, entry.path)) || '.';
    (entry.kind === 'dep' ? stage.deps : stage.outs)[display] = change;
  }
  for (const [name, { deps, outs }] of byStage) {
    const items: StageStatusItem[] = [];
    if (Object.keys(deps).length > 0) items.push({ 'changed deps': deps });
    if (Object.keys(outs).length > 0) items.push({ 'changed outs': outs });
    report[name] = items;
  }
  return report;
}

/** DVC's text rendering: one tab per level, leaves as `<status>:` padded to 20 + path. */
export function formatStatus(report: StatusReport): string {
  // Same shape as the pipeline's entries (a stage name → its change groups), typed loosely here.
  return Object.keys(report).length === 0
    ? ''
    : formatPipelineStatus(report as Parameters<typeof formatPipelineStatus>[0]);
}

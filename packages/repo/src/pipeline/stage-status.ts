/**
 * The pipeline half of `cairn status`: each stage of the workspace's dvc.yaml files against its
 * dvc.lock entry (changed command, deps, params, outs; always changed), as `dvc status` reports.
 */
import {
  findTargets,
  loadPipeline,
  readLock,
  type Stage,
  type StatusEntry,
  stageStatus,
  workspaceSource,
} from '@cairn/pipeline';
import type { DataContext } from '../data/context.js';
import { measureStage } from './stage-state.js';

/** Stage addressing → changes; stages that are up to date are left out. */
export async function pipelineStatus(
  ctx: DataContext,
  targets: readonly string[],
  cwdRel: string,
): Promise<{ stages: Stage[]; report: Record<string, StatusEntry[]> }> {
  const root = ctx.repo.root;
  const source = workspaceSource(root);
  const pipeline = await loadPipeline({ root, source, pointers: false });
  const stages =
    targets.length === 0
      ? pipeline.stages
      : targets
          .flatMap((t) => {
            try {
              return findTargets(pipeline, t, cwdRel ? { cwd: cwdRel } : {});
            } catch {
              return []; // a target that is not a stage (a pointer or a plain path)
            }
          })
          .filter((n): n is Stage => n.kind === 'stage');
  const report: Record<string, StatusEntry[]> = {};
  for (const stage of stages) {
    const lock = (await readLock(source, stage.dvcfile))?.stages[stage.name];
    const { state } = await measureStage(ctx, root, source, stage, lock);
    const changes = stageStatus(stage, lock, state);
    if (changes.length > 0) report[stage.addressing] = changes;
  }
  return { stages, report };
}

import { listRuns } from '@cairn/manifests';
import { NameSegment, usageError } from '@cairn/types';
import { defineCommand } from '../command.js';

export default defineCommand({
  name: 'runs list',
  summary: 'List the run folders under runs/, oldest first, with the status of each step.',
  options: {
    experiment: {
      type: 'string',
      short: 'e',
      valueName: '<name>',
      description: 'Only the runs of this experiment.',
    },
  },
  examples: ['cairn runs list', 'cairn runs list --experiment mnist --json'],
  async run({ cwd, options }) {
    const { experiment } = options;
    if (experiment !== undefined && !NameSegment.safeParse(experiment).success) {
      throw usageError(
        `invalid --experiment '${experiment}'`,
        'experiment names are one folder name',
      );
    }
    const runs = await listRuns({ root: cwd, ...(experiment === undefined ? {} : { experiment }) });
    if (runs.length === 0) return { data: { runs }, text: 'No runs.' };
    const rows = runs.map((r) => [
      r.experiment,
      r.runId,
      r.createdAt,
      r.steps.map((s) => `${s.name} (${s.status})`).join(', ') || '-',
    ]);
    const header = ['EXPERIMENT', 'RUN', 'CREATED', 'STEPS'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
    const line = (cells: string[]) =>
      cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 2))).join('');
    return { data: { runs }, text: [line(header), ...rows.map(line)].join('\n') };
  },
});

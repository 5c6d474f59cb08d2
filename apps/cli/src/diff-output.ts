/** What `metrics diff` and `params diff` share: warnings, cwd-relative paths, the table. */
import type { Writable } from 'node:stream';
import { type DiffOutcome, diffTable, diffToJson, renderTable } from '@cairn/pipeline';
import type { CommandResult, PositionalSpec } from './command.js';
import type { PipelineContext } from './pipeline-context.js';

/** DVC warns about revisions (or files) it could not read, and goes on. */
export function revisionWarnings(
  errors: DiffOutcome['errors'],
  stderr: Writable,
  what: 'metrics' | 'params',
): void {
  if (errors.length === 0) return;
  const lines = [
    `warning: failed to load some ${what} for following revisions: '${errors.map((e) => e.rev).join(', ')}'.`,
  ];
  for (const e of errors) {
    if (e.error) lines.push(`  ${e.rev}: ${e.error.message}`);
    for (const [file, error] of e.fileErrors) lines.push(`  ${e.rev}: ${file}: ${error.message}`);
  }
  stderr.write(`${lines.join('\n')}\n`);
}

export interface DiffOutputOptions {
  what: 'metrics' | 'params';
  aRev: string | undefined;
  bRev: string | undefined;
  precision?: number;
  markdown: boolean;
  noPath: boolean;
  stderr: Writable;
  /** The Change column (default: metrics only, as `metrics diff` / `params diff` show it). */
  showChanges?: boolean;
  /** The Change cell of values that are not numbers (default `-`). */
  onEmptyDiff?: string;
}

/**
 * One diff as DVC shows it (paths relative to the cwd): warnings for unreadable revisions on
 * stderr, then DVC's JSON and its table.
 */
export function renderDiff(
  outcome: DiffOutcome,
  ctx: PipelineContext,
  options: DiffOutputOptions,
): { json: ReturnType<typeof diffToJson>; text: string } {
  revisionWarnings(outcome.errors, options.stderr, options.what);
  const shown = Object.fromEntries(
    Object.entries(outcome.diff).map(([path, d]) => [ctx.display(path), d]),
  );
  const table = diffTable(shown, {
    title: options.what === 'metrics' ? 'Metric' : 'Param',
    showChanges: options.showChanges ?? options.what === 'metrics',
    noPath: options.noPath,
    ...(options.precision === undefined ? {} : { precision: options.precision }),
    ...(options.onEmptyDiff === undefined ? {} : { onEmptyDiff: options.onEmptyDiff }),
    ...(options.aRev ? { aRev: options.aRev } : {}),
    ...(options.bRev ? { bRev: options.bRev } : {}),
  });
  return { json: diffToJson(shown), text: renderTable(table, { markdown: options.markdown }) };
}

/** The result of a diff command: DVC's JSON, or its table. */
export function diffOutput(
  outcome: DiffOutcome,
  ctx: PipelineContext,
  options: DiffOutputOptions,
): CommandResult {
  const { json, text } = renderDiff(outcome, ctx, options);
  return { data: json, text };
}

/** The flags both diff commands take (`--all`, `--targets`, `--md`, `--no-path`). */
export function diffOptions(what: 'metrics' | 'params') {
  return {
    all: { type: 'boolean', description: `Show unchanged ${what} too.` },
    targets: {
      type: 'string',
      multiple: true,
      valueName: '<file>',
      description: `${what === 'metrics' ? 'Metrics' : 'Params'} files to compare instead of the pipeline’s (repeatable).`,
    },
    md: { type: 'boolean', description: 'Print a Markdown table.' },
    'no-path': { type: 'boolean', description: 'Leave out the Path column.' },
  } as const;
}

export const REVISION_POSITIONALS: PositionalSpec[] = [
  { name: 'a_rev', description: 'Old revision (default HEAD).' },
  { name: 'b_rev', description: 'New revision (default workspace).' },
];

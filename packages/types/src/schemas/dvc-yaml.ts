import { z } from 'zod';

/**
 * `dvc.yaml` as written by the user, before `${...}` interpolation and `foreach`/`matrix`
 * expansion (dvc/schema.py MULTI_STAGE_SCHEMA). Values that DVC allows to be templated are strings.
 */

const Flags = {
  cache: z.boolean().optional(),
  persist: z.boolean().optional(),
  remote: z.string().optional(),
  push: z.boolean().optional(),
  checkpoint: z.boolean().optional(),
  desc: z.string().optional(),
  type: z.string().optional(),
  labels: z.array(z.string()).optional(),
  meta: z.unknown().optional(),
};
export const OutFlags = z.strictObject(Flags);
export type OutFlags = z.output<typeof OutFlags>;

const PlotAxis = z.union([z.string(), z.record(z.string(), z.string())]);
const PlotYAxis = z.union([
  z.string(),
  z.array(z.string()),
  z.record(z.string(), z.union([z.string(), z.array(z.string())])),
]);
const PlotProps = {
  template: z.string().optional(),
  x: PlotAxis.optional(),
  y: PlotYAxis.optional(),
  x_label: z.string().optional(),
  y_label: z.string().optional(),
  title: z.string().optional(),
  header: z.boolean().optional(),
};
export const PlotFlags = z.strictObject({ ...Flags, ...PlotProps });
export type PlotFlags = z.output<typeof PlotFlags>;

/** `- path` or `- path: {flags}` (a one-key mapping). */
function pathWith<T extends z.ZodType>(flags: T) {
  return z.union([
    z.string().min(1),
    z
      .record(z.string().min(1), flags.nullable())
      .refine((r) => Object.keys(r).length === 1, 'expected exactly one path per entry'),
  ]);
}
export const OutDefinition = pathWith(OutFlags);
export const PlotOutDefinition = pathWith(PlotFlags);

/** `- key` (of params.yaml) or `- file.yaml: [keys]` / `- file.yaml:` (whole file). */
export const ParamsDefinition = z.union([
  z.string().min(1),
  z.record(z.string().min(1), z.array(z.string()).nullable()),
]);

/** `vars` items: a file path (optionally `file:key1,key2`) or an inline mapping. */
export const VarsDefinition = z.union([z.string().min(1), z.record(z.string(), z.unknown())]);

export const StageDefinition = z.strictObject({
  cmd: z.union([z.string(), z.array(z.string()).min(1)]),
  wdir: z.string().optional(),
  deps: z.array(z.string().min(1)).optional(),
  params: z.array(ParamsDefinition).optional(),
  outs: z.array(OutDefinition).optional(),
  metrics: z.array(OutDefinition).optional(),
  plots: z.array(PlotOutDefinition).optional(),
  vars: z.array(VarsDefinition).optional(),
  frozen: z.boolean().optional(),
  always_changed: z.boolean().optional(),
  meta: z.unknown().optional(),
  desc: z.string().optional(),
  matrix: z.record(z.string(), z.union([z.string(), z.array(z.unknown())])).optional(),
});
export type StageDefinition = z.output<typeof StageDefinition>;

export const ForeachDefinition = z.strictObject({
  foreach: z.union([z.string(), z.array(z.unknown()), z.record(z.string(), z.unknown())]),
  do: StageDefinition,
});
export type ForeachDefinition = z.output<typeof ForeachDefinition>;

export const TopLevelPlot = z.union([
  z.string().min(1),
  z.record(z.string().min(1), z.strictObject(PlotProps).nullable()),
]);

export const DvcYaml = z.strictObject({
  stages: z.record(z.string(), z.union([StageDefinition, ForeachDefinition])).optional(),
  vars: z.array(VarsDefinition).optional(),
  params: z.array(z.string()).optional(),
  metrics: z.array(z.string()).optional(),
  plots: z.array(TopLevelPlot).optional(),
  artifacts: z
    .record(
      z.string(),
      z.strictObject({
        path: z.string(),
        desc: z.string().optional(),
        type: z.string().optional(),
        labels: z.array(z.string()).optional(),
        meta: z.unknown().optional(),
      }),
    )
    .optional(),
  datasets: z.array(z.record(z.string(), z.unknown())).optional(),
});
export type DvcYaml = z.output<typeof DvcYaml>;

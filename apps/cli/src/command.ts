/**
 * A command is a typed definition: name, flags, positionals and a handler that returns data.
 * The handler never prints; `main` renders its result as text or JSON.
 */
import type { Writable } from 'node:stream';
import type { ProgressListener } from '@cairn/types';

export interface BooleanOption {
  type: 'boolean';
  short?: string;
  description: string;
}
export interface StringOption {
  type: 'string';
  short?: string;
  multiple?: boolean;
  /** Shown in help, e.g. `<remote>`. */
  valueName?: string;
  description: string;
}
export type OptionSpec = BooleanOption | StringOption;
export type OptionsSpec = Record<string, OptionSpec>;

/** The parsed values of an options spec: booleans, strings, or string lists. */
export type OptionValues<O extends OptionsSpec> = {
  [K in keyof O]: O[K] extends BooleanOption
    ? boolean
    : O[K] extends { multiple: true }
      ? string[]
      : string | undefined;
};

export interface PositionalSpec {
  name: string;
  description: string;
  required?: boolean;
  /** Takes all remaining positionals (must be last). */
  variadic?: boolean;
  /**
   * With `variadic`: from the first positional on, every argument is taken as it is, options
   * included (argparse's REMAINDER): `cairn stage add -n x python train.py --lr 0.1`.
   */
  remainder?: boolean;
}

export interface CommandContext<O extends OptionsSpec> {
  options: OptionValues<O>;
  positionals: string[];
  /** The working directory (after `--cd`). */
  cwd: string;
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  env: NodeJS.ProcessEnv;
  stdout: Writable;
  stderr: Writable;
  /** Progress events; rendered as bars on a TTY, silent otherwise. */
  onProgress: ProgressListener;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
}

export interface CommandResult {
  /** The `--json` document. */
  data: unknown;
  /** Human output for stdout; omitted with `--json` and `--quiet`. */
  text?: string;
  /** Defaults to 0. Non-zero results still print their data. */
  exitCode?: number;
}

export interface CommandDefinition<O extends OptionsSpec = OptionsSpec> {
  /** Full name including parents, e.g. `remote add`. */
  name: string;
  summary: string;
  description?: string;
  options: O;
  positionals?: PositionalSpec[];
  /** Exit codes beyond the common ones (0, 1, 2, 130), for help and docs. */
  exitCodes?: Record<number, string>;
  examples?: string[];
  run(context: CommandContext<O>): Promise<CommandResult>;
}

/** Identity helper that infers the options type for the handler. */
export function defineCommand<O extends OptionsSpec>(
  definition: CommandDefinition<O>,
): CommandDefinition<O> {
  return definition;
}

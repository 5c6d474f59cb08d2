/**
 * The one base error of Cairn. Every error a user can see carries a stable `code`
 * (documented in the package that throws it), a human `message`, and optionally a `hint`
 * (what to do about it). The CLI prints `message` and `hint`, and maps the error to an exit code.
 */

/** Stable, greppable error codes: `CAIRN_` followed by upper-case words. */
export type CairnErrorCode = `CAIRN_${Uppercase<string>}`;

/** Documented process exit codes shared by every `cairn` command. */
export const ExitCode = {
  ok: 0,
  /** The command ran and failed, or (for `status -q` style checks) found something to report. */
  failure: 1,
  /** Bad command line: unknown command or flag, missing argument. */
  usage: 2,
  /** Interrupted by SIGINT/SIGTERM. */
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface CairnErrorOptions {
  /** What the user can do about it, printed after the message. */
  hint?: string;
  cause?: unknown;
  /** Structured facts for `--json` output (paths, counts). Never secrets. */
  details?: Record<string, unknown>;
  /** Exit code the CLI uses for this error; defaults to 1 (failure). */
  exitCode?: ExitCode;
}

export class CairnError extends Error {
  override readonly name: string = 'CairnError';
  readonly code: CairnErrorCode;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  readonly exitCode: ExitCode;

  constructor(code: CairnErrorCode, message: string, options: CairnErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
    this.exitCode = options.exitCode ?? ExitCode.failure;
  }

  /** A plain object for `--json` output. */
  toJSON(): {
    code: CairnErrorCode;
    message: string;
    hint?: string;
    details?: Record<string, unknown>;
  } {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

/** True for any Cairn error, also across duplicated copies of this package (checks the shape). */
export function isCairnError(value: unknown): value is CairnError {
  if (value instanceof CairnError) return true;
  if (!(value instanceof Error)) return false;
  const { code, exitCode } = value as Error & { code?: unknown; exitCode?: unknown };
  return typeof code === 'string' && code.startsWith('CAIRN_') && typeof exitCode === 'number';
}

/** A usage error (exit code 2): bad flags, unknown command, missing argument. */
export function usageError(message: string, hint?: string): CairnError {
  return new CairnError('CAIRN_USAGE', message, {
    exitCode: ExitCode.usage,
    ...(hint === undefined ? {} : { hint }),
  });
}

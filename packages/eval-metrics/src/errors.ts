import { CairnError, type CairnErrorOptions, ExitCode } from '@cairn/types';

/** Every code this package throws; each is documented in the README. */
export type MetricsErrorCode =
  | 'CAIRN_METRICS_EMPTY'
  | 'CAIRN_METRICS_LENGTH_MISMATCH'
  | 'CAIRN_METRICS_NAN'
  | 'CAIRN_METRICS_NOT_FINITE'
  | 'CAIRN_METRICS_UNKNOWN_LABEL'
  | 'CAIRN_METRICS_OUT_OF_RANGE'
  | 'CAIRN_METRICS_ONE_CLASS'
  | 'CAIRN_METRICS_BAD_OPTION'
  | 'CAIRN_METRICS_PARSE';

/** Invalid input to a metric. `details` names the argument, and the index and value when there is one. */
export class MetricsError extends CairnError {
  override readonly name: string = 'MetricsError';
  declare readonly code: MetricsErrorCode;

  constructor(code: MetricsErrorCode, message: string, options: CairnErrorOptions = {}) {
    super(code, message, options);
  }
}

/** How a value is shown in a message: numbers as JavaScript prints them, strings quoted. */
export function describeValue(value: unknown): string {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 37)}...` : value;
    return JSON.stringify(shown);
  }
  if (value === null || value === undefined || typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  return Array.isArray(value) ? 'a list' : `a ${typeof value}`;
}

/** A bad option (unknown metric, conflicting arguments): a usage error, exit code 2 in the CLI. */
export function badOption(message: string, hint?: string): MetricsError {
  return new MetricsError('CAIRN_METRICS_BAD_OPTION', message, {
    exitCode: ExitCode.usage,
    ...(hint === undefined ? {} : { hint }),
  });
}

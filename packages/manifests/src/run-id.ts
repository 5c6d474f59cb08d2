/**
 * Run ids name run folders: `20261125T101502Z` is the ISO 8601 basic format of the UTC second the
 * run was created (`YYYYMMDDTHHMMSSZ`: no `:` or `-`, so safe on every filesystem, and ids of
 * one experiment sort by time as plain strings); runs created in the same second get `-1`, `-2`…
 */
const RUN_ID = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z(?:-([1-9]\d{0,8}))?$/;

/** `20261125T101502Z` for the UTC second of `date` (milliseconds dropped). */
export function formatRunTimestamp(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('invalid date');
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** The run id for `date` and a same-second sequence number (0 for the first run). */
export function runIdFor(date: Date, sequence: number): string {
  const stamp = formatRunTimestamp(date);
  return sequence === 0 ? stamp : `${stamp}-${sequence}`;
}

export interface ParsedRunId {
  /** The second the run was created (UTC). */
  createdAt: Date;
  /** 0 for `…Z`, n for `…Z-n`. */
  sequence: number;
}

/** Reads a run folder's name; undefined when it is not a run id. */
export function parseRunId(name: string): ParsedRunId | undefined {
  const m = RUN_ID.exec(name);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, seq] = m;
  const createdAt = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
  if (Number.isNaN(createdAt.getTime()) || formatRunTimestamp(createdAt) !== name.slice(0, 16)) {
    return undefined;
  }
  return { createdAt, sequence: seq === undefined ? 0 : Number(seq) };
}

/** Orders run ids by creation second, then sequence (`…Z` < `…Z-1` < `…Z-2` < `…Z-10`). */
export function compareRunIds(a: string, b: string): number {
  const pa = parseRunId(a);
  const pb = parseRunId(b);
  if (!pa || !pb) return a < b ? -1 : a > b ? 1 : 0;
  return pa.createdAt.getTime() - pb.createdAt.getTime() || pa.sequence - pb.sequence;
}

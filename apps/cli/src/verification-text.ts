/** Text for the verification commands (`manifest verify`, `bundle verify`). */
import type { VerifyProblem } from '@cairn/manifests';

export function verificationText(problems: readonly VerifyProblem[], ok: string, subject: string) {
  if (problems.length === 0) return `OK: ${ok}`;
  return [
    ...problems.map((p) => `${p.kind.padEnd(8)}${p.message}`),
    '',
    `FAILED: ${plural(problems.length, 'problem')} in ${subject}`,
  ].join('\n');
}

/** `1 file`, `2 files`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * Hard links made in bulk, shared by the `HashPool` workers and the calling thread: a fresh
 * checkout of many small objects is one `link` call per file, like `cp -al`. Only Node built-ins.
 */
import { linkSync } from 'node:fs';

/** Failed pairs: their indexes, and the error code of each (`EEXIST`, `EXDEV`, …). */
export interface LinkFailures {
  failed: number[];
  codes: string[];
}

/** Links `dsts[i]` to `srcs[i]`; a pair that fails is reported, and the rest still linked. */
export function linkBatch(srcs: readonly string[], dsts: readonly string[]): LinkFailures {
  const failures: LinkFailures = { failed: [], codes: [] };
  for (let i = 0; i < srcs.length; i++) {
    try {
      linkSync(srcs[i] as string, dsts[i] as string);
    } catch (error) {
      const { code } = error as { code?: unknown };
      failures.failed.push(i);
      failures.codes.push(typeof code === 'string' ? code : 'EUNKNOWN');
    }
  }
  return failures;
}

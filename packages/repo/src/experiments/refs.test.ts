import { describe, expect, it } from 'vitest';
import { expRefName, parseExpRef } from './refs.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';

describe('experiment refs', () => {
  it("use DVC's layout refs/exps/<sha[0:2]>/<sha[2:]>/<name>", () => {
    const ref = expRefName(SHA, 'brisk-otter');
    expect(ref).toBe('refs/exps/01/23456789abcdef0123456789abcdef01234567/brisk-otter');
    expect(parseExpRef(ref)).toEqual({ baseline: SHA, name: 'brisk-otter' });
  });

  it("skip DVC's internal refs and anything malformed", () => {
    for (const ref of [
      'refs/exps/stash',
      'refs/exps/exec/EXEC_BRANCH',
      'refs/exps/celery/failed',
      'refs/exps/apply/ORIG_HEAD',
      'refs/exps/01/23456789abcdef0123456789abcdef01234567',
      'refs/exps/01/xyz/name',
      'refs/heads/main',
      `refs/exps/01/23456789abcdef0123456789abcdef01234567/a/b`,
    ]) {
      expect(parseExpRef(ref), ref).toBeUndefined();
    }
  });
});

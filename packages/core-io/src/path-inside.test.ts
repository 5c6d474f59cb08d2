import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertInside } from './path-inside.js';

describe('assertInside', () => {
  it('resolves relative paths that stay inside the root', () => {
    expect(assertInside('/repo', 'data/file.csv')).toBe(join('/repo', 'data/file.csv'));
    expect(assertInside('/repo', './a//b')).toBe(join('/repo', 'a/b'));
    expect(assertInside('/repo', 'dir..name/x..y')).toBe(join('/repo', 'dir..name/x..y'));
  });

  it.each([
    ['../outside', 'leaves its root'],
    ['data/../../outside', 'leaves its root'],
    ['data/..', 'leaves its root'],
    ['a\\..\\..\\b', 'leaves its root'],
    ['/etc/passwd', 'is absolute'],
    ['C:\\Windows', 'is absolute'],
    ['\\\\server\\share', 'is absolute'],
    ['a\0b', 'NUL'],
  ])('rejects %j with CAIRN_PATH_ESCAPE', (path, reason) => {
    expect(() => assertInside('/repo', path)).toThrow(
      expect.objectContaining({
        code: 'CAIRN_PATH_ESCAPE',
        message: expect.stringContaining(reason),
        details: { root: '/repo', path },
      }),
    );
  });
});

import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertInside, isPlainRelative } from './path-inside.js';

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

describe('isPlainRelative', () => {
  it('accepts only paths with nothing to resolve', () => {
    for (const plain of ['a', 'a/b.c', '.hidden/x', '..x/y..', 'dir with space/é', 'a\\b'])
      expect(isPlainRelative(plain)).toBe(true);
    for (const odd of [
      '',
      '.',
      '..',
      'a/./b',
      'a//b',
      'a/',
      '/a',
      'a/..',
      'a\\..\\b',
      'C:x',
      'a\0b',
    ])
      expect(isPlainRelative(odd)).toBe(false);
  });

  it('gives assertInside the same answer as resolving, for any root and path', () => {
    const parts = ['a', 'b', '.', '..', '', 'C:', 'x\\', '\\', 'é'];
    const roots = ['/repo', '/repo/', '/a/./b', '/', '/a//b/..'];
    let seed = 7;
    const pick = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let i = 0; i < 5000; i++) {
      const rel = Array.from({ length: 1 + pick(4) }, () => parts[pick(parts.length)]).join('/');
      const root = roots[pick(roots.length)] as string;
      let got: string | undefined;
      try {
        got = assertInside(root, rel);
      } catch {
        expect(isPlainRelative(rel)).toBe(false);
        continue;
      }
      expect(got).toBe(resolve(root, rel));
    }
  });
});

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/helpers.js';
import { fnmatch, globPaths } from './glob.js';

describe('fnmatch', () => {
  it("matches like Python's fnmatchcase", () => {
    expect(fnmatch('train-*', 'train-lr')).toBe(true);
    expect(fnmatch('train-?', 'train-ab')).toBe(false);
    expect(fnmatch('[ab]*.csv', 'b1.csv')).toBe(true);
    expect(fnmatch('[!ab]*.csv', 'b1.csv')).toBe(false);
    expect(fnmatch('*.csv', 'a.CSV')).toBe(false);
    expect(fnmatch('a.b', 'axb')).toBe(false);
  });
});

describe('globPaths', () => {
  it("expands like Python's glob(recursive=True): hidden names only when asked for", async () => {
    const dir = await tempDir();
    for (const path of [
      'a.csv',
      'b.csv',
      '.hidden.csv',
      'data/c.csv',
      'data/deep/d.csv',
      'data/.git/e.csv',
      'notes.txt',
    ]) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), '');
    }
    expect(globPaths('*.csv', dir)).toEqual(['a.csv', 'b.csv']);
    expect(globPaths('.*.csv', dir)).toEqual(['.hidden.csv']);
    expect(globPaths('**/*.csv', dir)).toEqual(['a.csv', 'b.csv', 'data/c.csv', 'data/deep/d.csv']);
    expect(globPaths('data/**', dir)).toEqual([
      'data',
      'data/c.csv',
      'data/deep',
      'data/deep/d.csv',
    ]);
    expect(globPaths('*/', dir)).toEqual(['data']);
    expect(globPaths('notes.txt', dir)).toEqual(['notes.txt']);
    expect(globPaths('missing.txt', dir)).toEqual([]);
    expect(globPaths(join(dir, 'data', '*.csv'), '/')).toEqual([join(dir, 'data', 'c.csv')]);
  });
});

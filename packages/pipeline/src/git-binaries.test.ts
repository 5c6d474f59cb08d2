import { describe, expect, it } from 'vitest';
import { gitRepo, writeFiles } from '../test/helpers.js';
import { checkGitBinaries, parseSize } from './git-binaries.js';

describe('checkGitBinaries', () => {
  it('lists tracked artifacts by extension and big files by size', async () => {
    const root = gitRepo({
      'model.PT': 'weights',
      'data/big.csv': 'x'.repeat(2048),
      'data/small.csv': 'a,b\n',
      'src/train.py': 'print(1)\n',
      'archive.tar.gz': 'gz',
    });
    writeFiles(root, { 'untracked.pkl': 'not in git' });
    expect(await checkGitBinaries({ root, maxSize: 1024 })).toEqual([
      { path: 'archive.tar.gz', size: 2, reasons: ['extension'] },
      { path: 'data/big.csv', size: 2048, reasons: ['size'] },
      { path: 'model.PT', size: 7, reasons: ['extension'] },
    ]);
    expect(await checkGitBinaries({ root, extensions: ['py'] })).toEqual([
      { path: 'src/train.py', size: 9, reasons: ['extension'] },
    ]);
  });

  it('parses sizes in powers of 1024', () => {
    expect(parseSize('1MB')).toBe(1048576);
    expect(parseSize('500k')).toBe(512000);
    expect(parseSize('2GiB')).toBe(2147483648);
    expect(parseSize('100')).toBe(100);
    expect(() => parseSize('lots')).toThrow("invalid size 'lots'");
  });
});

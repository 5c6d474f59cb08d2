import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/helpers.js';
import { DvcIgnore } from './dvcignore.js';

describe('DvcIgnore.explain (dvc check-ignore)', () => {
  it('names the file, line and pattern that decide, for the path or a folder above it', async () => {
    const root = await tempDir();
    mkdirSync(join(root, 'data', 'raw'), { recursive: true });
    writeFileSync(join(root, '.dvcignore'), '# logs\n*.log\n\ntmp/\n');
    writeFileSync(join(root, 'data', '.dvcignore'), '!keep.log\nraw\n');
    const ignore = new DvcIgnore(root);
    expect(ignore.explain('app.log')).toEqual({ ignored: true, source: '.dvcignore:2:*.log' });
    expect(ignore.explain('tmp/x.csv')).toEqual({ ignored: true, source: '.dvcignore:4:tmp/' });
    expect(ignore.explain('data/keep.log')).toEqual({
      ignored: false,
      source: 'data/.dvcignore:1:!keep.log',
    });
    expect(ignore.explain('data/raw/a.csv')).toEqual({
      ignored: true,
      source: 'data/.dvcignore:2:raw',
    });
    expect(ignore.explain('data/a.csv')).toEqual({ ignored: false });
    expect(ignore.explain('.git/config')).toEqual({ ignored: true });
    for (const path of ['app.log', 'tmp/x.csv', 'data/keep.log', 'data/raw/a.csv', 'data/a.csv']) {
      expect(ignore.isIgnored(path), path).toBe(ignore.explain(path).ignored);
    }
  });
});

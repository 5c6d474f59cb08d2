import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/helpers.js';
import { makeDirs, makeDirsSync, SHARED_DIR_MODE } from './dirs.js';

const modeOf = (path: string) => statSync(path).mode & 0o7777;

describe.each([
  ['makeDirsSync', async (path: string, mode?: number) => makeDirsSync(path, mode)],
  ['makeDirs', makeDirs],
])('%s', (_name, make) => {
  it('gives every folder it creates the exact mode, setgid and group write included', async () => {
    const root = await tempDir();
    mkdirSync(join(root, 'files'), { mode: 0o700 });
    const previous = process.umask(0o022);
    try {
      const first = await make(join(root, 'files', 'md5', 'ab'), SHARED_DIR_MODE);
      expect(first).toBe(join(root, 'files', 'md5'));
    } finally {
      process.umask(previous);
    }
    expect(modeOf(join(root, 'files', 'md5'))).toBe(0o2775);
    expect(modeOf(join(root, 'files', 'md5', 'ab'))).toBe(0o2775);
    expect(modeOf(join(root, 'files'))).toBe(0o700); // there before: left alone
    expect(await make(join(root, 'files', 'md5', 'ab'), SHARED_DIR_MODE)).toBeUndefined();
  });

  it('changes no folder it did not create, whatever `..` or doubled slashes the path holds', async () => {
    const root = await tempDir();
    const rootMode = modeOf(root);
    await make(`${root}/a/../b/c`, SHARED_DIR_MODE);
    await make(`${root}//d//e`, SHARED_DIR_MODE);
    expect(modeOf(root)).toBe(rootMode);
    expect(modeOf(join(root, 'b'))).toBe(0o2775);
    expect(modeOf(join(root, 'b', 'c'))).toBe(0o2775);
    expect(modeOf(join(root, 'd', 'e'))).toBe(0o2775);
  });

  it('without a mode, leaves modes to the umask', async () => {
    const root = await tempDir();
    const previous = process.umask(0o027);
    try {
      await make(join(root, 'a', 'b'));
    } finally {
      process.umask(previous);
    }
    expect(modeOf(join(root, 'a', 'b'))).toBe(0o750);
  });
});

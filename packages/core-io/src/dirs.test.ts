import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeDirs, makeDirsSync } from './dirs.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});
function tempRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'cairn-dirs-'));
  roots.push(root);
  return root;
}
const modeOf = (path: string) => statSync(path).mode & 0o7777;

describe.each([
  ['makeDirsSync', async (path: string, mode?: number) => makeDirsSync(path, mode)],
  ['makeDirs', makeDirs],
])('%s', (_name, make) => {
  it('gives every folder it creates the exact mode, setgid and group write included', async () => {
    const root = tempRoot();
    mkdirSync(join(root, 'files'), { mode: 0o700 });
    const previous = process.umask(0o022);
    try {
      const first = await make(join(root, 'files', 'md5', 'ab'), 0o2775);
      expect(first).toBe(join(root, 'files', 'md5'));
    } finally {
      process.umask(previous);
    }
    expect(modeOf(join(root, 'files', 'md5'))).toBe(0o2775);
    expect(modeOf(join(root, 'files', 'md5', 'ab'))).toBe(0o2775);
    expect(modeOf(join(root, 'files'))).toBe(0o700); // there before: left alone
    expect(await make(join(root, 'files', 'md5', 'ab'), 0o2775)).toBeUndefined();
  });

  it('without a mode, leaves modes to the umask', async () => {
    const root = tempRoot();
    const previous = process.umask(0o027);
    try {
      await make(join(root, 'a', 'b'));
    } finally {
      process.umask(previous);
    }
    expect(modeOf(join(root, 'a', 'b'))).toBe(0o750);
  });
});

import { chmod, lstat, readdir, readFile, readlink, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LinkType } from '@cairn/types';
import { describe, expect, it } from 'vitest';
import { tempDir, tempLeftovers } from '../test/helpers.js';
import {
  detectLinkTypes,
  Linker,
  type LinkFallbackEvent,
  READ_ONLY_MODE,
  unprotect,
} from './link.js';

/** A cache object as DVC leaves it: read-only. */
async function cacheObject(dir: string, content: string, name = 'ac/bd18db'): Promise<string> {
  const path = join(dir, name.replace('/', '-'));
  await writeFile(path, content, { mode: READ_ONLY_MODE });
  return path;
}

const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('Linker', () => {
  it('falls back from reflink to copy when reflinks are unsupported, and stops trying them', async () => {
    const dir = await tempDir();
    const support = await detectLinkTypes(dir, dir);
    const src = await cacheObject(dir, 'foo');
    const events: LinkFallbackEvent[] = [];
    const linker = new Linker(['reflink', 'copy'], { onFallback: (e) => events.push(e) });
    const first = await linker.link(src, join(dir, 'a'));
    const second = await linker.link(src, join(dir, 'b'));
    expect(await readFile(join(dir, 'a'), 'utf8')).toBe('foo');
    if (support.reflink) {
      expect([first, second]).toEqual(['reflink', 'reflink']);
      return;
    }
    expect([first, second]).toEqual(['copy', 'copy']);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'reflink', src, dst: join(dir, 'a') });
    expect(['ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EINVAL', 'ENOTTY', 'ENOSYS', 'EPERM']).toContain(
      (events[0]?.error as { code?: string } | undefined)?.code,
    );
    expect(linker.types).toEqual(['copy']);
    // A copy is a file of its own, writable unless protected.
    expect((await stat(join(dir, 'a'))).ino).not.toBe((await stat(src)).ino);
    expect((await mode(join(dir, 'a'))) & 0o200).toBe(0o200);
  });

  it('falls back across filesystems (EXDEV) to a symlink at the absolute cache path', async () => {
    const cache = await tempDir({ inMemory: true });
    const workspace = await tempDir();
    if ((await stat(cache)).dev === (await stat(workspace)).dev) return; // one filesystem only
    const src = await cacheObject(cache, 'data');
    const linker = new Linker(['reflink', 'hardlink', 'symlink', 'copy']);
    expect(await linker.link(src, join(workspace, 'data'))).toBe('symlink');
    expect(await readlink(join(workspace, 'data'))).toBe(src);
    expect(linker.types).toEqual(['symlink', 'copy']);
  });

  it('fails with CAIRN_LINK_FAILED when no configured type works', async () => {
    const cache = await tempDir({ inMemory: true });
    const workspace = await tempDir();
    if ((await stat(cache)).dev === (await stat(workspace)).dev) return;
    const src = await cacheObject(cache, 'data');
    const linker = new Linker(['reflink', 'hardlink']);
    await expect(linker.link(src, join(workspace, 'data'))).rejects.toMatchObject({
      code: 'CAIRN_LINK_FAILED',
      message: expect.stringContaining(join(workspace, 'data')),
    });
    expect(await readdir(workspace)).toEqual([]);
  });

  it('hardlinks share the read-only cache object', async () => {
    const dir = await tempDir();
    const src = await cacheObject(dir, 'foo');
    const dst = join(dir, 'foo');
    expect(await new Linker(['hardlink']).link(src, dst, { protect: true })).toBe('hardlink');
    const [a, b] = [await stat(src), await stat(dst)];
    expect(b.ino).toBe(a.ino);
    expect(b.nlink).toBe(2);
    expect(await mode(dst)).toBe(0o444);
  });

  it('writes an empty file instead of hardlinking an empty object', async () => {
    const dir = await tempDir();
    const src = await cacheObject(dir, '');
    const dst = join(dir, 'empty');
    expect(await new Linker(['hardlink']).link(src, dst)).toBe('hardlink');
    expect((await stat(dst)).ino).not.toBe((await stat(src)).ino);
    expect((await stat(src)).nlink).toBe(1);
    expect(await readFile(dst, 'utf8')).toBe('');
  });

  it('linkSync replaces an existing file in one step, also by a link to itself', async () => {
    const dir = await tempDir();
    const src = await cacheObject(dir, 'foo');
    const dst = join(dir, 'foo');
    await writeFile(dst, 'old workspace bytes');
    const linker = new Linker(['hardlink', 'copy']);
    expect(linker.linkSync(src, dst)).toBe('hardlink');
    expect((await stat(dst)).ino).toBe((await stat(src)).ino);
    expect(linker.linkSync(src, dst)).toBe('hardlink');
    expect(await readFile(dst, 'utf8')).toBe('foo');
    expect(await tempLeftovers(dir)).toEqual([]);
    expect(new Linker(['copy']).linkSync(src, dst, { protect: true })).toBe('copy');
    expect((await stat(dst)).ino).not.toBe((await stat(src)).ino);
    expect(await mode(dst)).toBe(0o444);
    expect(await readFile(dst, 'utf8')).toBe('foo');
  });

  it('makes protected copies read-only', async () => {
    const dir = await tempDir();
    const src = await cacheObject(dir, 'foo');
    await new Linker(['copy']).link(src, join(dir, 'p'), { protect: true });
    expect(await mode(join(dir, 'p'))).toBe(0o444);
  });

  it.each<LinkType>(['copy', 'hardlink', 'symlink'])(
    'replaces an existing destination with %s, leaving no temporary file',
    async (type) => {
      const dir = await tempDir();
      const src = await cacheObject(dir, 'new');
      const dst = join(dir, 'file');
      await writeFile(dst, 'old content');
      await chmod(dst, 0o444);
      await new Linker([type]).link(src, dst);
      expect(await readFile(dst, 'utf8')).toBe('new');
      // Linking again over a result of the same kind (for hardlink: the same inode).
      await new Linker([type]).link(src, dst);
      expect(await readFile(dst, 'utf8')).toBe('new');
      expect(await tempLeftovers(dir)).toEqual([]);
    },
  );

  it('creates missing parent folders of the destination', async () => {
    const dir = await tempDir();
    const src = await cacheObject(dir, 'x');
    await new Linker(['copy']).link(src, join(dir, 'a', 'b', 'c'));
    expect(await readFile(join(dir, 'a', 'b', 'c'), 'utf8')).toBe('x');
  });

  it('passes other errors through without giving up the link type', async () => {
    const dir = await tempDir();
    const linker = new Linker(['hardlink', 'copy']);
    await expect(linker.link(join(dir, 'missing'), join(dir, 'dst'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(linker.types).toEqual(['hardlink', 'copy']);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('unprotect', () => {
  it('replaces a hardlink by a writable copy and leaves the cache object alone', async () => {
    const dir = await tempDir();
    const src = await cacheObject(dir, 'foo');
    const dst = join(dir, 'foo');
    await new Linker(['hardlink']).link(src, dst);
    expect(await unprotect(dst)).toEqual([dst]);
    expect((await stat(dst)).ino).not.toBe((await stat(src)).ino);
    expect((await mode(dst)) & 0o200).toBe(0o200);
    expect(await mode(src)).toBe(0o444);
    expect(await readFile(dst, 'utf8')).toBe('foo');
  });

  it('replaces a symlink by a copy of its target, and makes protected copies writable', async () => {
    const dir = await tempDir();
    const src = await cacheObject(dir, 'bar');
    await new Linker(['symlink']).link(src, join(dir, 'sub', 'link'));
    await new Linker(['copy']).link(src, join(dir, 'sub', 'copy'), { protect: true });
    expect((await unprotect(join(dir, 'sub'))).sort()).toEqual([
      join(dir, 'sub', 'copy'),
      join(dir, 'sub', 'link'),
    ]);
    expect((await lstat(join(dir, 'sub', 'link'))).isSymbolicLink()).toBe(false);
    expect(await readFile(join(dir, 'sub', 'link'), 'utf8')).toBe('bar');
    expect((await mode(join(dir, 'sub', 'copy'))) & 0o200).toBe(0o200);
    expect(await unprotect(join(dir, 'sub', 'copy'))).toEqual([]);
  });
});

describe('detectLinkTypes', () => {
  it('reports what works between two folders and cleans up after itself', async () => {
    const cache = await tempDir();
    const workspace = await tempDir();
    const support = await detectLinkTypes(cache, workspace);
    expect(support).toMatchObject({ hardlink: true, symlink: true, copy: true });
    expect(typeof support.reflink).toBe('boolean');
    expect(await readdir(cache)).toEqual([]);
    expect(await readdir(workspace)).toEqual([]);

    const other = await tempDir({ inMemory: true });
    if ((await stat(other)).dev !== (await stat(workspace)).dev) {
      expect(await detectLinkTypes(other, workspace)).toEqual({
        reflink: false,
        hardlink: false,
        symlink: true,
        copy: true,
      });
    }
  });
});

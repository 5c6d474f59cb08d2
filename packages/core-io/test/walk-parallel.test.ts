import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDist, tempDir } from './helpers.js';

// walkTreeParallel needs the pool's compiled worker, so both walks come from dist/.
const { DvcIgnore, HashPool, walkTree, walkTreeParallel, visitTreeParallel } = await importDist();

describe('walkTreeParallel', () => {
  it('reports what walkTree reports, in the same order, across many lstat chunks', async () => {
    const root = await tempDir({ inMemory: true });
    for (let d = 0; d < 7; d++) mkdirSync(join(root, `d${d}`, 'deeper'), { recursive: true });
    for (let i = 0; i < 6_000; i++) {
      // A third of the files one level deeper; names out of code-unit order on disk.
      const dir = i % 3 === 0 ? join(`d${i % 7}`, 'deeper') : `d${i % 7}`;
      writeFileSync(join(root, dir, `f${6_000 - i}.bin`), `${i}`.repeat(i % 5));
    }
    mkdirSync(join(root, 'empty', 'also-empty'), { recursive: true });
    mkdirSync(join(root, 'ignored'));
    writeFileSync(join(root, 'ignored', 'x'), 'x');
    writeFileSync(join(root, '.dvcignore'), 'ignored/\n*.skip\n');
    writeFileSync(join(root, 'd1', 'a.skip'), 'skip');
    writeFileSync(join(root, 'd2', 'target'), 'to');
    symlinkSync(join(root, 'd2', 'target'), join(root, 'link-to-file'));
    symlinkSync(join(root, 'd3'), join(root, 'link-to-dir'));
    const options = { emptyDirs: true, dvcignore: new DvcIgnore(root) };
    const pool = new HashPool({ workers: 2 });
    try {
      const diagnostics: unknown[] = [];
      const parallel = await walkTreeParallel(pool, root, {
        ...options,
        onDiagnostic: (d) => diagnostics.push(d),
      });
      const serial = walkTree(root, options);
      expect(parallel.files).toHaveLength(6_003); // and .dvcignore, the target and the link to it
      expect(parallel).toEqual(serial);
      expect(parallel.emptyDirs).toEqual(['empty/also-empty']);
      expect(parallel.files.find((f) => f.path === 'link-to-file')).toMatchObject({
        isSymlink: true,
        size: 2,
      });
      expect(diagnostics).toEqual([
        { kind: 'symlink-to-dir', path: 'link-to-dir', absPath: join(root, 'link-to-dir') },
      ]);
    } finally {
      await pool.close();
    }
  });

  it('visits nothing of a file deleted after its folder was listed', async () => {
    const root = await tempDir();
    writeFileSync(join(root, 'kept'), 'k');
    writeFileSync(join(root, 'gone'), 'g');
    const pool = {
      // A pool whose stat pass runs after the file went away.
      statChunks: async (chunks: Iterable<readonly string[]>) => {
        const lists = [...chunks];
        const { rmSync } = await import('node:fs');
        rmSync(join(root, 'gone'));
        const real = new HashPool({ workers: 1 });
        try {
          return await real.statChunks(lists);
        } finally {
          await real.close();
        }
      },
    } as unknown as InstanceType<typeof HashPool>;
    const seen: string[] = [];
    await visitTreeParallel(pool, root, {}, (path) => seen.push(path));
    expect(seen).toEqual(['kept']);
  });
});

import { readFileSync } from 'node:fs';
import type { LockStage } from '@cairn/types';
import { describe, expect, it } from 'vitest';
import { tempRepo } from '../test/helpers.js';
import { workspaceSource } from './file-source.js';
import {
  computeLockEntry,
  formatLock,
  type HashInfo,
  lockPathFor,
  parseLock,
  readLock,
  removeFromLock,
  updateLock,
} from './lock.js';
import { loadStageParams } from './params.js';
import { loadPipeline } from './pipeline.js';

interface LockCase {
  name: string;
  files: Record<string, string>;
  dvcyaml: string;
  hashes: Record<
    string,
    { md5: string; size?: number; nfiles?: number; isexec?: boolean; legacy?: boolean }
  >;
  lock: string;
}

const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8')) as T;

const cases = fixture<LockCase[]>('dvc-lock-cases.json');
const vectors = fixture<Record<string, string>>('dvc-test-vectors.json');

async function lockFor(files: Record<string, string>, hashes: LockCase['hashes']): Promise<string> {
  const root = tempRepo(files);
  const source = workspaceSource(root);
  const pipeline = await loadPipeline({ root, source });
  const map = new Map<string, HashInfo>(
    Object.entries(hashes).map(([path, h]) => [
      path,
      {
        name: h.legacy ? 'md5-dos2unix' : 'md5',
        value: h.md5,
        ...(h.size === undefined ? {} : { size: h.size }),
        ...(h.nfiles === undefined ? {} : { nfiles: h.nfiles }),
        ...(h.isexec ? { isexec: true } : {}),
      },
    ]),
  );
  const entries: Record<string, LockStage> = {};
  for (const stage of pipeline.stages) {
    entries[stage.name] = computeLockEntry(stage, {
      hashes: map,
      params: await loadStageParams(stage, source),
    });
  }
  return formatLock(updateLock(undefined, entries));
}

describe('dvc.lock', () => {
  it('writes the lock of dvc tests/func/test_run.py test_run_external_outputs byte for byte', async () => {
    const text = await lockFor(
      { 'dvc.yaml': vectors['dvc.yaml'] as string },
      {
        'remote://workspace/foo': { md5: 'acbd18db4cc2f85cedef654fccc4a4d8', size: 3 },
        'remote://workspace/bar': { md5: '37b51d194a7513e45b56f6524f2d51f2', size: 3 },
      },
    );
    expect(text).toBe(vectors['dvc.lock']);
  });

  it.each(cases.map((c) => [c.name, c] as const))('writes %s as ruamel does', async (_name, c) => {
    expect(await lockFor({ ...c.files, 'dvc.yaml': c.dvcyaml }, c.hashes)).toBe(c.lock);
  });

  it.each(cases.map((c) => [c.name, c] as const))('reads and rewrites %s unchanged', (_name, c) => {
    expect(formatLock(parseLock(c.lock))).toBe(c.lock);
  });

  it('replaces a stage in place and appends new ones, like DVC', () => {
    const lock = parseLock(cases[2]?.lock as string);
    const updated = updateLock(lock, { c: { cmd: 'echo c' }, b: { cmd: 'echo b2' } });
    expect(Object.keys(updated.stages)).toEqual(['b', 'a', 'c']);
    expect(formatLock(updated)).toContain('  b:\n    cmd: echo b2\n  a:\n');
    expect(Object.keys(removeFromLock(updated, ['a']).stages)).toEqual(['b', 'c']);
  });

  it('rejects a lock file without schema 2.0, with its position', () => {
    expect(() => parseLock("schema: '1.0'\nstages: {}\n", 'dvc.lock')).toThrow(
      'dvc.lock:1:9: schema: expected "2.0", got string "1.0"',
    );
  });

  it('reads the lock next to a dvc.yaml; none is undefined', async () => {
    const root = tempRepo({ 'sub/dvc.lock': cases[0]?.lock as string });
    expect(lockPathFor('sub/dvc.yaml')).toBe('sub/dvc.lock');
    expect(
      Object.keys((await readLock(workspaceSource(root), 'sub/dvc.yaml'))?.stages ?? {}),
    ).toEqual(['copy-first-line']);
    expect(await readLock(workspaceSource(root), 'dvc.yaml')).toBeUndefined();
  });

  it('names a missing param, a missing file and a missing hash', async () => {
    const root = tempRepo({
      'params.yaml': 'a: 1\n',
      'dvc.yaml':
        'stages:\n  s:\n    cmd: x\n    deps: [d]\n    params: [a, b.c]\n  t:\n    cmd: x\n    params: [{p.yaml: }]\n',
    });
    const source = workspaceSource(root);
    const [s, t] = (await loadPipeline({ root, source })).stages;
    if (!s || !t) throw new Error('stages');
    await expect(loadStageParams(s, source)).rejects.toThrow(
      "Parameters 'b.c' are missing from 'params.yaml' (stage 's')",
    );
    await expect(loadStageParams(t, source)).rejects.toThrow(
      "Parameters file 'p.yaml' does not exist (stage 't')",
    );
    expect(() => computeLockEntry(s, { hashes: new Map(), params: new Map() })).toThrow(
      "no hash for dependency 'd' of stage 's'",
    );
  });
});

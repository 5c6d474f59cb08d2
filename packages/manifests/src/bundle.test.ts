import { createHash } from 'node:crypto';
import { readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeFiles } from '../test/helpers.js';
import { exportBundle, loadBundle, verifyBundle } from './bundle.js';
import { beginStep } from './step.js';

async function twoSteps() {
  const root = await tempDir();
  const prep = await beginStep({ root, experiment: 'e', name: 'prep' });
  await prep.writeOutput('vocab.txt', 'a\nb\n');
  await prep.commit();
  const train = await beginStep({ root, runDir: prep.runDir, name: 'train' });
  await train.writeOutput('model.bin', Buffer.alloc(1000, 7));
  await train.writeOutput('cfg/params.json', '{"lr":0.1}');
  await train.commit({ metrics: { acc: 0.5 } });
  return { root, prep, train };
}

async function exported() {
  const steps = await twoSteps();
  const out = join(steps.root, 'dist/bundle-1');
  const result = await exportBundle({ manifests: [steps.prep.dir, steps.train.dir], out });
  return { ...steps, out, result };
}

async function editIndex(out: string, edit: (index: { artifacts: { path: string }[] }) => void) {
  const index = JSON.parse(await readFile(join(out, 'bundle.json'), 'utf8'));
  edit(index);
  await writeFile(join(out, 'bundle.json'), JSON.stringify(index));
}

describe('exportBundle', () => {
  it('copies the outputs and manifests, indexed by bundle.json', async () => {
    const { out, result, train } = await exported();
    expect(result.index.name).toBe('bundle-1');
    expect(result.index.artifacts.map((a) => a.path)).toEqual([
      'artifacts/prep/vocab.txt',
      'artifacts/train/cfg/params.json',
      'artifacts/train/model.bin',
    ]);
    expect(result.index.artifacts[2]).toMatchObject({
      size: 1000,
      manifest: 'manifests/train.json',
    });
    expect(result.index.manifests.map((m) => [m.path, m.step_name, m.run_id])).toEqual([
      ['manifests/prep.json', 'prep', train.runId],
      ['manifests/train.json', 'train', train.runId],
    ]);
    expect(await readFile(join(out, 'manifests/train.json'))).toEqual(
      await readFile(join(train.dir, 'manifest.json')),
    );
    expect((await readdir(out)).sort()).toEqual(['artifacts', 'bundle.json', 'manifests']);
    // Built in a temp sibling and renamed: nothing else is left next to it.
    expect(await readdir(dirname(out))).toEqual(['bundle-1']);
    expect(await verifyBundle(out)).toMatchObject({ ok: true, problems: [] });
  });

  it('refuses an existing folder, step name clashes, and outputs that changed', async () => {
    const { root, prep, train, out } = await exported();
    await expect(exportBundle({ manifests: [train.dir], out })).rejects.toMatchObject({
      code: 'CAIRN_BUNDLE_EXISTS',
    });
    const again = await beginStep({ root, experiment: 'e', name: 'prep' });
    await again.commit();
    await expect(
      exportBundle({ manifests: [prep.dir, again.dir], out: join(root, 'b2') }),
    ).rejects.toMatchObject({ code: 'CAIRN_BUNDLE_CONFLICT' });
    await writeFile(train.path('model.bin'), Buffer.alloc(1000, 8));
    await expect(
      exportBundle({ manifests: [train.dir], out: join(root, 'b3') }),
    ).rejects.toMatchObject({
      code: 'CAIRN_OUTPUT_CHANGED',
      message: expect.stringContaining('output model.bin of'),
    });
    expect((await readdir(root)).sort()).toEqual(['dist', 'runs']);
  });
});

describe('verifyBundle', () => {
  it('names an artifact with one byte changed', async () => {
    const { out } = await exported();
    const file = join(out, 'artifacts/train/model.bin');
    const bytes = await readFile(file);
    bytes[999] = 0;
    await writeFile(file, bytes);
    const result = await verifyBundle(out);
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^artifact artifacts\/train\/model\.bin changed: sha256 /),
    ]);
  });

  it('names a deleted artifact and an extra file', async () => {
    const { out } = await exported();
    await rm(join(out, 'artifacts/prep/vocab.txt'));
    await writeFile(join(out, 'artifacts/train/extra.bin'), 'x');
    const result = await verifyBundle(out);
    expect(result.problems.map((p) => p.message)).toEqual([
      'artifact artifacts/prep/vocab.txt is missing',
      'extra file artifacts/train/extra.bin: not named in bundle.json',
    ]);
  });

  it('refuses paths that escape the bundle: ../, absolute, symlink to outside', async () => {
    const { root, out } = await exported();
    await writeFiles(root, { 'secret.txt': 'secret' });
    await editIndex(out, (index) => {
      const [a, b, c] = index.artifacts as [{ path: string }, { path: string }, { path: string }];
      a.path = `../${a.path}`;
      b.path = join(out, b.path);
      c.path = 'artifacts/train/link';
    });
    await symlink(join(root, 'secret.txt'), join(out, 'artifacts/train/link'));
    const result = await verifyBundle(out);
    const unsafe = result.problems.filter((p) => p.kind === 'unsafe').map((p) => p.message);
    expect(unsafe).toEqual([
      'artifact ../artifacts/prep/vocab.txt: path "../artifacts/prep/vocab.txt" escapes its root ("..")',
      `artifact ${join(out, 'artifacts/train/cfg/params.json')}: absolute path "${join(out, 'artifacts/train/cfg/params.json')}" is not allowed`,
      `artifact artifacts/train/link: is a symlink to ${join(root, 'secret.txt')}, outside the bundle`,
    ]);
    await expect(loadBundle(out)).rejects.toMatchObject({
      code: 'CAIRN_BUNDLE_INVALID',
      message: expect.stringContaining('../artifacts/prep/vocab.txt'),
    });
  });

  it('allows a symlink that stays inside the bundle', async () => {
    const { out } = await exported();
    const model = join(out, 'artifacts/train/model.bin');
    await writeFile(join(out, 'artifacts/model.real'), await readFile(model));
    await rm(model);
    await symlink('../model.real', model);
    await editIndex(out, () => {});
    const result = await verifyBundle(out);
    // The link target itself is not listed: reported as extra, but the link is accepted.
    expect(result.problems.map((p) => [p.kind, p.path])).toEqual([
      ['extra', 'artifacts/model.real'],
    ]);
  });

  it('catches an artifact swapped together with its bundle.json entry', async () => {
    const { out } = await exported();
    const forged = Buffer.alloc(1000, 9);
    await writeFile(join(out, 'artifacts/train/model.bin'), forged);
    await editIndex(out, (index) => {
      const entry = index.artifacts.find((a) => a.path === 'artifacts/train/model.bin');
      Object.assign(entry ?? {}, { sha256: createHash('sha256').update(forged).digest('hex') });
    });
    const result = await verifyBundle(out);
    expect(result.problems.map((p) => p.message)).toEqual([
      'artifact artifacts/train/model.bin: differs from its manifest manifests/train.json',
    ]);
  });

  it('is a typed error for a folder without bundle.json', async () => {
    const root = await tempDir();
    await expect(verifyBundle(root)).rejects.toMatchObject({ code: 'CAIRN_NOT_A_BUNDLE' });
  });
});

describe('loadBundle', () => {
  it('resolves artifacts to absolute paths after verification', async () => {
    const { out } = await exported();
    const bundle = await loadBundle(out);
    const model = bundle.resolve('artifacts/train/model.bin');
    expect(model).toBe(join(bundle.root, 'artifacts/train/model.bin'));
    expect((await readFile(model)).length).toBe(1000);
    expect(bundle.manifests.map((m) => m.manifest.step_name)).toEqual(['prep', 'train']);
    expect(() => bundle.resolve('../etc/passwd')).toThrow(
      expect.objectContaining({ code: 'CAIRN_BUNDLE_UNKNOWN_PATH' }),
    );
  });
});

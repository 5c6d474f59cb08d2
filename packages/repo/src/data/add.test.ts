import { describe, expect, it } from 'vitest';
import { TrackedOutputs } from './add.js';
import type { TrackedEntry } from './outputs.js';

const entry = (path: string, file: string, source: 'pointer' | 'lock' = 'pointer') =>
  ({ path, file, source, kind: 'out', stage: file.split('/').pop() }) as TrackedEntry;

describe('TrackedOutputs', () => {
  const own = entry('/r/data/raw', '/r/data/raw.dvc');
  const outputs = new TrackedOutputs([
    own,
    entry('/r/models/m.bin', '/r/dvc.lock', 'lock'),
    { ...entry('/r/data/raw', '/r/data/raw.dvc'), kind: 'dep' } as TrackedEntry,
  ]);

  it("finds a target's own pointer entry, and lets untracked paths through", () => {
    expect(outputs.ownOrClash('/r/data/raw', 'data/raw', '/r')).toBe(own);
    expect(outputs.ownOrClash('/r/data/other', 'data/other', '/r')).toBeUndefined();
    expect(outputs.ownOrClash('/r/models/m2.bin', 'models/m2.bin', '/r')).toBeUndefined();
  });

  it('refuses a target that is, holds or lies inside an output tracked elsewhere', () => {
    const clash = { code: 'CAIRN_OVERLAPPING_OUTPUT' };
    expect(() => outputs.ownOrClash('/r/models/m.bin', 'models/m.bin', '/r')).toThrow(
      expect.objectContaining(clash),
    );
    expect(() => outputs.ownOrClash('/r/data', 'data', '/r')).toThrow(
      expect.objectContaining(clash),
    );
    expect(() => outputs.ownOrClash('/r', '.', '/r')).toThrow(expect.objectContaining(clash));
    expect(() => outputs.ownOrClash('/r/data/raw/part.csv', 'data/raw/part.csv', '/r')).toThrow(
      expect.objectContaining({
        ...clash,
        message: "'data/raw/part.csv' overlaps 'data/raw', already tracked by raw.dvc",
      }),
    );
  });
});

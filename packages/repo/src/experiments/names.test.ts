import { describe, expect, it } from 'vitest';
import { generateName } from './names.js';

describe('generateName', () => {
  it('gives <adjective>-<noun>, the same for the same seed', () => {
    const name = generateName('abc', new Set());
    expect(name).toMatch(/^[a-z]+-[a-z]+$/);
    expect(generateName('abc', new Set())).toBe(name);
  });

  it('takes the next free pair when the first is used', () => {
    const first = generateName('seed', new Set());
    const second = generateName('seed', new Set([first]));
    expect(second).not.toBe(first);
    expect(generateName('seed', new Set([first]))).toBe(second);
  });

  it('stays unique past every pair', () => {
    const taken = new Set<string>();
    for (let i = 0; i < 64 * 64 + 3; i++) taken.add(generateName('x', taken));
    expect(taken.size).toBe(64 * 64 + 3);
    expect([...taken].filter((n) => /-\d+$/.test(n))).toHaveLength(3);
  });
});

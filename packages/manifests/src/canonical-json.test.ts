import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, configHash } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    const a = { b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } };
    const b = { a: { c: 'x', d: [3, { y: null, z: true }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
  });

  it('orders keys by UTF-16 code units, not by locale', () => {
    expect(canonicalJson({ b: 0, B: 0, é: 0, a: 0, '10': 0, '9': 0 })).toBe(
      '{"10":0,"9":0,"B":0,"a":0,"b":0,"é":0}',
    );
  });

  it('writes numbers and strings as JSON does, honours toJSON, leaves out undefined members', () => {
    expect(canonicalJson({ n: 1e21, f: 0.1, neg: -0, s: 'a"\n', u: undefined })).toBe(
      '{"f":0.1,"n":1e+21,"neg":0,"s":"a\\"\\n"}',
    );
    expect(canonicalJson({ when: new Date('2026-01-02T03:04:05Z') })).toBe(
      '{"when":"2026-01-02T03:04:05.000Z"}',
    );
  });

  it('refuses values JSON cannot hold instead of hashing them as null', () => {
    expect(() => canonicalJson({ lr: Number.NaN })).toThrow(/config value at \$\.lr is not JSON/);
    expect(() => canonicalJson({ a: [1, undefined] })).toThrow(/\$\.a\[1\]/);
    expect(() => canonicalJson({ big: 1n })).toThrow(/bigint/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cycle/);
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { k: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"k":1},"b":{"k":1}}');
  });
});

describe('configHash', () => {
  it('is the sha256 of the canonical JSON, stable across key order', () => {
    const hash = configHash({ lr: 0.01, layers: [64, 32] });
    expect(hash).toBe(createHash('sha256').update('{"layers":[64,32],"lr":0.01}').digest('hex'));
    expect(configHash({ layers: [64, 32], lr: 0.01 })).toBe(hash);
    expect(configHash({ layers: [32, 64], lr: 0.01 })).not.toBe(hash);
  });
});

import { describe, expect, it } from 'vitest';
import { stringifyDvcYaml } from './dvc-yaml.js';
import { PyFloat, pythonFloatRepr } from './py-float.js';

describe('PyFloat', () => {
  it.each([
    [1, '1.0'],
    [0.1, '0.1'],
    [1e-5, '1e-05'],
    [1e16, '1e+16'],
    [1e15, '1000000000000000.0'],
    [-0, '-0.0'],
    [0, '0.0'],
    [123456.789, '123456.789'],
    [Number.POSITIVE_INFINITY, 'inf'],
    [Number.NaN, 'nan'],
  ])('repr(%s) is %s as in Python', (value, text) => {
    expect(pythonFloatRepr(value)).toBe(text);
  });

  it('keeps integral floats as floats in DVC YAML, and ints as ints', () => {
    const yaml = stringifyDvcYaml({
      lr: new PyFloat(1),
      epochs: 10,
      eps: 1e-5,
      big: new PyFloat(1e20),
    });
    expect(yaml).toBe('lr: 1.0\nepochs: 10\neps: 1e-05\nbig: 1e+20\n');
    expect(stringifyDvcYaml([new PyFloat(Number.POSITIVE_INFINITY)])).toBe('- .inf\n');
  });

  it('serialises to a plain JSON number', () => {
    expect(JSON.stringify({ lr: new PyFloat(2) })).toBe('{"lr":2}');
  });
});

import { describe, expect, it } from 'vitest';
import { pyFormatG } from './py-value.js';

// [value, '.5g', '.3g', '.1g'] as CPython 3 formats them.
const VECTORS: Array<[number, string, string, string]> = [
  [0, '0', '0', '0'],
  [-0, '-0', '-0', '-0'],
  [1, '1', '1', '1'],
  [0.5, '0.5', '0.5', '0.5'],
  [1 / 3, '0.33333', '0.333', '0.3'],
  [2 / 3, '0.66667', '0.667', '0.7'],
  [123456, '1.2346e+05', '1.23e+05', '1e+05'],
  [1234567, '1.2346e+06', '1.23e+06', '1e+06'],
  [99999.5, '1e+05', '1e+05', '1e+05'],
  [999995, '1e+06', '1e+06', '1e+06'],
  [0.0001, '0.0001', '0.0001', '0.0001'],
  [0.00012345678, '0.00012346', '0.000123', '0.0001'],
  [0.00001, '1e-05', '1e-05', '1e-05'],
  [1e16, '1e+16', '1e+16', '1e+16'],
  [-2.5, '-2.5', '-2.5', '-2'],
  [0.015625, '0.015625', '0.0156', '0.02'],
  [12345.5, '12346', '1.23e+04', '1e+04'],
  [12344.5, '12344', '1.23e+04', '1e+04'],
  [100, '100', '100', '1e+02'],
  [1.23456789, '1.2346', '1.23', '1'],
  [1.5e300, '1.5e+300', '1.5e+300', '2e+300'],
  [5e-324, '4.9407e-324', '4.94e-324', '5e-324'],
];

describe('pyFormatG', () => {
  it.each(VECTORS)('formats %d as Python does', (value, g5, g3, g1) => {
    expect(pyFormatG(value, 5)).toBe(g5);
    expect(pyFormatG(value, 3)).toBe(g3);
    expect(pyFormatG(value, 1)).toBe(g1);
  });

  it('rounds exact ties half to even, like Python', () => {
    expect(pyFormatG(0.125, 2)).toBe('0.12');
    expect(pyFormatG(0.375, 2)).toBe('0.38');
  });

  it('prints non-finite values as Python does', () => {
    expect(pyFormatG(Number.NaN, 5)).toBe('nan');
    expect(pyFormatG(Number.POSITIVE_INFINITY, 5)).toBe('inf');
    expect(pyFormatG(Number.NEGATIVE_INFINITY, 5)).toBe('-inf');
  });
});

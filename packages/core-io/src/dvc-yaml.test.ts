import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readFixture } from '../test/helpers.js';
import { stringifyDvcYaml } from './dvc-yaml.js';

interface DumpCase {
  name: string;
  value: unknown;
  yaml: string;
}

const cases = readFixture<DumpCase[]>('dvc-yaml-cases.json');
const { texts } = readFixture<{ texts: Record<string, string> }>('dvc-texts.json');

function loadBack(text: string): unknown {
  return parse(text, { version: '1.2', uniqueKeys: true });
}

// ruamel writes U+0085/U+2028/U+2029 inside single quotes as line breaks, which a YAML 1.2
// reader (for which they are ordinary characters) reads back with the indentation added.
const breaksNotRoundTripping = /[\u0085\u2028\u2029]/;

describe('stringifyDvcYaml', () => {
  it.each(Object.entries(texts))('writes %s exactly as DVC does', (_name, text) => {
    expect(stringifyDvcYaml(loadBack(text))).toBe(text);
  });

  it('writes a pointer file in insertion order with dashes under the key', () => {
    const value = {
      outs: [{ md5: 'acbd18db4cc2f85cedef654fccc4a4d8', size: 3, hash: 'md5', path: 'foo' }],
    };
    expect(stringifyDvcYaml(value)).toBe(
      'outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\n  hash: md5\n  path: foo\n',
    );
  });

  it.each([
    ['2.0', "'2.0'"],
    ['true', "'true'"],
    ['', "''"],
    ['007', "'007'"],
    ['1e10', "'1e10'"],
    ['-1', "'-1'"],
    ['null', "'null'"],
    ['~', "'~'"],
    ['2023-01-01', "'2023-01-01'"],
    ['a: b', "'a: b'"],
    ['a #b', "'a #b'"],
    [' lead', "' lead'"],
    ['trail ', "'trail '"],
    ['@x', "'@x'"],
    ['-', "'-'"],
    ["it's: x", '"it\'s: x"'],
    ['line1\nline2', '"line1\\nline2"'],
    ['tab\there', '"tab\\there"'],
    ['yes', 'yes'],
    ['no', 'no'],
    ['on', 'on'],
    ['off', 'off'],
    ['é', 'é'],
    ['12:30', '12:30'],
    ['a#b', 'a#b'],
    ['-dash', '-dash'],
    ['_1', '_1'],
    ["it's", "it's"],
  ])('quotes %j as %s', (input, expected) => {
    expect(stringifyDvcYaml({ v: input })).toBe(`v: ${expected}\n`);
  });

  it('writes null as an empty value and empty collections in flow style', () => {
    expect(stringifyDvcYaml({ a: null, m: {}, l: [], s: [null] })).toBe(
      'a:\nm: {}\nl: []\ns:\n- \n',
    );
  });

  it('folds a long command near 80 columns with an indented continuation', () => {
    const cmd =
      'python train.py --epochs 10 --batch-size 32 --learning-rate 0.001 --some-really-long-option value';
    expect(stringifyDvcYaml({ stages: { train: { cmd } } })).toBe(
      'stages:\n  train:\n    cmd: python train.py --epochs 10 --batch-size 32 --learning-rate 0.001 --some-really-long-option\n      value\n',
    );
  });

  it('writes numbers as Python does', () => {
    expect(stringifyDvcYaml([1, 0.1, 1e-5, 1.5e300, Number.NaN, -Infinity, 12n])).toBe(
      '- 1\n- 0.1\n- 1e-05\n- 1.5e+300\n- .nan\n- -.inf\n- 12\n',
    );
  });

  it('keeps the order of a Map, including keys that look like numbers', () => {
    const value = new Map<string | number, unknown>([
      ['b', 1],
      ['1', 2],
      [3, 'x'],
    ]);
    expect(stringifyDvcYaml(value)).toBe("b: 1\n'1': 2\n3: x\n");
  });

  it('leaves out undefined properties like JSON does', () => {
    expect(stringifyDvcYaml({ a: 1, b: undefined })).toBe('a: 1\n');
  });

  it('rejects values it cannot represent', () => {
    expect(() => stringifyDvcYaml({ d: new Date(0) })).toThrow(TypeError);
    expect(() => stringifyDvcYaml({ f: () => 1 })).toThrow(TypeError);
  });

  describe(`matches ruamel.yaml on ${cases.length} generated cases`, () => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      const text = stringifyDvcYaml(c.value);
      expect(text).toBe(c.yaml);
      if (!breaksNotRoundTripping.test(text)) expect(loadBack(text)).toEqual(c.value);
    });
  });
});

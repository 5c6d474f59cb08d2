import { PyFloat } from '@cairn/core-io';
import { describe, expect, it } from 'vitest';
import { parseDataFile } from './load-data.js';
import { pyRepr } from './py-value.js';

describe('parseDataFile', () => {
  it('keeps floats and ints apart in YAML, as ruamel does', () => {
    const data = parseDataFile(
      'lr: 1.0\nepochs: 10\neps: 1e-05\nbig: 12345678901234567890\nsep: 1_000\nflag: yes\nq: "1.0"\n',
      'params.yaml',
    );
    expect(data).toEqual({
      lr: new PyFloat(1),
      epochs: 10,
      eps: 1e-5,
      big: 12345678901234567890n,
      sep: 1000,
      flag: 'yes',
      q: '1.0',
    });
  });

  it('resolves anchors and merge keys', () => {
    const data = parseDataFile('base: &b {a: 1, b: 2}\nchild:\n  <<: *b\n  b: 3\n', 'p.yaml');
    expect(data).toEqual({ base: { a: 1, b: 2 }, child: { b: 3, a: 1 } });
  });

  it('reads JSON numbers as Python does, last duplicate key wins', () => {
    const data = parseDataFile(
      '{"a": 1.0, "b": 2, "c": [1e2, -0.5], "a": 3.50, "s": "x\\ny"}',
      'm.json',
    );
    expect(pyRepr(data)).toBe("{'a': 3.5, 'b': 2, 'c': [100.0, -0.5], 's': 'x\\ny'}");
  });

  it('reads TOML with ints and floats apart', () => {
    const data = parseDataFile('[train]\nlr = 1.0\nepochs = 3\nname = "x"\n', 'params.toml');
    expect(pyRepr(data)).toBe("{'train': {'lr': 1.0, 'epochs': 3, 'name': 'x'}}");
  });

  it('reads the literal assignments of a Python params file', () => {
    const text = [
      'import os',
      'LR = 0.001',
      'EPOCHS: int = 10',
      'NAMES = ["a", "b",',
      '         "c"]',
      'SHAPE = (1, 2)',
      'PATH = os.path.join("a")',
      'NEG = -1.0',
      'CFG = {"k": True, "n": None}',
      '',
      'class Train:',
      '    seed = 42',
      '    def __init__(self):',
      '        self.batch = 32',
      '        other = 1',
      '    def helper(self):',
      '        self.x = 1',
    ].join('\n');
    expect(pyRepr(parseDataFile(text, 'params.py'))).toBe(
      "{'LR': 0.001, 'EPOCHS': 10, 'NAMES': ['a', 'b', 'c'], 'SHAPE': [1, 2], 'NEG': -1.0, 'CFG': {'k': True, 'n': None}, 'Train': {'seed': 42, 'batch': 32}}",
    );
  });

  it('reports YAML syntax errors with file:line:col', () => {
    expect(() => parseDataFile('a: [1, 2\nb: 3\n', 'params.yaml')).toThrow(
      /^params\.yaml:\d+:\d+: invalid YAML/,
    );
    expect(() => parseDataFile('{"a": }', 'm.json')).toThrow(/^m\.json:1:\d+: invalid JSON/);
    expect(() => parseDataFile('a = = 1', 'p.toml')).toThrow(/^p\.toml:1:\d+: invalid TOML/);
  });
});

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CairnParseError, formatPath, parseJson, parseStructured, parseYaml } from './parse.js';
import { DvcFile } from './schemas/dvc-file.js';
import { DvcLock } from './schemas/dvc-lock.js';
import { DvcYaml } from './schemas/dvc-yaml.js';

function errorOf(fn: () => unknown): CairnParseError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CairnParseError) return error;
    throw error;
  }
  throw new Error('expected a CairnParseError');
}

describe('parseYaml', () => {
  it('returns the typed value of a valid file', () => {
    const text =
      'outs:\n- md5: ACBD18DB4CC2F85CEDEF654FCCC4A4D8\n  size: 3\n  hash: md5\n  path: foo\n';
    const file = parseYaml(text, DvcFile, { file: 'foo.dvc' });
    // DVC lower-cases md5 values on read.
    expect(file.outs?.[0]).toEqual({
      md5: 'acbd18db4cc2f85cedef654fccc4a4d8',
      size: 3,
      hash: 'md5',
      path: 'foo',
    });
  });

  it('reads YAML 1.2: yes/on stay strings', () => {
    const schema = z.object({ a: z.string(), b: z.string() });
    expect(parseYaml('a: yes\nb: on\n', schema, { file: 'x.yaml' })).toEqual({ a: 'yes', b: 'on' });
  });

  it('names file, line, column for malformed YAML', () => {
    const error = errorOf(() =>
      parseYaml('stages:\n  train:\n    cmd: [unclosed\n', DvcYaml, { file: 'dvc.yaml' }),
    );
    expect(error.code).toBe('CAIRN_PARSE');
    expect(error.message).toBe(
      'dvc.yaml:4:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    );
  });

  it('reports a duplicate key with its position', () => {
    const error = errorOf(() => parseYaml('a: 1\na: 2\n', z.unknown(), { file: 'p.yaml' }));
    expect(error.message).toBe('p.yaml:2:1: invalid YAML: Map keys must be unique');
  });

  it('names the field, line and expected type of a wrong field', () => {
    const text = ['stages:', '  train:', '    cmd: python train.py', '    frozen: "yes"', ''].join(
      '\n',
    );
    const error = errorOf(() => parseYaml(text, DvcYaml, { file: 'dvc.yaml' }));
    expect(error.code).toBe('CAIRN_SCHEMA');
    expect(error.message).toBe(
      'dvc.yaml:4:13: stages.train.frozen: expected boolean, got string "yes"',
    );
  });

  it('points at an unknown key', () => {
    const text = 'outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  sizee: 3\n  path: foo\n';
    const error = errorOf(() => parseYaml(text, DvcFile, { file: 'data/foo.dvc' }));
    expect(error.message).toBe('data/foo.dvc:3:3: outs[0].sizee: unknown field');
  });

  it('reports a missing required field at its parent', () => {
    const text = 'outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\n';
    const error = errorOf(() => parseYaml(text, DvcFile, { file: 'foo.dvc' }));
    expect(error.message).toBe(
      'foo.dvc:2:3: outs[0].path: required field missing (expected string)',
    );
  });

  it('reports the inner field of a path-with-flags entry', () => {
    const text = 'stages:\n  s:\n    cmd: x\n    outs:\n    - model.bin:\n        cache: nope\n';
    const error = errorOf(() => parseYaml(text, DvcYaml, { file: 'dvc.yaml' }));
    expect(error.message).toBe(
      'dvc.yaml:6:16: stages.s.outs[0]["model.bin"].cache: expected boolean, got string "nope"',
    );
  });

  it('rejects a lock file whose schema is not the string 2.0', () => {
    const error = errorOf(() =>
      parseYaml('schema: 2.0\nstages: {}\n', DvcLock, { file: 'dvc.lock' }),
    );
    expect(error.message).toBe('dvc.lock:1:9: schema: expected "2.0", got number 2');
  });

  it('lists every issue, one per line', () => {
    const text = 'outs:\n- path: 1\n  size: -1\n';
    const error = errorOf(() => parseYaml(text, DvcFile, { file: 'a.dvc' }));
    expect(error.issues.map((i) => i.path)).toEqual(['outs[0].path', 'outs[0].size']);
    expect(error.message.split('\n')).toHaveLength(2);
  });
});

describe('parseJson', () => {
  it('reports JSON syntax errors with line and column', () => {
    const error = errorOf(() => parseJson('{\n  "a": 1,\n}\n', z.unknown(), { file: 'm.json' }));
    expect(error.code).toBe('CAIRN_PARSE');
    expect(error.message).toBe('m.json:3:1: invalid JSON: Expected double-quoted property name');
  });

  it('locates schema errors in JSON files', () => {
    const schema = z.strictObject({ metrics: z.strictObject({ auc: z.number() }) });
    const error = errorOf(() =>
      parseJson('{\n  "metrics": {\n    "auc": "high"\n  }\n}\n', schema, { file: 'm.json' }),
    );
    expect(error.message).toBe('m.json:3:12: metrics.auc: expected number, got string "high"');
  });

  it('picks the format from the extension', () => {
    expect(parseStructured('{"a": 1}', z.object({ a: z.number() }), { file: 'x.JSON' })).toEqual({
      a: 1,
    });
  });
});

describe('formatPath', () => {
  it('quotes keys that are not identifiers', () => {
    expect(formatPath(['params', 'params.yaml', 'lr'])).toBe('params["params.yaml"].lr');
    expect(formatPath(['outs', 0, 'path'])).toBe('outs[0].path');
  });
});

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import vectors from './__fixtures__/dvc-vectors.json' with { type: 'json' };
import {
  buildTree,
  compareCodePoints,
  parseTree,
  pythonJsonString,
  serializeTree,
  type TreeEntry,
} from './tree.js';

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

describe('DVC directory objects', () => {
  it.each(vectors.dir.map((v) => [v.oid, v] as const))('builds %s byte for byte', (_, v) => {
    const entries: TreeEntry[] = Object.entries(v.files).map(([relpath, content]) => ({
      relpath,
      md5: md5(content),
    }));
    const tree = buildTree(entries);
    expect(tree.bytes.toString('utf8')).toBe(v.dir_json);
    expect(tree.oid).toBe(v.oid);
    expect(Object.values(v.files).reduce((n, c) => n + Buffer.byteLength(c), 0)).toBe(v.size);
    expect(tree.entries).toHaveLength(v.nfiles);
  });

  it('stores exactly the hashed bytes (literal dvc-data object)', () => {
    const { oid, bytes_utf8 } = vectors.literal_dir_object;
    const entries = parseTree(bytes_utf8, oid);
    const tree = buildTree(entries);
    expect(tree.bytes.toString('utf8')).toBe(bytes_utf8);
    expect(tree.oid).toBe(oid);
  });

  it('sorts by code point, not UTF-16 units', () => {
    expect(compareCodePoints('\uff21', '😀.bin')).toBeLessThan(0);
    expect('\uff21' < '😀.bin').toBe(false); // what JavaScript's default order would do
    expect(compareCodePoints('a-b', 'a/b')).toBeLessThan(0);
    expect(compareCodePoints('B', 'a')).toBeLessThan(0);
    expect(compareCodePoints('a', 'a0')).toBeLessThan(0);
  });

  it('escapes like json.dumps(ensure_ascii=True)', () => {
    expect(pythonJsonString('ä.txt')).toBe('"\\u00e4.txt"');
    expect(pythonJsonString('😀')).toBe('"\\ud83d\\ude00"');
    expect(pythonJsonString('a"b\\c\n\t\x7f\x01')).toBe('"a\\"b\\\\c\\n\\t\\u007f\\u0001"');
    expect(pythonJsonString('a/b c')).toBe('"a/b c"');
  });

  it('serialises the empty directory as []', () => {
    expect(serializeTree([]).toString()).toBe('[]');
    expect(buildTree([]).oid).toBe('d751713988987e9331980363e24189ce.dir');
  });
});

describe('parseTree safety', () => {
  const oid = 'x.dir';
  const obj = (relpath: string) => JSON.stringify([{ md5: md5('x'), relpath }]);

  it.each([
    ['../escape', 'path escapes the directory ("..")'],
    ['a/../../b', 'path escapes the directory ("..")'],
    ['/etc/passwd', 'absolute path'],
    ['a//b', 'empty or "." path segment'],
    ['./a', 'empty or "." path segment'],
  ])('rejects %s', (relpath, problem) => {
    expect(() => parseTree(obj(relpath), oid)).toThrow(
      `directory object x.dir has an unsafe entry ${JSON.stringify(relpath)}: ${problem}`,
    );
  });

  it('rejects objects DVC would not write', () => {
    expect(() => parseTree('{}', oid)).toThrow('expected a JSON list of {md5, relpath}');
    expect(() => parseTree('[{"relpath": "a"}]', oid)).toThrow('entry 0 (a) has no valid md5');
    expect(() => parseTree('not json', oid)).toThrow('directory object x.dir is invalid: not JSON');
    expect(() => parseTree(`[{"md5": "${md5('a')}", "relpath": "a", "size": 1}]`, oid)).toThrow(
      'entry 0 (a) has extra keys',
    );
    const control = JSON.stringify([{ md5: '\u0010'.repeat(32), relpath: 'a' }]);
    expect(() => parseTree(control, oid)).toThrow('entry 0 (a) has no valid md5');
    expect(() => parseTree(`[{"md5": "${md5('a').slice(1)}", "relpath": "a"}]`, oid)).toThrow(
      'entry 0 (a) has no valid md5',
    );
  });

  it('reads upper-case digests as lower-case and keeps plain names as they are', () => {
    const upper = JSON.stringify([{ md5: md5('a').toUpperCase(), relpath: 'd ir/é..x/.f' }]);
    expect(parseTree(upper, oid)).toEqual([{ md5: md5('a'), relpath: 'd ir/é..x/.f' }]);
  });
});

import { describe, expect, it } from 'vitest';
import { IniDocument, quoteValue } from './ini.js';

const DVC_S3_SSL_VERIFY =
  '[core]\n    no_scm = True\n[\'remote "remote-name"\']\n    url = s3://bucket/dvc\n    ssl_verify = False\n';

describe('IniDocument', () => {
  it('reads DVC config sections, named sections and values', () => {
    const doc = IniDocument.parse(DVC_S3_SSL_VERIFY, '.dvc/config');
    expect(doc.sections()).toEqual(['core', 'remote "remote-name"']);
    expect(doc.get('core', 'no_scm')).toBe('True');
    expect(doc.get('remote "remote-name"', 'url')).toBe('s3://bucket/dvc');
    expect(doc.toString()).toBe(DVC_S3_SSL_VERIFY);
  });

  it('writes new sections and keys exactly as DVC (configobj) does', () => {
    const doc = IniDocument.empty();
    doc.set('remote "storage"', 'url', 's3://bucket/path');
    doc.set('core', 'remote', 'storage');
    doc.set('cache', 'type', 'reflink,copy');
    doc.set('remote "storage"', 'region', 'us-east-2');
    doc.set('core', 'autostage', 'true');
    // Named sections come last, like DVC's _pack_named; comma values are double-quoted.
    expect(doc.toString()).toBe(
      [
        '[core]',
        '    remote = storage',
        '    autostage = true',
        '[cache]',
        '    type = "reflink,copy"',
        '[\'remote "storage"\']',
        '    url = s3://bucket/path',
        '    region = us-east-2',
        '',
      ].join('\n'),
    );
  });

  it('keeps comments, blank lines and unknown keys when editing', () => {
    const text = [
      '# team settings',
      '[core]',
      '    remote = storage  # the default',
      '',
      '    future_option = 1',
      '[\'remote "storage"\']',
      '    # bucket owned by infra',
      '    url = s3://a/b',
      '',
    ].join('\n');
    const doc = IniDocument.parse(text, 'config');
    expect(doc.get('core', 'remote')).toBe('storage');
    doc.set('core', 'autostage', 'true');
    doc.set('remote "storage"', 'url', 's3://c/d');
    expect(doc.toString()).toBe(
      [
        '# team settings',
        '[core]',
        '    remote = storage  # the default',
        '',
        '    future_option = 1',
        '    autostage = true',
        '[\'remote "storage"\']',
        '    # bucket owned by infra',
        '    url = s3://c/d',
        '',
      ].join('\n'),
    );
  });

  it('parses configobj lists and quoting', () => {
    const doc = IniDocument.parse(
      [
        '[cache]',
        '    type = hardlink, symlink',
        '    one = copy,',
        '    quoted = "reflink,copy"',
        "    single = 'a # b'",
        '    empty =',
        '    inline = value # comment',
      ].join('\n'),
      'config',
    );
    expect(doc.get('cache', 'type')).toEqual(['hardlink', 'symlink']);
    expect(doc.get('cache', 'one')).toEqual(['copy']);
    expect(doc.get('cache', 'quoted')).toBe('reflink,copy');
    expect(doc.get('cache', 'single')).toBe('a # b');
    expect(doc.get('cache', 'empty')).toBe('');
    expect(doc.get('cache', 'inline')).toBe('value');
  });

  it('matches keys and named sections case-insensitively, as DVC lower-cases them', () => {
    const doc = IniDocument.parse('[\'remote "S3"\']\n    URL = s3://x\n', 'config');
    expect(doc.get('remote "s3"', 'url')).toBe('s3://x');
  });

  it('unsets keys and drops sections left empty', () => {
    const doc = IniDocument.parse('[core]\n    remote = a\n[cache]\n    dir = ../c\n', 'config');
    expect(doc.unset('core', 'remote')).toBe(true);
    expect(doc.unset('core', 'remote')).toBe(false);
    expect(doc.toString()).toBe('[cache]\n    dir = ../c\n');
  });

  it('renames and removes sections', () => {
    const doc = IniDocument.parse('[\'remote "a"\']\n    url = /x\n[core]\n    remote = a\n', 'c');
    doc.renameSection('remote "a"', 'remote "b"');
    expect(doc.toString()).toBe('[\'remote "b"\']\n    url = /x\n[core]\n    remote = a\n');
    doc.removeSection('remote "b"');
    expect(doc.toString()).toBe('[core]\n    remote = a\n');
  });

  it('reports syntax errors with file and line', () => {
    expect(() => IniDocument.parse('[core]\n    remote\n', '.dvc/config')).toThrow(
      '.dvc/config:2: expected "key = value", got "remote"',
    );
    expect(() => IniDocument.parse('remote = x\n', '.dvc/config')).toThrow(
      '.dvc/config:1: a key must be inside a [section]',
    );
    expect(() => IniDocument.parse('[core\n', '.dvc/config')).toThrow(
      '.dvc/config:1: invalid section header "[core"',
    );
  });
});

describe('quoteValue', () => {
  it('quotes like configobj', () => {
    expect(quoteValue('plain')).toBe('plain');
    expect(quoteValue('')).toBe('""');
    expect(quoteValue('a,b')).toBe('"a,b"');
    expect(quoteValue(' lead')).toBe('" lead"');
    expect(quoteValue('has "dq", too')).toBe('\'has "dq", too\'');
    expect(quoteValue('x#y')).toBe('"x#y"');
  });
});

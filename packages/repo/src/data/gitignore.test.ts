import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addGitignoreEntries, removeGitignoreEntries } from './gitignore.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cairn-gitignore-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const gitignore = () => join(dir, '.gitignore');
const text = () => readFileSync(gitignore(), 'utf8');

describe('removeGitignoreEntries', () => {
  it('deletes a .gitignore left without any line, as DVC does', () => {
    addGitignoreEntries([join(dir, 'a.csv'), join(dir, 'b.csv')]);
    expect(text()).toBe('/a.csv\n/b.csv\n');
    expect(removeGitignoreEntries([join(dir, 'a.csv')])).toEqual([gitignore()]);
    expect(text()).toBe('/b.csv\n');
    removeGitignoreEntries([join(dir, 'b.csv')]);
    expect(existsSync(gitignore())).toBe(false);
  });

  it('keeps every other line, blank ones and comments included, byte for byte', () => {
    writeFileSync(gitignore(), '# data\r\n/a.csv\r\n\r\n*.tmp\n/b.csv');
    removeGitignoreEntries([join(dir, 'a.csv'), join(dir, 'b.csv')]);
    expect(text()).toBe('# data\r\n\r\n*.tmp\n');
    // A blank line is a line: the file stays (DVC's readlines() keeps it too).
    writeFileSync(gitignore(), '/a.csv\n\n');
    removeGitignoreEntries([join(dir, 'a.csv')]);
    expect(text()).toBe('\n');
  });

  it('matches an entry written with surrounding whitespace, and reports paths without one', () => {
    writeFileSync(gitignore(), '  /a.csv \t\n/c.csv\n');
    expect(removeGitignoreEntries([join(dir, 'a.csv'), join(dir, 'b.csv')])).toEqual([
      gitignore(),
      undefined,
    ]);
    expect(text()).toBe('/c.csv\n');
  });
});

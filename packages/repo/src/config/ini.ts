/**
 * DVC's config dialect (Python configobj) as an editable document: reading gives sections of
 * string / string-list values; editing changes only the touched lines, so comments, order and
 * unknown keys survive (DVC itself rewrites the file and drops comments). New lines are written
 * exactly as configobj writes them (`[core]`, four-space indent, `['remote "name"']`, values quoted
 * when they hold commas, `#` or edge whitespace).
 */
import { CairnError } from '@cairn/types';

export type IniValue = string | string[];

interface Blank {
  kind: 'other';
  raw: string;
}
interface SectionLine {
  kind: 'section';
  raw: string;
  name: string;
}
interface EntryLine {
  kind: 'entry';
  raw: string;
  key: string;
  value: IniValue;
}
type Line = Blank | SectionLine | EntryLine;

export interface IniEntry {
  key: string;
  value: IniValue;
  /** 1-based line number in the parsed text (0 for entries added since). */
  line: number;
}

const NAMED_SECTION = /^\s*(remote|machine|db)\s*"(.*)"\s*$/;

export class IniDocument {
  private constructor(
    private readonly lines: Line[],
    private readonly lineNumbers: Map<Line, number>,
    private readonly eol: string,
  ) {}

  static parse(text: string, file: string): IniDocument {
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    const rawLines = text.split(/\r?\n/);
    if (rawLines.at(-1) === '') rawLines.pop();
    const lines: Line[] = [];
    const numbers = new Map<Line, number>();
    let inSection = false;
    rawLines.forEach((raw, index) => {
      const lineNo = index + 1;
      const fail = (message: string): never => {
        throw new CairnError('CAIRN_CONFIG_PARSE', `${file}:${lineNo}: ${message}`, {
          details: { file, line: lineNo },
        });
      };
      const trimmed = raw.trim();
      let line: Line;
      if (trimmed === '' || trimmed.startsWith('#')) line = { kind: 'other', raw };
      else if (trimmed.startsWith('[')) {
        const match = /^\[(.*)\]\s*(#.*)?$/.exec(trimmed);
        if (!match) fail(`invalid section header ${JSON.stringify(trimmed)}`);
        const inner = (match?.[1] ?? '').trim();
        if (inner.startsWith('[')) fail('nested sections are not supported in DVC config');
        line = { kind: 'section', raw, name: unquoteName(inner, fail) };
        inSection = true;
      } else {
        const eq = findUnquoted(trimmed, '=');
        if (eq <= 0) fail(`expected "key = value", got ${JSON.stringify(trimmed)}`);
        if (!inSection) fail('a key must be inside a [section]');
        const key = unquoteName(trimmed.slice(0, eq).trim(), fail);
        line = { kind: 'entry', raw, key, value: parseValue(trimmed.slice(eq + 1), fail) };
      }
      lines.push(line);
      numbers.set(line, lineNo);
    });
    return new IniDocument(lines, numbers, eol);
  }

  static empty(): IniDocument {
    return new IniDocument([], new Map(), '\n');
  }

  /** Section names as written (e.g. `core`, `remote "storage"`), in file order. */
  sections(): string[] {
    return this.lines.flatMap((l) => (l.kind === 'section' ? [l.name] : []));
  }

  entries(section: string): IniEntry[] {
    return this.sectionEntries(section).map((l) => ({
      key: l.key,
      value: l.value,
      line: this.lineNumbers.get(l) ?? 0,
    }));
  }

  /** The line number of a section header, or of a key in it (case-insensitive, as DVC). */
  lineOf(section: string, key?: string): number {
    const header = this.findSection(section);
    if (!header) return 0;
    if (key === undefined) return this.lineNumbers.get(header.line) ?? 0;
    const entry = this.sectionEntries(section).find((l) => sameKey(l.key, key));
    return entry ? (this.lineNumbers.get(entry) ?? 0) : (this.lineNumbers.get(header.line) ?? 0);
  }

  get(section: string, key: string): IniValue | undefined {
    return this.sectionEntries(section).find((l) => sameKey(l.key, key))?.value;
  }

  set(section: string, key: string, value: IniValue): void {
    const existing = this.sectionEntries(section).find((l) => sameKey(l.key, key));
    const raw = `    ${quoteValue(key)} = ${formatValue(value)}`;
    if (existing) {
      const index = this.lines.indexOf(existing);
      this.lines[index] = { kind: 'entry', raw, key: existing.key, value };
      return;
    }
    const target = this.findSection(section) ?? this.addSection(section);
    const end = this.sectionEnd(target.index);
    // After the last entry of the section, so trailing comments of the next section stay put.
    let insertAt = target.index + 1;
    for (let i = target.index + 1; i < end; i++) {
      if (this.lines[i]?.kind === 'entry') insertAt = i + 1;
    }
    this.lines.splice(insertAt, 0, { kind: 'entry', raw, key, value });
  }

  /** Removes a key; drops the section header when no entries remain. Returns whether it existed. */
  unset(section: string, key: string): boolean {
    const existing = this.sectionEntries(section).find((l) => sameKey(l.key, key));
    if (!existing) return false;
    this.lines.splice(this.lines.indexOf(existing), 1);
    const header = this.findSection(section);
    if (header && this.sectionEntries(section).length === 0) {
      const end = this.sectionEnd(header.index);
      const onlyBlank = this.lines
        .slice(header.index + 1, end)
        .every((l) => l.kind === 'other' && l.raw.trim() === '');
      if (onlyBlank) this.lines.splice(header.index, end - header.index);
    }
    return true;
  }

  removeSection(section: string): boolean {
    const header = this.findSection(section);
    if (!header) return false;
    this.lines.splice(header.index, this.sectionEnd(header.index) - header.index);
    return true;
  }

  renameSection(from: string, to: string): boolean {
    const header = this.findSection(from);
    if (!header) return false;
    this.lines[header.index] = { kind: 'section', raw: sectionHeader(to), name: to };
    return true;
  }

  toString(): string {
    return this.lines.length === 0
      ? ''
      : `${this.lines.map((l) => l.raw).join(this.eol)}${this.eol}`;
  }

  private findSection(name: string): { line: SectionLine; index: number } | undefined {
    const wanted = normaliseSection(name);
    const index = this.lines.findIndex(
      (l) => l.kind === 'section' && normaliseSection(l.name) === wanted,
    );
    const line = this.lines[index];
    return line?.kind === 'section' ? { line, index } : undefined;
  }

  private sectionEnd(headerIndex: number): number {
    for (let i = headerIndex + 1; i < this.lines.length; i++) {
      if (this.lines[i]?.kind === 'section') return i;
    }
    return this.lines.length;
  }

  private sectionEntries(section: string): EntryLine[] {
    const header = this.findSection(section);
    if (!header) return [];
    return this.lines
      .slice(header.index + 1, this.sectionEnd(header.index))
      .filter((l): l is EntryLine => l.kind === 'entry');
  }

  private addSection(name: string): { line: SectionLine; index: number } {
    const line: SectionLine = { kind: 'section', raw: sectionHeader(name), name };
    // DVC writes plain sections first and named ones (`remote "x"`) last.
    let index = this.lines.length;
    if (!NAMED_SECTION.test(name)) {
      const firstNamed = this.lines.findIndex(
        (l) => l.kind === 'section' && NAMED_SECTION.test(l.name),
      );
      if (firstNamed >= 0) index = firstNamed;
    }
    this.lines.splice(index, 0, line);
    return { line, index };
  }
}

/** DVC lower-cases every key and section name; `remote "S3"` and `remote "s3"` are one remote. */
function sameKey(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function normaliseSection(name: string): string {
  const named = NAMED_SECTION.exec(name);
  return named
    ? `${named[1]?.toLowerCase()} "${named[2]?.toLowerCase()}"`
    : name.trim().toLowerCase();
}

function sectionHeader(name: string): string {
  return `[${quoteValue(name)}]`;
}

function unquoteName(text: string, fail: (m: string) => never): string {
  const first = text[0];
  if ((first === '"' || first === "'") && text.length >= 2) {
    if (text.at(-1) !== first) fail(`unterminated quote in ${JSON.stringify(text)}`);
    return text.slice(1, -1);
  }
  return text;
}

/** Index of `char` outside quotes, or -1. */
function findUnquoted(text: string, char: string): number {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === char) return i;
  }
  return -1;
}

/**
 * configobj value syntax: a quoted string; or unquoted text, which becomes a list when it holds a
 * comma (`a, b` and the one-item `a,`); an inline `# comment` ends an unquoted value.
 */
function parseValue(source: string, fail: (m: string) => never): IniValue {
  const items: string[] = [];
  let i = 0;
  let sawComma = false;
  const text = source.trim();
  if (text.startsWith("'''") || text.startsWith('"""')) {
    const q = text.slice(0, 3);
    const end = text.indexOf(q, 3);
    if (end < 0) fail('multi-line values are not supported in DVC config');
    return text.slice(3, end);
  }
  while (i < text.length) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (i >= text.length || text[i] === '#') break;
    const c = text[i] as string;
    let item: string;
    if (c === '"' || c === "'") {
      const end = text.indexOf(c, i + 1);
      if (end < 0) fail(`unterminated quote in value ${JSON.stringify(text)}`);
      item = text.slice(i + 1, end);
      i = end + 1;
    } else {
      let j = i;
      while (j < text.length && text[j] !== ',' && text[j] !== '#') j++;
      item = text.slice(i, j).trimEnd();
      i = j;
    }
    items.push(item);
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] === ',') {
      sawComma = true;
      i++;
    } else if (i < text.length && text[i] !== '#') {
      fail(`unexpected text after value: ${JSON.stringify(text.slice(i))}`);
    } else break;
  }
  if (sawComma) return items.filter((item, index) => item !== '' || index < items.length - 1);
  return items[0] ?? '';
}

const EDGE = ' \r\n\v\t\'"';

/** configobj's `_quote`: quote only when the plain form would not read back as the same string. */
export function quoteValue(value: string): string {
  if (value === '') return '""';
  if (value.includes('\n')) {
    throw new CairnError('CAIRN_CONFIG_VALUE', 'config values cannot contain newlines');
  }
  const plain =
    !EDGE.includes(value[0] as string) &&
    !EDGE.includes(value.at(-1) as string) &&
    !value.includes(',') &&
    !value.includes('#');
  if (plain) return value;
  if (value.includes('"') && value.includes("'")) {
    throw new CairnError(
      'CAIRN_CONFIG_VALUE',
      `config value ${JSON.stringify(value)} holds both quote characters, which DVC cannot store`,
    );
  }
  return value.includes('"') ? `'${value}'` : `"${value}"`;
}

function formatValue(value: IniValue): string {
  if (!Array.isArray(value)) return quoteValue(value);
  if (value.length === 0) return ',';
  if (value.length === 1) return `${quoteValue(value[0] as string)},`;
  return value.map(quoteValue).join(', ');
}

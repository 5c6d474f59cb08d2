/**
 * Python params files (`params.py`), the subset DVC reads (dvc/utils/serialize/_py.py): module
 * level `NAME = <literal>` (and `NAME: type = <literal>`), classes as nested dicts of their
 * `NAME = <literal>` lines and of the `self.NAME = <literal>` lines of their `__init__`.
 * Literals: numbers, strings, True/False/None, lists, tuples and sets (as lists), dicts.
 * Anything else (calls, expressions, imports) is skipped, as DVC skips what `literal_eval`
 * rejects. Not supported: f-strings, bytes, line continuations with `\`.
 */
import { CairnParseError } from '@cairn/types';
import { type PyDict, type PyValue, pyFloat, pyInt, pyStr } from './py-value.js';

type Token =
  | { kind: 'name'; text: string; line: number; col: number }
  | { kind: 'number'; text: string; line: number; col: number }
  | { kind: 'string'; value: string; line: number; col: number }
  | { kind: 'op'; text: string; line: number; col: number }
  | { kind: 'newline'; line: number; col: number }
  | { kind: 'indent' | 'dedent'; line: number; col: number };

class Skip extends Error {}

export function parsePythonLiterals(text: string, file: string): PyDict {
  const tokens = tokenize(text, file);
  const parser = new Parser(tokens);
  return parser.block(0);
}

function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  const indents = [0];
  let depth = 0;
  let i = 0;
  let line = 1;
  let lineStart = 0;
  let atLineStart = true;
  const fail = (message: string): never => {
    throw new CairnParseError('CAIRN_PARSE', file, [
      { path: '', line, column: i - lineStart + 1, message: `invalid Python: ${message}` },
    ]);
  };
  while (i < text.length) {
    if (atLineStart && depth === 0) {
      let width = 0;
      while (text[i] === ' ' || text[i] === '\t') {
        width += text[i] === '\t' ? 8 - (width % 8) : 1;
        i++;
      }
      const ch = text[i];
      if (ch === '\n' || ch === '#' || ch === '\r' || ch === undefined) {
        // A blank or comment-only line does not change the indentation.
      } else if (width > (indents[indents.length - 1] ?? 0)) {
        indents.push(width);
        tokens.push({ kind: 'indent', line, col: 1 });
      } else {
        while (width < (indents[indents.length - 1] ?? 0)) {
          indents.pop();
          tokens.push({ kind: 'dedent', line, col: 1 });
        }
      }
      atLineStart = false;
    }
    const ch = text[i] as string;
    const col = i - lineStart + 1;
    if (ch === '\n') {
      if (depth === 0) tokens.push({ kind: 'newline', line, col });
      i++;
      line++;
      lineStart = i;
      atLineStart = true;
    } else if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f') i++;
    else if (ch === '#') while (i < text.length && text[i] !== '\n') i++;
    else if (ch === '\\' && text[i + 1] === '\n') i += 2;
    else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i)) as RegExpExecArray;
      const word = m[0];
      const next = text[i + word.length];
      if ((next === '"' || next === "'") && /^[rRuUbBfF]{1,2}$/.test(word)) {
        const raw = /r/i.test(word);
        i += word.length;
        tokens.push({ kind: 'string', value: readString(raw), line, col });
      } else {
        tokens.push({ kind: 'name', text: word, line, col });
        i += word.length;
      }
    } else if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const m =
        /^(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:[0-9][0-9_]*)?\.?[0-9_]*(?:[eE][-+]?[0-9_]+)?[jJ]?)/.exec(
          text.slice(i),
        ) as RegExpExecArray;
      tokens.push({ kind: 'number', text: m[0], line, col });
      i += m[0].length;
    } else if (ch === '"' || ch === "'") {
      tokens.push({ kind: 'string', value: readString(false), line, col });
    } else {
      const op = /^(?:\*\*|->|:=|==|!=|<=|>=|\/\/|[-+*/%@&|^~<>()[\]{},:;.=!])/.exec(text.slice(i));
      if (!op) fail(`unexpected character ${JSON.stringify(ch)}`);
      const opText = (op as RegExpExecArray)[0];
      if ('([{'.includes(opText)) depth++;
      if (')]}'.includes(opText)) depth = Math.max(0, depth - 1);
      tokens.push({ kind: 'op', text: opText, line, col });
      i += opText.length;
    }
  }
  tokens.push({ kind: 'newline', line, col: 1 });
  while (indents.length > 1) {
    indents.pop();
    tokens.push({ kind: 'dedent', line, col: 1 });
  }
  return tokens;

  function readString(raw: boolean): string {
    const quote = text[i] as string;
    const triple = text.startsWith(quote.repeat(3), i);
    const end = triple ? quote.repeat(3) : quote;
    i += end.length;
    let out = '';
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      if (text.startsWith(end, i)) {
        i += end.length;
        return out;
      }
      const c = text[i] as string;
      if (c === '\n') {
        if (!triple) fail('unterminated string');
        line++;
        lineStart = i + 1;
      }
      if (c === '\\' && !raw) {
        const e = text[i + 1] ?? '';
        const simple: Record<string, string> = {
          n: '\n',
          t: '\t',
          r: '\r',
          '\\': '\\',
          "'": "'",
          '"': '"',
          '0': '\0',
          a: '\x07',
          b: '\b',
          f: '\f',
          v: '\v',
          '\n': '',
        };
        if (e in simple) {
          out += simple[e];
          i += 2;
          continue;
        }
        const hex = /^(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))/.exec(
          text.slice(i + 1),
        );
        if (hex) {
          out += String.fromCodePoint(Number.parseInt(hex[1] ?? hex[2] ?? hex[3] ?? '0', 16));
          i += 1 + hex[0].length;
          continue;
        }
      }
      out += c;
      i++;
    }
  }
}

class Parser {
  private pos = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }

  private isOp(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t?.kind === 'op' && t.text === text;
  }

  /** Statements until the block at this nesting ends; `selfOnly` inside `__init__`. */
  block(level: number, selfOnly = false): PyDict {
    const out: PyDict = {};
    for (;;) {
      const t = this.peek();
      if (!t) return out;
      if (t.kind === 'dedent') {
        if (level > 0) {
          this.pos++;
          return out;
        }
        this.pos++;
        continue;
      }
      if (t.kind === 'newline' || t.kind === 'indent') {
        this.pos++;
        continue;
      }
      this.statement(out, level, selfOnly);
    }
  }

  private statement(out: PyDict, level: number, selfOnly: boolean): void {
    const t = this.peek() as Token;
    if (t.kind === 'name' && (t.text === 'class' || t.text === 'def')) {
      const name = this.peek(1);
      this.skipLine();
      const body = this.peek()?.kind === 'indent' ? this.nested(level, name, t.text) : {};
      if (t.text === 'class' && name?.kind === 'name' && !selfOnly) out[name.text] = body;
      if (t.text === 'def' && name?.kind === 'name' && name.text === '__init__' && level > 0) {
        Object.assign(out, body);
      }
      return;
    }
    const start = this.pos;
    try {
      const key = this.target(selfOnly);
      if (this.isOp(':')) {
        this.pos++;
        this.skipUntil('=');
      }
      if (!this.isOp('=')) throw new Skip();
      this.pos++;
      const value = this.expression();
      if (this.peek()?.kind !== 'newline' && !this.isOp(';')) throw new Skip();
      out[key] = value;
    } catch (error) {
      if (!(error instanceof Skip)) throw error;
      this.pos = start;
    }
    this.skipLine();
  }

  private nested(level: number, name: Token | undefined, keyword: string): PyDict {
    this.pos++; // indent
    const selfOnly = keyword === 'def';
    if (keyword === 'def' && !(name?.kind === 'name' && name.text === '__init__')) {
      this.block(level + 1, true);
      return {};
    }
    return this.block(level + 1, selfOnly);
  }

  private target(selfOnly: boolean): string {
    const t = this.peek();
    if (t?.kind !== 'name') throw new Skip();
    if (selfOnly) {
      if (t.text !== 'self' || !this.isOp('.', 1)) throw new Skip();
      const attr = this.peek(2);
      if (attr?.kind !== 'name') throw new Skip();
      this.pos += 3;
      return attr.text;
    }
    this.pos++;
    return t.text;
  }

  private skipUntil(op: string): void {
    while (this.peek() && this.peek()?.kind !== 'newline' && !this.isOp(op)) this.pos++;
  }

  private skipLine(): void {
    while (this.peek() && this.peek()?.kind !== 'newline') this.pos++;
    if (this.peek()?.kind === 'newline') this.pos++;
  }

  private expression(): PyValue {
    const first = this.atom();
    if (this.isOp(',')) {
      // A bare tuple: `x = 1, 2`.
      const items = [first];
      while (this.isOp(',')) {
        this.pos++;
        if (this.peek()?.kind === 'newline') break;
        items.push(this.atom());
      }
      return items;
    }
    return first;
  }

  private atom(): PyValue {
    const t = this.peek();
    if (!t) throw new Skip();
    if (t.kind === 'op' && (t.text === '-' || t.text === '+')) {
      this.pos++;
      const value = this.atom();
      if (t.text === '+') return value;
      if (typeof value === 'number') return -value;
      if (typeof value === 'bigint') return -value;
      if (
        value !== null &&
        typeof value === 'object' &&
        'valueOf' in value &&
        !Array.isArray(value)
      ) {
        const n = Number(value.valueOf());
        if (Number.isFinite(n) || Number.isNaN(n)) return pyFloat(-n);
      }
      throw new Skip();
    }
    this.pos++;
    if (t.kind === 'number') return numberValue(t.text);
    if (t.kind === 'string') {
      let value = t.value;
      for (let next = this.peek(); next?.kind === 'string'; next = this.peek()) {
        value += next.value;
        this.pos++;
      }
      return value;
    }
    if (t.kind === 'name') {
      if (t.text === 'True') return true;
      if (t.text === 'False') return false;
      if (t.text === 'None') return null;
      throw new Skip();
    }
    if (t.kind === 'op' && (t.text === '[' || t.text === '(')) {
      const close = t.text === '[' ? ']' : ')';
      const items = this.items(close, () => this.atom());
      if (close === ')' && items.length === 1 && !this.lastHadComma) return items[0] as PyValue;
      return items;
    }
    if (t.kind === 'op' && t.text === '{') return this.braces();
    throw new Skip();
  }

  private lastHadComma = false;

  private items<T>(close: string, item: () => T): T[] {
    const out: T[] = [];
    this.lastHadComma = false;
    for (;;) {
      if (this.isOp(close)) {
        this.pos++;
        return out;
      }
      out.push(item());
      if (this.isOp(',')) {
        this.pos++;
        this.lastHadComma = true;
      } else if (!this.isOp(close)) throw new Skip();
    }
  }

  private braces(): PyValue {
    if (this.isOp('}')) {
      this.pos++;
      return {};
    }
    const first = this.atom();
    if (!this.isOp(':')) {
      // A set literal; Python's set order is not defined, the file's order is kept.
      if (!this.isOp(',')) {
        if (!this.isOp('}')) throw new Skip();
        this.pos++;
        return [first];
      }
      this.pos++;
      return [first, ...this.items('}', () => this.atom())];
    }
    const out: PyDict = {};
    this.pos++;
    out[pyStr(first)] = this.atom();
    if (this.isOp(',')) this.pos++;
    for (const [k, v] of this.items('}', () => this.pair())) out[k] = v;
    return out;
  }

  private pair(): [string, PyValue] {
    const key = this.atom();
    if (!this.isOp(':')) throw new Skip();
    this.pos++;
    return [pyStr(key), this.atom()];
  }
}

function numberValue(text: string): PyValue {
  const clean = text.replaceAll('_', '');
  if (/[jJ]$/.test(clean)) throw new Skip();
  if (/^0[xXoObB]/.test(clean)) return pyInt(clean);
  if (/[.eE]/.test(clean)) return pyFloat(Number(clean));
  return pyInt(clean.replace(/^0+(?=\d)/, ''));
}

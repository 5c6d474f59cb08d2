/**
 * JSON as Python's `json.load` reads it: `1.0` stays a float, `1` an int, and a later duplicate
 * key wins. `JSON.parse` (Node 20 has no source-text access) checks the syntax and reports errors;
 * a small scanner then builds the values from the already valid text.
 */
import { parseJson } from '@cairn/types';
import { z } from 'zod';
import { type PyDict, type PyValue, pyFloat, pyInt } from './py-value.js';

export function parseJsonPy(text: string, file: string): PyValue {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  parseJson(source, z.unknown(), { file });
  return new Scanner(source).value();
}

class Scanner {
  private i = 0;

  constructor(private readonly s: string) {}

  value(): PyValue {
    this.skip();
    const ch = this.s[this.i];
    if (ch === '{') return this.object();
    if (ch === '[') return this.array();
    if (ch === '"') return this.string();
    if (this.s.startsWith('true', this.i)) return this.literal(4, true);
    if (this.s.startsWith('false', this.i)) return this.literal(5, false);
    if (this.s.startsWith('null', this.i)) return this.literal(4, null);
    return this.number();
  }

  private skip(): void {
    while (/\s/.test(this.s[this.i] ?? '')) this.i++;
  }

  private literal(length: number, value: boolean | null): PyValue {
    this.i += length;
    return value;
  }

  private object(): PyDict {
    const out: PyDict = {};
    this.collection('}', () => {
      const key = this.string();
      this.skip();
      this.i++; // ':'
      out[key] = this.value();
    });
    return out;
  }

  private array(): PyValue[] {
    const out: PyValue[] = [];
    this.collection(']', () => out.push(this.value()));
    return out;
  }

  /** Items separated by commas up to `close`; the text is known to be valid JSON. */
  private collection(close: string, item: () => void): void {
    this.i++;
    this.skip();
    if (this.s[this.i] === close) {
      this.i++;
      return;
    }
    for (;;) {
      this.skip();
      item();
      this.skip();
      if (this.s[this.i++] === close) return;
    }
  }

  private string(): string {
    const start = this.i;
    this.i++;
    while (this.s[this.i] !== '"') this.i += this.s[this.i] === '\\' ? 2 : 1;
    this.i++;
    return JSON.parse(this.s.slice(start, this.i)) as string;
  }

  private number(): PyValue {
    const match = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(this.s.slice(this.i, this.i + 400));
    const text = match?.[0] ?? '';
    this.i += text.length;
    return match?.[1] !== undefined || match?.[2] !== undefined
      ? pyFloat(Number(text))
      : pyInt(text);
  }
}

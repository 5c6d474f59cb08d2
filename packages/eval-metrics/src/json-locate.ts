/**
 * Positions inside JSON text, for error messages only (the data itself comes from `JSON.parse`):
 * the offset of the value at a path, or of the first syntax error. A small validating scanner,
 * because `JSON.parse` reports no position for some errors and none at all for valid values.
 */

export type JsonPath = readonly (string | number)[];

class Stop {
  constructor(readonly offset: number) {}
}

/** Offset of the value at `path`, or of the deepest ancestor that exists. Text must be valid JSON. */
export function jsonValueOffset(text: string, path: JsonPath): number {
  try {
    new Scanner(text, path).document();
  } catch (stop) {
    if (stop instanceof Stop) return stop.offset;
    throw stop;
  }
  return 0;
}

/** Offset of the first syntax error of `text`, or −1 when it is valid JSON. */
export function jsonSyntaxErrorOffset(text: string): number {
  try {
    new Scanner(text, undefined).document();
  } catch (stop) {
    if (stop instanceof Stop) return stop.offset;
    throw stop;
  }
  return -1;
}

/** 1-based line and column of `offset` in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

const LITERAL = /true|false|null/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
/** A string token; control characters (not allowed raw in JSON) are rejected separately. */
const STRING = /"(?:[^"\\]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

class Scanner {
  private pos = 0;

  /** With a target path, stops at its value; without, stops at the first syntax error. */
  constructor(
    private readonly text: string,
    private readonly target: JsonPath | undefined,
  ) {}

  document(): void {
    this.value(0);
    this.space();
    if (this.pos < this.text.length) throw new Stop(this.pos);
  }

  private space(): void {
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09 && c !== 0xfeff) return;
      this.pos++;
    }
  }

  /** Scans one value; `depth` is how much of the target path leads here. */
  private value(depth: number): void {
    this.space();
    const start = this.pos;
    if (this.target && depth === this.target.length) throw new Stop(start);
    const c = this.text[this.pos];
    if (c === '{') this.object(depth, start);
    else if (c === '[') this.array(depth, start);
    else if (c === '"') this.token(STRING);
    else if (!this.token(LITERAL, true)) this.token(NUMBER);
    // A scalar on the way to a deeper target: the target does not exist, report here.
    if (c !== '{' && c !== '[' && this.onPath(depth)) {
      throw new Stop(start);
    }
  }

  private onPath(depth: number): boolean {
    return this.target !== undefined && depth < this.target.length;
  }

  private token(pattern: RegExp, optional = false): boolean {
    pattern.lastIndex = this.pos;
    const match = pattern.exec(this.text);
    if (!match) {
      if (optional) return false;
      throw new Stop(this.pos);
    }
    if (pattern === STRING) {
      for (let k = 0; k < match[0].length; k++) {
        if (match[0].charCodeAt(k) < 0x20) throw new Stop(this.pos + k);
      }
    }
    this.pos += match[0].length;
    return true;
  }

  private expect(char: string): void {
    this.space();
    if (this.text[this.pos] !== char) throw new Stop(this.pos);
    this.pos++;
  }

  private object(depth: number, start: number): void {
    this.pos++;
    this.space();
    if (this.text[this.pos] === '}') {
      this.pos++;
      this.missing(depth, start);
      return;
    }
    for (;;) {
      this.space();
      const keyStart = this.pos;
      this.token(STRING);
      const key: unknown = JSON.parse(this.text.slice(keyStart, this.pos));
      this.expect(':');
      const follows =
        this.target !== undefined && depth < this.target.length && this.target[depth] === key;
      this.value(follows ? depth + 1 : Number.POSITIVE_INFINITY);
      this.space();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect('}');
      this.missing(depth, start);
      return;
    }
  }

  private array(depth: number, start: number): void {
    this.pos++;
    this.space();
    if (this.text[this.pos] === ']') {
      this.pos++;
      this.missing(depth, start);
      return;
    }
    for (let index = 0; ; index++) {
      const follows =
        this.target !== undefined && depth < this.target.length && this.target[depth] === index;
      this.value(follows ? depth + 1 : Number.POSITIVE_INFINITY);
      this.space();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect(']');
      this.missing(depth, start);
      return;
    }
  }

  /** A container on the target path ended without the next step: report the container. */
  private missing(depth: number, start: number): void {
    if (this.onPath(depth)) throw new Stop(start);
  }
}

/**
 * Values as Python sees them after loading a params, metrics or vars file. DVC prints them with
 * Python's `str`/`repr` and writes them back to `dvc.lock`, so the int/float distinction must
 * survive: an integral float is a `PyFloat`, a non-integral number is a float, any other number
 * is an int (a `bigint` beyond 2^53).
 */
import { PyFloat, pythonFloatRepr } from '@cairn/core-io';

export type PyScalar = string | number | bigint | boolean | PyFloat | null;
export type PyValue = PyScalar | PyValue[] | PyDict;
export interface PyDict {
  [key: string]: PyValue;
}

export function isPyDict(value: unknown): value is PyDict {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof PyFloat)
  );
}

/** `isinstance(v, (int, float))` without bool: Python counts bools as ints, callers decide. */
export function isPyNumber(value: unknown): value is number | bigint | PyFloat {
  return typeof value === 'number' || typeof value === 'bigint' || value instanceof PyFloat;
}

export function isPyFloat(value: unknown): value is number | PyFloat {
  return value instanceof PyFloat || (typeof value === 'number' && !Number.isInteger(value));
}

/** A float from a JavaScript number: integral values are wrapped so they stay floats. */
export function pyFloat(value: number): number | PyFloat {
  return Number.isInteger(value) || Object.is(value, -0) ? new PyFloat(value) : value;
}

/** An int from text or a number; beyond 2^53 a bigint keeps every digit. */
export function pyInt(text: string): number | bigint {
  const big = BigInt(text);
  const small = Number(big);
  return Number.isSafeInteger(small) ? small : big;
}

export function toNumber(value: number | bigint | PyFloat | boolean): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value instanceof PyFloat ? value.value : Number(value);
}

/** Python `str()` of a loaded value. */
export function pyStr(value: PyValue | undefined): string {
  if (typeof value === 'string') return value;
  return pyRepr(value);
}

/** Python `repr()`: `'a'`, `[1, 2.5]`, `{'k': True}`, `None`. */
export function pyRepr(value: PyValue | undefined): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    return Number.isInteger(value) ? String(value) : pythonFloatRepr(value);
  }
  if (value instanceof PyFloat) return pythonFloatRepr(value.value);
  if (typeof value === 'string') return pyStringRepr(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  const items = Object.entries(value).map(([k, v]) => `${pyStringRepr(k)}: ${pyRepr(v)}`);
  return `{${items.join(', ')}}`;
}

/** Python's string repr: single quotes unless the text has a `'` and no `"`. */
function pyStringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** Python `==` on loaded values: `1 == 1.0 == True`, dicts ignore key order. */
export function pyEquals(a: PyValue | undefined, b: PyValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const numA = isPyNumber(a) || typeof a === 'boolean';
  const numB = isPyNumber(b) || typeof b === 'boolean';
  if (numA || numB) {
    if (!(numA && numB)) return false;
    if (typeof a === 'bigint' || typeof b === 'bigint') {
      return bigEquals(
        a as number | bigint | PyFloat | boolean,
        b as number | bigint | PyFloat | boolean,
      );
    }
    return toNumber(a as number | PyFloat | boolean) === toNumber(b as number | PyFloat | boolean);
  }
  if (a === null || b === null || typeof a === 'string' || typeof b === 'string') return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!(Array.isArray(a) && Array.isArray(b)) || a.length !== b.length) return false;
    return a.every((item, i) => pyEquals(item, b[i]));
  }
  const keysA = Object.keys(a);
  if (keysA.length !== Object.keys(b).length) return false;
  return keysA.every((k) => Object.hasOwn(b, k) && pyEquals(a[k], b[k]));
}

function bigEquals(
  a: number | bigint | PyFloat | boolean,
  b: number | bigint | PyFloat | boolean,
): boolean {
  const asBig = (v: number | bigint | PyFloat | boolean): bigint | undefined => {
    if (typeof v === 'bigint') return v;
    const n = toNumber(v);
    return Number.isInteger(n) ? BigInt(n) : undefined;
  };
  const x = asBig(a);
  const y = asBig(b);
  return x !== undefined && y !== undefined && x === y;
}

/** Python `new - old` for two numbers (bools count as ints), keeping int vs float. */
export function pySubtract(
  newValue: number | bigint | PyFloat | boolean,
  oldValue: number | bigint | PyFloat | boolean,
): number | bigint | PyFloat {
  const float = isPyFloat(newValue) || isPyFloat(oldValue);
  if (!float) {
    const big = (v: number | bigint | boolean) => (typeof v === 'bigint' ? v : BigInt(toNumber(v)));
    const result =
      big(newValue as number | bigint | boolean) - big(oldValue as number | bigint | boolean);
    const small = Number(result);
    return Number.isSafeInteger(small) ? small : result;
  }
  return pyFloat(toNumber(newValue as number | PyFloat) - toNumber(oldValue as number | PyFloat));
}

/**
 * Python's `round(x, n)` for a float: the decimal closest to the exact binary value, ties to
 * even. `round(0.015625, 5)` is `0.01562`, where `toFixed(5)` gives `0.01563`.
 */
export function pyRound(value: number, digits: number): number {
  if (!Number.isFinite(value)) return value;
  const fixed = exactDecimal(value);
  const rounded = roundDecimalString(fixed, digits);
  return Number(rounded);
}

/** The exact decimal expansion of a double (every binary fraction has a finite one). */
function exactDecimal(value: number): string {
  if (value === 0) return '0';
  const negative = value < 0;
  let x = Math.abs(value);
  // x = mantissa * 2^exp with an integer mantissa.
  let exp = 0;
  while (!Number.isInteger(x)) {
    x *= 2;
    exp -= 1;
  }
  let mantissa = BigInt(x);
  let text: string;
  if (exp === 0) text = mantissa.toString();
  else {
    // mantissa / 2^-exp = mantissa * 5^-exp / 10^-exp
    mantissa *= 5n ** BigInt(-exp);
    const digits = mantissa.toString().padStart(-exp + 1, '0');
    text = `${digits.slice(0, digits.length + exp)}.${digits.slice(digits.length + exp)}`;
  }
  return negative ? `-${text}` : text;
}

function roundDecimalString(text: string, digits: number): string {
  const negative = text.startsWith('-');
  const body = negative ? text.slice(1) : text;
  const [intPart = '0', frac = ''] = body.split('.');
  if (frac.length <= digits) return text;
  const keep = intPart + frac.slice(0, digits);
  const rest = frac.slice(digits);
  const first = rest[0] ?? '0';
  const beyond = rest.slice(1).replace(/0+$/, '');
  let up = false;
  if (first > '5') up = true;
  else if (first === '5') {
    const lastKept = Number(keep[keep.length - 1] ?? '0');
    up = beyond.length > 0 || lastKept % 2 === 1;
  }
  let n = BigInt(keep);
  if (up) n += 1n;
  const padded = n.toString().padStart(digits + 1, '0');
  const result =
    digits > 0 ? `${padded.slice(0, padded.length - digits)}.${padded.slice(-digits)}` : padded;
  return negative ? `-${result}` : result;
}

/**
 * Python's `format(x, '.<precision>g')` for a float (what `dvc exp show` prints): `precision`
 * significant digits rounded half-even on the exact binary value, fixed notation when the
 * exponent is in [-4, precision), trailing zeros dropped; `1.2346e+06`, where JavaScript's
 * `toPrecision` gives `1.2346e+6` and keeps trailing zeros.
 */
export function pyFormatG(value: number, precision: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const p = Math.max(1, precision);
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  if (value === 0) return `${sign}0`;
  const exact = exactDecimal(Math.abs(value));
  const [intPart = '', frac = ''] = exact.split('.');
  const all = intPart + frac;
  const first = all.search(/[1-9]/);
  let exponent = intPart.length - 1 - first;
  const significant = all.slice(first);
  let kept = significant.slice(0, p).padEnd(p, '0');
  const rest = significant.slice(p);
  const next = rest[0] ?? '0';
  const up =
    next > '5' ||
    (next === '5' && (/[1-9]/.test(rest.slice(1)) || Number(kept[kept.length - 1]) % 2 === 1));
  if (up) {
    kept = (BigInt(kept) + 1n).toString();
    if (kept.length > p) {
      exponent += 1;
      kept = kept.slice(0, p);
    }
  }
  const trim = (text: string) =>
    text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
  if (exponent >= -4 && exponent < p) {
    const text =
      exponent >= 0
        ? `${kept.slice(0, exponent + 1)}.${kept.slice(exponent + 1)}`
        : `0.${'0'.repeat(-exponent - 1)}${kept}`;
    return sign + trim(text);
  }
  const mantissa = trim(`${kept[0]}.${kept.slice(1)}`);
  const expText = String(Math.abs(exponent)).padStart(2, '0');
  return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${expText}`;
}

/** `round()` that keeps the value a float, as Python's does for a float argument. */
export function pyRoundFloat(value: number | PyFloat, digits: number): number | PyFloat {
  return pyFloat(pyRound(toNumber(value), digits));
}

/** Plain JSON data (PyFloat → number, bigint → number); for `--json` output. */
export function toJsonValue(value: PyValue | undefined): unknown {
  if (value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof PyFloat) return value.value;
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (isPyDict(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  }
  return value;
}

/** Python's string order (code points; JavaScript's `<` compares UTF-16 units). */
export function pyCompare(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i]?.codePointAt(0) ?? 0) - (y[i]?.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

export function pySort(values: Iterable<string>): string[] {
  return [...values].sort(pyCompare);
}

/** Python truthiness: None, False, 0, 0.0, '', [] and {} are false. */
export function pyTruthy(value: PyValue | undefined): boolean {
  if (value === undefined || value === null || value === false || value === '') return false;
  if (isPyNumber(value)) return toNumber(value) !== 0;
  if (Array.isArray(value)) return value.length > 0;
  if (isPyDict(value)) return Object.keys(value).length > 0;
  return true;
}

/**
 * A Python `float` whose value happens to be integral (`1.0`, `-0.0`, `1e+20`). JavaScript has one
 * number type, so `1.0` read from a params file would otherwise be written back as `1` — a
 * different value to DVC, whose lock files and tables keep the int/float distinction.
 * Non-integral numbers need no wrapper: they can only be floats.
 */
export class PyFloat {
  readonly value: number;

  constructor(value: number) {
    this.value = value;
  }

  valueOf(): number {
    return this.value;
  }

  /** JSON has no int/float distinction; the plain number is the faithful value. */
  toJSON(): number {
    return this.value;
  }

  toString(): string {
    return pythonFloatRepr(this.value);
  }
}

/** Python's `repr(float)`: `1.0`, `0.1`, `1e-05`, `1e+16`, `inf`, `nan`, `-0.0`. */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Number.POSITIVE_INFINITY) return 'inf';
  if (value === Number.NEGATIVE_INFINITY) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  // toExponential() gives the shortest round-tripping digits, as Python's repr does.
  const [mantissa = '', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  if (exponent < -4 || exponent >= 16) {
    const head = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const expSign = exponent < 0 ? '-' : '+';
    return `${sign}${head}e${expSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  if (digits.length <= exponent + 1) return `${sign}${digits.padEnd(exponent + 1, '0')}.0`;
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}

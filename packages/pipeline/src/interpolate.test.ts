// biome-ignore-all lint/suspicious/noTemplateCurlyInString: templates use ${...}
import { PyFloat } from '@cairn/core-io';
import { describe, expect, it } from 'vitest';
import { Context, parseExpression, shellQuote, toStr } from './interpolate.js';

describe('templates', () => {
  it('writes values as DVC to_str does', () => {
    expect(toStr(true)).toBe('true');
    expect(toStr(new PyFloat(1))).toBe('1.0');
    expect(toStr(1e-5)).toBe('1e-05');
    expect(toStr(null)).toBe('None');
    const args = { a: 1, b: 'x y', c: true, d: [1, 'two words'], e: false, n: { m: 2 } };
    expect(toStr(args)).toBe("--a 1 --b 'x y' --c --d 1 'two words' --n.m 2");
    expect(toStr(args, { bool: 'boolean_optional', list: 'append' })).toBe(
      "--a 1 --b 'x y' --c --d 1 --d 'two words' --no-e --n.m 2",
    );
    expect(() => toStr({ d: [[1]] })).toThrow("Cannot interpolate nested iterable in 'd'");
  });

  it("quotes like Python's shlex.quote", () => {
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('a/b.c-d@e%f+g=h:i,j')).toBe('a/b.c-d@e%f+g=h:i,j');
    expect(shellQuote("it's")).toBe(`'it'"'"'s'`);
  });

  it('parses dotted and indexed keys, rejects malformed ones', () => {
    expect(parseExpression('a.b[0].c')).toBe('a.b.0.c');
    expect(() => parseExpression('')).toThrow("invalid expression '${}'");
    expect(() => parseExpression('a[b')).toThrow('invalid expression');
  });

  it('selects with negative indices, keeps escapes, and treats ${{...}} as a key', () => {
    const ctx = new Context({ l: [1, 2, 3], s: 'x' });
    expect(ctx.resolveString('${l[-1]}')).toBe(3);
    expect(ctx.resolveString('\\${s} ${s}')).toBe('${s} x');
    expect(ctx.resolveString('$HOME ${ s }')).toBe('$HOME x');
    expect(() => ctx.resolveString('${{s}}')).toThrow("Could not find '{s'");
    expect(() => ctx.resolveString('${l.9}')).toThrow("Could not find 'l.9'");
  });

  it('records which file values a template used', () => {
    const ctx = new Context();
    ctx.merge({ model: { lr: 0.1, layers: [1, 2] } }, 'params.yaml', { file: true });
    ctx.merge({ local: 1 }, 'vars[0]');
    ctx.startTracking();
    ctx.resolveString('${model.lr} ${model.layers[1]} ${local} ${model}', 'cmd');
    expect(ctx.stopTracking()).toEqual({ 'params.yaml': { 'model.lr': 0.1, 'model.layers.1': 2 } });
  });
});

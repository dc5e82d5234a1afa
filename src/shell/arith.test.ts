import { describe, expect, it } from 'vitest';
import { evaluateArithmetic } from './arith';
import { ShellError } from './errors';
import { matchPattern, trimPattern } from './pattern';

function calc(expr: string, vars: Record<string, string> = {}): number {
  return evaluateArithmetic(expr, { get: (n) => vars[n], set: (n, v) => { vars[n] = v; } });
}

describe('arithmetic', () => {
  it('follows C precedence and associativity', () => {
    expect(calc('1 + 2 * 3')).toBe(7);
    expect(calc('(1 + 2) * 3')).toBe(9);
    expect(calc('10 - 4 - 3')).toBe(3);
    expect(calc('2 ** 3 ** 2')).toBe(512);
    expect(calc('-3 / 2')).toBe(-1);
    expect(calc('-7 % 3')).toBe(-1);
    expect(calc('1 < 2 && 3 > 4 || 5 == 5')).toBe(1);
    expect(calc('!0 + ~0')).toBe(0);
    expect(calc('1 ? 2 : 3')).toBe(2);
    expect(calc('0 ? 2 : 1 ? 4 : 5')).toBe(4);
    expect(calc('0x1f + 010 + 2#101')).toBe(31 + 8 + 5);
    expect(calc('1 << 4 | 1')).toBe(17);
    expect(calc('')).toBe(0);
  });

  it('reads and assigns variables', () => {
    const vars: Record<string, string> = { x: '5', e: 'x * 2' };
    expect(calc('x += 3, x', vars)).toBe(8);
    expect(vars.x).toBe('8');
    expect(calc('y = x++ + ++x', vars)).toBe(18);
    expect(vars).toMatchObject({ x: '10', y: '18' });
    expect(calc('e + 1', vars)).toBe(21);
    expect(calc('unset + 1', vars)).toBe(1);
  });

  it('does not evaluate the side not taken', () => {
    const vars: Record<string, string> = {};
    expect(calc('0 && (a = 1)', vars)).toBe(0);
    expect(calc('1 || (b = 1)', vars)).toBe(1);
    expect(calc('1 ? (c = 1) : (d = 1)', vars)).toBe(1);
    expect(vars).toEqual({ c: '1' });
  });

  it('reports division by zero and syntax errors', () => {
    expect(() => calc('1 / 0')).toThrow('arithmetic: division by zero');
    expect(() => calc('1 +')).toThrow(ShellError);
    expect(() => calc('(1')).toThrow(ShellError);
    expect(() => calc('2 3')).toThrow(/arithmetic syntax error/);
  });
});

describe('patterns', () => {
  it('matches * ? and bracket expressions', () => {
    expect(matchPattern('*.txt', 'a.txt')).toBe(true);
    expect(matchPattern('*.txt', 'a.txt.bak')).toBe(false);
    expect(matchPattern('?', 'ab')).toBe(false);
    expect(matchPattern('[a-c]x', 'bx')).toBe(true);
    expect(matchPattern('[!a-c]x', 'bx')).toBe(false);
    expect(matchPattern('[[:digit:]]*', '7up')).toBe(true);
    expect(matchPattern('[]]', ']')).toBe(true);
    expect(matchPattern('\\*', '*')).toBe(true);
    expect(matchPattern('\\*', 'a')).toBe(false);
    expect(matchPattern('a[', 'a[')).toBe(true);
    expect(matchPattern('a.b', 'axb')).toBe(false);
  });

  it('trims shortest and longest prefixes and suffixes', () => {
    expect(trimPattern('dir/sub/file.tar.gz', '*/', '#')).toBe('sub/file.tar.gz');
    expect(trimPattern('dir/sub/file.tar.gz', '*/', '##')).toBe('file.tar.gz');
    expect(trimPattern('file.tar.gz', '.*', '%')).toBe('file.tar');
    expect(trimPattern('file.tar.gz', '.*', '%%')).toBe('file');
    expect(trimPattern('abc', 'x', '%')).toBe('abc');
  });
});

import { describe, expect, it } from 'vitest';
import { formatArgs, parseArgs } from './args';

describe('parseArgs', () => {
  it('splits on whitespace', () => {
    expect(parseArgs('  a b\tc  ')).toEqual(['a', 'b', 'c']);
    expect(parseArgs('')).toEqual([]);
  });
  it('keeps quoted words together', () => {
    expect(parseArgs(`write /data/x.txt "hello world" 'it''s'`)).toEqual(['write', '/data/x.txt', 'hello world', 'its']);
    expect(parseArgs(`"a \\"q\\" \\\\ b" ''`)).toEqual(['a "q" \\ b', '']);
    expect(parseArgs(`a\\ b c`)).toEqual(['a b', 'c']);
  });
  it('rejects unterminated quotes', () => {
    expect(() => parseArgs(`"abc`)).toThrow(SyntaxError);
    expect(() => parseArgs(`'abc`)).toThrow(SyntaxError);
  });
  it('round-trips through formatArgs', () => {
    const args = ['--exit', '3', 'hello world', "it's", ''];
    expect(parseArgs(formatArgs(args))).toEqual(args);
  });
});

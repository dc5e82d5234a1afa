import { describe, expect, it } from 'vitest';
import { LineSplitter, MAX_LINE } from './LineSplitter';

const enc = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('LineSplitter', () => {
  it('splits lines across chunks and keeps the unterminated rest', () => {
    const splitter = new LineSplitter();
    expect(splitter.push(enc('a\nb'))).toEqual(['a']);
    expect(splitter.push(enc('c\n\nd'))).toEqual(['bc', '']);
    expect(splitter.flush()).toBe('d');
    expect(splitter.flush()).toBeUndefined();
  });

  it('cuts a line longer than 16 KiB into pieces, so output without newlines stays bounded', () => {
    const splitter = new LineSplitter();
    const pieces: string[] = [];
    for (let i = 0; i < 100; i++) pieces.push(...splitter.push(enc('x'.repeat(10_000))));
    expect(pieces.every((piece) => piece.length === MAX_LINE)).toBe(true);
    expect(pieces.join('').length + (splitter.flush()?.length ?? 0)).toBe(1_000_000);
  });

  it('never cuts between the halves of a surrogate pair', () => {
    const splitter = new LineSplitter();
    const [first] = splitter.push(enc(`${'x'.repeat(MAX_LINE - 1)}😀${'y'.repeat(10)}`));
    expect(first).toBe('x'.repeat(MAX_LINE - 1));
    expect(splitter.flush()).toBe(`😀${'y'.repeat(10)}`);
  });
});

import { describe, expect, it } from 'vitest';
import { ByteStore } from './ByteStore';

const bytes = (...values: number[]) => new Uint8Array(values);

function contents(store: ByteStore): number[] {
  const out = new Uint8Array(store.size);
  store.read(out, 0);
  return [...out];
}

describe('ByteStore', () => {
  it('reads back what was written, zero-filling gaps', () => {
    const store = new ByteStore();
    store.write(bytes(1, 2, 3), 0);
    store.write(bytes(9), 6);
    expect(contents(store)).toEqual([1, 2, 3, 0, 0, 0, 9]);
  });

  it('old bytes never come back after a shrink: not by growing, not by writing past a gap', () => {
    const store = new ByteStore();
    store.write(new Uint8Array(100).fill(7), 0);
    store.resize(2);
    store.resize(10);
    expect(contents(store)).toEqual([7, 7, 0, 0, 0, 0, 0, 0, 0, 0]);
    store.resize(1);
    store.write(bytes(5), 50);
    expect(contents(store).slice(0, 3)).toEqual([7, 0, 0]);
    expect(contents(store).slice(1, 50).every((b) => b === 0)).toBe(true);
    expect(contents(store)[50]).toBe(5);
  });

  it('keeps contents across growth (appends of many sizes)', () => {
    const store = new ByteStore();
    let expected: number[] = [];
    for (let i = 0; i < 200; i++) {
      const chunk = new Uint8Array((i * 37) % 1000).fill(i % 251);
      store.write(chunk, store.size);
      expected = expected.concat([...chunk]);
    }
    expect(store.size).toBe(expected.length);
    expect(contents(store)).toEqual(expected);
  });
});

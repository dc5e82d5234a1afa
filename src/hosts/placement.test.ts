import { describe, expect, it } from 'vitest';
import { chooseHost, type Candidate } from './placement';

const host = (id: string, load: number, capacity = 10, ready = true): Candidate => ({ id, load, capacity, ready });

describe('chooseHost', () => {
  it('spread: the least loaded host by share of its capacity', () => {
    expect(chooseHost([host('a', 3), host('b', 1), host('c', 2)], 'spread')?.id).toBe('b');
    expect(chooseHost([host('a', 5, 10), host('b', 5, 20)], 'spread')?.id).toBe('b');
    expect(chooseHost([host('a', 0), host('b', 0)], 'spread')?.id).toBe('a');
  });

  it('pack: the first host with room, in order', () => {
    expect(chooseHost([host('a', 10), host('b', 4), host('c', 0)], 'pack')?.id).toBe('b');
  });

  it('skips full and unready hosts, and says when every host is full', () => {
    expect(chooseHost([host('a', 0, 10, false), host('b', 9)], 'spread')?.id).toBe('b');
    expect(chooseHost([host('a', 10), host('b', 10)], 'spread')).toBeUndefined();
    expect(chooseHost([], 'pack')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { Watchdog, type Watched } from './Watchdog';

function container(id: string, state: { beats: number; sleeping?: boolean; watchable?: boolean }): Watched {
  return { id, beats: () => state.beats, sleeping: () => state.sleeping ?? false, watchable: state.watchable ?? true };
}

describe('Watchdog', () => {
  it('reports a container with no sign of life for stuckAfterMs, once', () => {
    let now = 0;
    const dog = new Watchdog({ stuckAfterMs: 1000, now: () => now });
    const quiet = { beats: 5 };
    const busy = { beats: 0 };
    const all = [container('quiet', quiet), container('busy', busy)];
    expect(dog.check(all)).toEqual([]);
    for (now = 250; now <= 1000; now += 250) {
      busy.beats += 7;
      const stuck = dog.check(all).map((c) => c.id);
      expect(stuck).toEqual(now < 1000 ? [] : ['quiet']);
    }
    now += 250;
    expect(dog.check(all)).toEqual([]); // reported once; it starts over if it is still there
  });

  it('a beat resets the clock', () => {
    let now = 0;
    const dog = new Watchdog({ stuckAfterMs: 1000, now: () => now });
    const state = { beats: 0 };
    const c = container('c', state);
    dog.check([c]);
    now = 900;
    state.beats++;
    expect(dog.check([c])).toEqual([]);
    now = 1800;
    expect(dog.check([c])).toEqual([]);
    now = 1900;
    expect(dog.check([c]).map((x) => x.id)).toEqual(['c']);
  });

  it('never reports a program blocked in a wait, nor one it cannot watch', () => {
    let now = 0;
    const dog = new Watchdog({ stuckAfterMs: 100, now: () => now });
    const waiting = container('waiting', { beats: 1, sleeping: true });
    const uninstrumented = container('raw', { beats: 1, watchable: false });
    for (now = 0; now < 1000; now += 50) expect(dog.check([waiting, uninstrumented])).toEqual([]);
  });

  it('forgets containers that stopped running', () => {
    let now = 0;
    const dog = new Watchdog({ stuckAfterMs: 100, now: () => now });
    const state = { beats: 1 };
    dog.check([container('gone', state)]);
    now = 50;
    dog.check([]);
    now = 500;
    expect(dog.check([container('gone', state)])).toEqual([]); // seen afresh, not silent since 0
  });
});

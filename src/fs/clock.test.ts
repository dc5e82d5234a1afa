import { describe, expect, it } from 'vitest';
import { monotonicClock } from './clock';
import { ContainerFs } from './ContainerFs';
import { expectCode } from './testing';

describe('monotonicClock', () => {
  it('reads wall-clock nanoseconds, strictly increasing', () => {
    const now = monotonicClock();
    const first = now();
    const wall = BigInt(Date.now()) * 1_000_000n;
    expect(first > wall - 5_000_000_000n && first < wall + 5_000_000_000n).toBe(true);
    let last = first;
    for (let i = 0; i < 1000; i++) {
      const t = now();
      expect(t > last).toBe(true);
      last = t;
    }
  });

  it('is the default clock of a ContainerFs: back-to-back writes get distinct mtimes', () => {
    const fs = new ContainerFs();
    const f = fs.root.createFile('f');
    f.write(new Uint8Array([1]), 0);
    const t1 = f.stat().mtimeNs;
    f.write(new Uint8Array([2]), 0);
    expect(f.stat().mtimeNs > t1).toBe(true);
  });
});

describe('cross-file-system and removed-directory operations', () => {
  it('EXDEV across containers, ENOENT into a removed directory', () => {
    const a = new ContainerFs();
    const b = new ContainerFs();
    a.root.createFile('f');
    expectCode(() => a.root.rename('f', b.root, 'f'), 'EXDEV');
    const gone = a.root.createDirectory('gone');
    a.root.removeDirectory('gone');
    expectCode(() => a.root.rename('f', gone, 'f'), 'ENOENT');
    expectCode(() => gone.rename('x', a.root, 'y'), 'ENOENT');
    expectCode(() => gone.link('x', a.root.lookup('f') as never), 'ENOENT');
    expect(a.root.lookup('f')).toBeDefined();
  });
});

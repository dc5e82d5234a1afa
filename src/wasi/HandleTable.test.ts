import { describe, expect, it } from 'vitest';
import { ERRNO_BADF, ERRNO_MFILE, ERRNO_NOTCAPABLE, ERRNO_NOTDIR, ERRNO_SPIPE, RIGHTS_FD_READ, RIGHTS_FD_SEEK } from './constants';
import { SyscallError } from './errors';
import { HandleTable, type Handle } from './HandleTable';
import { CollectOutput } from './testing/fakes';

const out = (): Handle => ({ type: 'output', stream: new CollectOutput(), rightsBase: 0n, rightsInheriting: 0n, fdflags: 0 });
const fileHandle = (rights: bigint): Handle => ({
  type: 'file', node: {} as never, position: 0, rightsBase: rights, rightsInheriting: 0n, fdflags: 0,
});
function errnoOf(fn: () => unknown): number | undefined {
  try { fn(); } catch (e) { if (e instanceof SyscallError) return e.errno; throw e; }
  return undefined;
}

describe('HandleTable', () => {
  it('hands out the lowest free number first', () => {
    const t = new HandleTable();
    expect([t.add(out()), t.add(out()), t.add(out()), t.add(out())]).toEqual([0, 1, 2, 3]);
    t.close(2);
    t.close(1);
    expect(t.add(out())).toBe(1);
    expect(t.add(out())).toBe(2);
    expect(t.add(out())).toBe(4);
  });
  it('closing twice or a bad fd is BADF', () => {
    const t = new HandleTable();
    t.add(out());
    t.close(0);
    expect(errnoOf(() => t.close(0))).toBe(ERRNO_BADF);
    expect(errnoOf(() => t.get(-1))).toBe(ERRNO_BADF);
  });
  it('renumbers, closing the target and keeping numbering dense', () => {
    const t = new HandleTable();
    const a = out(); const b = out();
    t.add(a); t.add(b);
    t.renumber(0, 1);
    expect(t.get(1)).toBe(a);
    expect(t.has(0)).toBe(false);
    expect(errnoOf(() => t.renumber(0, 1))).toBe(ERRNO_BADF);
    t.renumber(1, 5);
    expect(t.get(5)).toBe(a);
    expect([t.add(out()), t.add(out()), t.add(out()), t.add(out()), t.add(out()), t.add(out())]).toEqual([0, 1, 2, 3, 4, 6]);
  });
  it('typed getters check kind and rights', () => {
    const t = new HandleTable();
    t.add(out());
    t.add(fileHandle(RIGHTS_FD_READ));
    expect(errnoOf(() => t.dir(0))).toBe(ERRNO_BADF);
    expect(errnoOf(() => t.dir(1))).toBe(ERRNO_NOTDIR);
    expect(errnoOf(() => t.file(0))).toBe(ERRNO_BADF);
    expect(errnoOf(() => t.file(1, RIGHTS_FD_READ))).toBeUndefined();
    expect(errnoOf(() => t.file(1, RIGHTS_FD_READ | RIGHTS_FD_SEEK))).toBe(ERRNO_NOTCAPABLE);
    expect(errnoOf(() => t.seekable(0, 0n))).toBe(ERRNO_SPIPE);
  });
  it('tables are independent (no static state)', () => {
    const a = new HandleTable(); const b = new HandleTable();
    a.add(out());
    expect(b.add(out())).toBe(0);
  });
  it('keeps fd numbers below its open-file limit: MFILE past it, BADF for renumbering to it', () => {
    const counts: number[] = [];
    const t = new HandleTable(3, (open) => counts.push(open));
    expect([t.add(out()), t.add(out()), t.add(out())]).toEqual([0, 1, 2]);
    expect(errnoOf(() => t.add(out()))).toBe(ERRNO_MFILE);
    expect(errnoOf(() => t.renumber(0, 3))).toBe(ERRNO_BADF);
    t.close(1);
    expect(t.add(out())).toBe(1);
    t.renumber(0, 2);
    expect(counts).toEqual([1, 2, 3, 2, 3, 2]);
  });
});

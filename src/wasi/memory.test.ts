import { describe, expect, it } from 'vitest';
import { ERRNO_FAULT, ERRNO_ILSEQ, ERRNO_INVAL } from './constants';
import { SyscallError } from './errors';
import { GuestMemory } from './memory';

function errnoOf(fn: () => unknown): number | undefined {
  try { fn(); } catch (e) { if (e instanceof SyscallError) return e.errno; throw e; }
  return undefined;
}

describe('GuestMemory', () => {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const mem = new GuestMemory(memory);
  it('checks every pointer+length, u32 and overflow-safe', () => {
    expect(errnoOf(() => mem.check(65536, 0))).toBeUndefined();
    expect(errnoOf(() => mem.check(65535, 1))).toBeUndefined();
    expect(errnoOf(() => mem.check(65535, 2))).toBe(ERRNO_FAULT);
    expect(errnoOf(() => mem.check(-16, 4))).toBe(ERRNO_FAULT); // 0xFFFFFFF0
    expect(errnoOf(() => mem.check(16, -1))).toBe(ERRNO_FAULT);
    expect(errnoOf(() => mem.check(0xffffffff, 0xffffffff))).toBe(ERRNO_FAULT);
    expect(errnoOf(() => mem.getU64(65532))).toBe(ERRNO_FAULT);
    expect(errnoOf(() => mem.setU32(65533, 1))).toBe(ERRNO_FAULT);
    expect(errnoOf(() => mem.readIovecs(0, 0x20000000))).toBe(ERRNO_FAULT);
  });
  it('sees memory growth', () => {
    const m = new WebAssembly.Memory({ initial: 1 });
    const g = new GuestMemory(m);
    expect(errnoOf(() => g.setU32(70000, 7))).toBe(ERRNO_FAULT);
    m.grow(1);
    g.setU32(70000, 7);
    expect(g.getU32(70000)).toBe(7);
  });
  it('round-trips little-endian integers', () => {
    mem.setU64(8, 0xfedcba9876543210n);
    expect(mem.getU64(8)).toBe(0xfedcba9876543210n);
    expect(mem.getU32(8)).toBe(0x76543210);
    mem.setU64(8, -1n);
    expect(mem.getU64(8)).toBe(0xffffffffffffffffn);
    mem.setU16(0, 0xabcd);
    expect(mem.getU8(0)).toBe(0xcd);
  });
  it('decodes strings: invalid UTF-8 → ILSEQ, NUL in a path → INVAL', () => {
    mem.write(100, new TextEncoder().encode('héllo'));
    expect(mem.readString(100, 6)).toBe('héllo');
    expect(mem.readPath(100, 6)).toBe('héllo');
    mem.write(200, new Uint8Array([0x61, 0xff, 0x62]));
    expect(errnoOf(() => mem.readString(200, 3))).toBe(ERRNO_ILSEQ);
    expect(errnoOf(() => mem.readPath(200, 3))).toBe(ERRNO_ILSEQ);
    mem.write(300, new Uint8Array([0x61, 0, 0x62]));
    expect(errnoOf(() => mem.readPath(300, 3))).toBe(ERRNO_INVAL);
    expect(errnoOf(() => mem.readPath(65530, 10))).toBe(ERRNO_FAULT);
  });
});

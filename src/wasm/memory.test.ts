// capMemory: the maximum of every defined memory becomes min(declared, cap).
import { describe, expect, it } from 'vitest';
import { Reader } from './bytes';
import { capMemory, MemoryLimitError, readSections } from './index';
import { readLimits } from './module';
import { assemble, funcType, I32, u32 } from './testing/assemble';

function limitsOf(bytes: Uint8Array) {
  const section = readSections(bytes).find((item) => item.id === 5)!;
  const r = new Reader(bytes, section.start, section.end);
  return Array.from({ length: r.u32() }, () => readLimits(r));
}

describe('capMemory', () => {
  it('adds a maximum to a memory without one, and lowers a larger one', () => {
    expect(limitsOf(capMemory(assemble({ memories: [[0x00, 2]] }), 16))[0]).toMatchObject({ min: 2, max: 16 });
    expect(limitsOf(capMemory(assemble({ memories: [[0x01, 2, ...u32(40000)]] }), 4096))[0]).toMatchObject({ min: 2, max: 4096 });
  });

  it('keeps a smaller maximum, and the rest of the module byte for byte', () => {
    const module = assemble({ types: [funcType([], [I32])], memories: [[0x01, 1, 3]], trailer: [0x00, 0x02, 0x01, 0x78] });
    const capped = capMemory(module, 100);
    expect([...capped]).toEqual([...module]);
  });

  it('caps shared and 64-bit memories in their own encodings', () => {
    const [shared] = limitsOf(capMemory(assemble({ memories: [[0x03, 1, ...u32(65536)]] }), 256));
    expect(shared).toMatchObject({ shared: true, min: 1, max: 256 });
    const [wide] = limitsOf(capMemory(assemble({ memories: [[0x04, 1]] }), 256));
    expect(wide).toMatchObject({ is64: true, min: 1, max: 256 });
  });

  it('leaves a module that defines no memory alone', () => {
    const imported = assemble({ imports: [{ module: 'env', name: 'memory', desc: [0x02, 0x00, 0x01] }] });
    expect(capMemory(imported, 1)).toBe(imported);
  });

  it('refuses a module whose initial memory is over the cap, saying how much it needs', () => {
    const module = assemble({ memories: [[0x00, 40]] });
    expect(() => capMemory(module, 16)).toThrow(MemoryLimitError);
    expect(() => capMemory(module, 16)).toThrow('the program needs 40 pages (2.5 MiB) of memory at start, limit 16 pages (1 MiB)');
  });

  it('the engine honours the cap: memory.grow fails past it', () => {
    const grow = assemble({
      types: [funcType([I32], [I32])],
      functions: [0],
      memories: [[0x00, 1]],
      exports: [{ name: 'grow', kind: 0x00, index: 0 }],
      code: [[...u32(6), 0x00, 0x20, 0x00, 0x40, 0x00, 0x0b]],
    });
    const exports = new WebAssembly.Instance(new WebAssembly.Module(capMemory(grow, 4) as Uint8Array<ArrayBuffer>)).exports as { grow(n: number): number };
    expect(exports.grow(3)).toBe(1);
    expect(exports.grow(1)).toBe(-1);
  });
});

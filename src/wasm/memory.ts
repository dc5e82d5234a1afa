// Caps the linear memories a module defines: their maximum becomes at most
// the cap, so memory.grow (and so malloc) fails past it inside the guest,
// as engines honour a declared maximum (PLATFORM.md).

import { Reader, Writer } from './bytes';
import { MemoryLimitError } from './errors';
import { readLimits, readSections, SECTION, type MemoryLimits } from './module';

export const WASM_PAGE_BYTES = 65536;
/** wasm32's whole address space, in 64 KiB pages. */
export const MAX_PAGES_32 = 65536;

/**
 * Returns the module with every memory it defines capped at `maxPages`
 * (64 KiB pages): maximum = min(declared maximum, cap). Throws
 * MemoryLimitError when a memory's initial size is already over the cap.
 * A module that defines no memory (or imports it) is returned unchanged.
 */
export function capMemory(bytes: Uint8Array, maxPages: number): Uint8Array {
  checkPages(maxPages);
  const sections = readSections(bytes);
  const memory = sections.find((section) => section.id === SECTION.memory);
  if (!memory) return bytes;
  const out = new Writer(bytes.length + 16);
  out.span(bytes, 0, memory.headerStart);
  writeCappedMemorySection(bytes, memory.start, memory.end, out, maxPages);
  out.span(bytes, memory.end, bytes.length);
  return out.finish();
}

/** Writes the memory section [start, end) of `bytes` (id and size included) with its memories capped. */
export function writeCappedMemorySection(bytes: Uint8Array, start: number, end: number, out: Writer, maxPages: number): void {
  const r = new Reader(bytes, start, end);
  const body = new Writer(end - start + 16);
  const count = r.u32();
  body.u32(count);
  for (let i = 0; i < count; i++) writeLimits(body, capLimits(readLimits(r), maxPages));
  body.span(bytes, r.pos, end);
  out.sized(SECTION.memory, body);
}

export function capLimits(limits: MemoryLimits, maxPages: number): MemoryLimits {
  // A custom page size counts in other units than 64 KiB pages.
  const pageBytes = limits.pageSizeLog2 === undefined ? WASM_PAGE_BYTES : 2 ** limits.pageSizeLog2;
  const cap = Math.floor((maxPages * WASM_PAGE_BYTES) / pageBytes);
  if (limits.min > cap) {
    throw new MemoryLimitError(Math.ceil((limits.min * pageBytes) / WASM_PAGE_BYTES), maxPages);
  }
  const max = limits.max === undefined ? cap : Math.min(limits.max, cap);
  return { ...limits, flags: limits.flags | 0x01, max };
}

export function writeLimits(out: Writer, limits: MemoryLimits): void {
  out.byte(limits.flags);
  const number = limits.is64 ? (value: number) => out.u64(value) : (value: number) => out.u32(value);
  number(limits.min);
  if (limits.max !== undefined) number(limits.max);
  if (limits.pageSizeLog2 !== undefined) out.u32(limits.pageSizeLog2);
}

function checkPages(maxPages: number): void {
  if (!Number.isInteger(maxPages) || maxPages < 0) throw new RangeError(`maxPages must be a whole number of pages, not ${maxPages}`);
}

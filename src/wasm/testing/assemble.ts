// A tiny module assembler for tests: sections from raw bytes, with the
// LEB128 and vector plumbing done here, so a test reads as the module it builds.

import { u32Bytes } from '../bytes';

export type Bytes = readonly number[];

/** An unsigned LEB128 (the rewriter's own encoder). */
export const u32 = u32Bytes;

export function s32(value: number): number[] {
  const out: number[] = [];
  value |= 0;
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

export function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...u32(bytes.length), ...bytes];
}

export function vec(items: readonly Bytes[]): number[] {
  return [...u32(items.length), ...items.flat()];
}

export function section(id: number, content: Bytes): number[] {
  return [id, ...u32(content.length), ...content];
}

export function custom(sectionName: string, payload: Bytes): number[] {
  return section(0, [...name(sectionName), ...payload]);
}

export const I32 = 0x7f;
export const I64 = 0x7e;
export const FUNCREF = 0x70;

export function funcType(params: Bytes, results: Bytes): number[] {
  return [0x60, ...vec(params.map((type) => [type])), ...vec(results.map((type) => [type]))];
}

/** A function body: locals as [count, type] pairs, then instructions (the final `end` is added). */
export function body(code: Bytes, locals: ReadonlyArray<readonly [number, number]> = []): number[] {
  const content = [...vec(locals.map(([count, type]) => [...u32(count), type])), ...code, 0x0b];
  return [...u32(content.length), ...content];
}

export interface ModuleParts {
  types?: Bytes[];
  imports?: Array<{ module: string; name: string; desc: Bytes }>;
  functions?: number[];
  tables?: Bytes[];
  memories?: Bytes[];
  globals?: Bytes[];
  exports?: Array<{ name: string; kind: number; index: number }>;
  start?: number;
  elements?: Bytes[];
  dataCount?: number;
  code?: Bytes[];
  data?: Bytes[];
  /** Raw sections appended at the end (custom sections). */
  trailer?: Bytes;
}

export function assemble(parts: ModuleParts): Uint8Array<ArrayBuffer> {
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  if (parts.types) out.push(...section(1, vec(parts.types)));
  if (parts.imports) out.push(...section(2, vec(parts.imports.map((item) => [...name(item.module), ...name(item.name), ...item.desc]))));
  if (parts.functions) out.push(...section(3, vec(parts.functions.map((type) => u32(type)))));
  if (parts.tables) out.push(...section(4, vec(parts.tables)));
  if (parts.memories) out.push(...section(5, vec(parts.memories)));
  if (parts.globals) out.push(...section(6, vec(parts.globals)));
  if (parts.exports) out.push(...section(7, vec(parts.exports.map((item) => [...name(item.name), item.kind, ...u32(item.index)]))));
  if (parts.start !== undefined) out.push(...section(8, u32(parts.start)));
  if (parts.elements) out.push(...section(9, vec(parts.elements)));
  if (parts.dataCount !== undefined) out.push(...section(12, u32(parts.dataCount)));
  if (parts.code) out.push(...section(10, vec(parts.code)));
  if (parts.data) out.push(...section(11, vec(parts.data)));
  if (parts.trailer) out.push(...parts.trailer);
  return new Uint8Array(out);
}

/** A `name` section with function names (index → name, ascending). */
export function nameSection(functions: ReadonlyArray<readonly [number, string]>, extra: Bytes = []): number[] {
  const map = vec(functions.map(([index, text]) => [...u32(index), ...name(text)]));
  return custom('name', [1, ...u32(map.length), ...map, ...extra]);
}

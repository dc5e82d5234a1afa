// The outline of a module: where its sections are, and the few facts a
// rewriter needs before it can renumber anything (how many functions,
// globals and types come first, which memories are 64-bit).

import { Reader } from './bytes';
import { MalformedWasmError } from './errors';

export const SECTION = {
  custom: 0, type: 1, import: 2, function: 3, table: 4, memory: 5, global: 6, export: 7,
  start: 8, element: 9, code: 10, data: 11, dataCount: 12, tag: 13,
} as const;

/** Position of each known section id in the order the binary format requires. */
export const SECTION_ORDER: Readonly<Record<number, number>> = {
  1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13,
};

export interface Section {
  readonly id: number;
  /** Where the section's id byte is. */
  readonly headerStart: number;
  /** Its contents: [start, end). */
  readonly start: number;
  readonly end: number;
  /** A custom section's name, and where its payload starts. */
  readonly name?: string;
  readonly payloadStart?: number;
}

export interface MemoryLimits {
  readonly flags: number;
  readonly min: number;
  readonly max: number | undefined;
  readonly is64: boolean;
  readonly shared: boolean;
  /** log2 of a custom page size (custom-page-sizes proposal), when given. */
  readonly pageSizeLog2: number | undefined;
}

export interface ModuleOutline {
  readonly sections: readonly Section[];
  /** Types defined (members of recursion groups counted one by one). */
  readonly typeCount: number;
  /** Parameter count of each function type, by type index (-1 for struct and array types). */
  readonly typeParams: readonly number[];
  /** The type index of each function the module defines, in order. */
  readonly functionTypes: readonly number[];
  readonly importedFunctions: number;
  readonly importedGlobals: number;
  readonly definedGlobals: number;
  /** Every memory, imported ones first: index order. */
  readonly memories: readonly MemoryLimits[];
  readonly importedMemories: number;
  /** 'module.name' of every import, in order. */
  readonly imports: readonly { readonly module: string; readonly name: string; readonly kind: number }[];
}

const MAGIC = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

export function readSections(bytes: Uint8Array): Section[] {
  if (bytes.length < 8 || MAGIC.some((byte, i) => bytes[i] !== byte)) throw new MalformedWasmError('not a WebAssembly module (magic or version)', 0);
  const r = new Reader(bytes, 8);
  const sections: Section[] = [];
  let lastOrder = 0;
  while (!r.done) {
    const headerStart = r.pos;
    const id = r.byte();
    const size = r.u32();
    const start = r.pos;
    const end = start + size;
    if (end > bytes.length) throw new MalformedWasmError(`section ${id} runs past the end`, headerStart);
    if (id === SECTION.custom) {
      const named = new Reader(bytes, start, end);
      const name = named.name();
      sections.push({ id, headerStart, start, end, name, payloadStart: named.pos });
    } else {
      const order = SECTION_ORDER[id];
      if (order === undefined) throw new MalformedWasmError(`unknown section id ${id}`, headerStart);
      if (order <= lastOrder) throw new MalformedWasmError(`section ${id} out of order`, headerStart);
      lastOrder = order;
      sections.push({ id, headerStart, start, end });
    }
    r.pos = end;
  }
  return sections;
}

export function outline(bytes: Uint8Array, sections: readonly Section[] = readSections(bytes)): ModuleOutline {
  let typeParams: number[] = [];
  const functionTypes: number[] = [];
  let importedFunctions = 0;
  let importedGlobals = 0;
  let definedGlobals = 0;
  let importedMemories = 0;
  const memories: MemoryLimits[] = [];
  const imports: { module: string; name: string; kind: number }[] = [];
  for (const section of sections) {
    const r = new Reader(bytes, section.start, section.end);
    switch (section.id) {
      case SECTION.type:
        typeParams = readTypes(r);
        break;
      case SECTION.function:
        for (let count = r.u32(); count > 0; count--) functionTypes.push(r.u32());
        break;
      case SECTION.import: {
        for (let count = r.u32(); count > 0; count--) {
          const module = r.name();
          const name = r.name();
          const kind = r.byte();
          imports.push({ module, name, kind });
          switch (kind) {
            case 0x00: r.u32(); importedFunctions++; break;
            case 0x01: skipRefType(r); readLimits(r); break;
            case 0x02: memories.push(readLimits(r)); importedMemories++; break;
            case 0x03: skipValType(r); r.byte(); importedGlobals++; break;
            case 0x04: r.byte(); r.u32(); break;
            default: throw new MalformedWasmError(`unknown import kind ${kind}`, r.pos - 1);
          }
        }
        break;
      }
      case SECTION.memory:
        for (let count = r.u32(); count > 0; count--) memories.push(readLimits(r));
        break;
      case SECTION.global:
        definedGlobals = r.u32();
        break;
    }
  }
  return { sections, typeCount: typeParams.length, typeParams, functionTypes, importedFunctions, importedGlobals, definedGlobals, memories, importedMemories, imports };
}

/** Each type of a type section (a recursion group defines several): its parameter count, -1 if not a function type. */
function readTypes(r: Reader): number[] {
  const params: number[] = [];
  for (let count = r.u32(); count > 0; count--) {
    if (r.bytes[r.pos] === 0x4e) {
      r.pos++;
      const members = r.u32();
      for (let i = 0; i < members; i++) params.push(readSubType(r));
    } else {
      params.push(readSubType(r));
    }
  }
  return params;
}

function readSubType(r: Reader): number {
  const form = r.bytes[r.pos];
  if (form === 0x50 || form === 0x4f) {
    r.pos++;
    for (let supers = r.u32(); supers > 0; supers--) r.u32();
  }
  const kind = r.byte();
  switch (kind) {
    case 0x60: {
      const params = r.u32();
      for (let i = 0; i < params; i++) skipValType(r);
      for (let results = r.u32(); results > 0; results--) skipValType(r);
      return params;
    }
    case 0x5f:
      for (let fields = r.u32(); fields > 0; fields--) skipFieldType(r);
      return -1;
    case 0x5e:
      skipFieldType(r);
      return -1;
    default:
      throw new MalformedWasmError(`unknown type form 0x${kind.toString(16)}`, r.pos - 1);
  }
}

function skipFieldType(r: Reader): void {
  const storage = r.bytes[r.pos];
  if (storage === 0x78 || storage === 0x77) r.pos++; // i8, i16
  else skipValType(r);
  r.byte(); // mutability
}

/** A value type: one byte, or (ref null? heaptype) with a heap type index or abbreviation. */
export function skipValType(r: Reader): void {
  const byte = r.byte();
  if (byte === 0x63 || byte === 0x64) r.skipLeb();
}

export const skipRefType = skipValType;

export function readLimits(r: Reader): MemoryLimits {
  const flags = r.byte();
  if (flags > 0x0f) throw new MalformedWasmError(`unknown limits flags 0x${flags.toString(16)}`, r.pos - 1);
  const is64 = (flags & 0x04) !== 0;
  const min = is64 ? r.u64() : r.u32();
  const max = (flags & 0x01) !== 0 ? (is64 ? r.u64() : r.u32()) : undefined;
  const pageSizeLog2 = (flags & 0x08) !== 0 ? r.u32() : undefined;
  return { flags, min, max, is64, shared: (flags & 0x02) !== 0, pageSizeLog2 };
}

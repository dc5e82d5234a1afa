// Decodes instruction sequences (function bodies and constant expressions)
// with every immediate, copying them through in spans and changing only
// what the rewrite needs: function indices that shift, code inserted after
// loop headers and after memory.grow. Covers MVP, sign extension,
// saturating truncation, bulk memory and tables (0xFC), reference types,
// typed function references, GC (0xFB), multi-value block types, SIMD and
// relaxed SIMD (0xFD), threads (0xFE), exception handling (legacy and
// exnref) and tail calls. Anything else is an UnsupportedInstructionError.

import type { Reader, Writer } from './bytes';
import { MalformedWasmError, UnsupportedInstructionError } from './errors';

// What follows a one-byte opcode.
const NONE = 0;
const LEB = 1; // one LEB128 of any width: an index, a label, a constant, a heap type
const BLOCK = 2; // block type, opens a block
const LOOP = 3; // block type, opens a block, loop header
const MEMARG = 4;
const LEB2 = 5; // two LEB128 numbers (call_indirect: type, table)
const F32 = 6;
const F64 = 7;
const BR_TABLE = 8;
const SELECT_T = 9;
const FUNC = 10; // a function index: call, ref.func
const RETURN_CALL = 11; // a function index, and a tail call
const END = 12;
const MEMORY_SIZE = 13;
const MEMORY_GROW = 14;
const TRY_TABLE = 15;
const PREFIX_FB = 16;
const PREFIX_FC = 17;
const PREFIX_FD = 18;
const PREFIX_FE = 19;
const TAIL_LEB = 20; // return_call_ref: a type index, and a tail call
const TAIL_LEB2 = 21; // return_call_indirect
const DELEGATE = 22; // a label, and closes a try block
const INVALID = 255;

const KIND = new Uint8Array(256).fill(INVALID);
const set = (kind: number, ...opcodes: number[]): void => { for (const opcode of opcodes) KIND[opcode] = kind; };
const range = (kind: number, first: number, last: number): void => { for (let opcode = first; opcode <= last; opcode++) KIND[opcode] = kind; };
set(NONE, 0x00, 0x01, 0x05, 0x0a, 0x0f, 0x19, 0x1a, 0x1b, 0xd1, 0xd3, 0xd4);
set(BLOCK, 0x02, 0x04, 0x06);
set(LOOP, 0x03);
set(LEB, 0x07, 0x08, 0x09, 0x0c, 0x0d, 0x14, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x41, 0x42, 0xd0, 0xd5, 0xd6);
set(END, 0x0b);
set(BR_TABLE, 0x0e);
set(FUNC, 0x10, 0xd2);
set(LEB2, 0x11);
set(RETURN_CALL, 0x12);
set(TAIL_LEB2, 0x13);
set(TAIL_LEB, 0x15);
set(DELEGATE, 0x18);
set(SELECT_T, 0x1c);
set(TRY_TABLE, 0x1f);
range(MEMARG, 0x28, 0x3e);
set(MEMORY_SIZE, 0x3f);
set(MEMORY_GROW, 0x40);
set(F32, 0x43);
set(F64, 0x44);
range(NONE, 0x45, 0xc4); // numeric instructions and sign extension
set(PREFIX_FB, 0xfb);
set(PREFIX_FC, 0xfc);
set(PREFIX_FD, 0xfd);
set(PREFIX_FE, 0xfe);

/** Where a rewrite changes an instruction sequence (see scanCode). */
export const EVENT = {
  /** An index immediate [pos, end) (a function, or a label past split loops) becomes `value`. */
  renumber: 1,
  /** Before a call that may reach instrumented code, or an exit: the cached countdown goes back to the global. */
  flush: 2,
  /** After such a call: the countdown is read back from the global. */
  reload: 3,
  /** After the block type of a loop with parameters: the countdown check, calling in place. */
  loop: 4,
  /** After memory.grow (memory 0): the grow hook. */
  grow: 5,
  /** A loop without parameters at pos, its block type up to `end`: split (see splitLoop in instrument.ts). */
  splitLoop: 6,
  /** Right after the `end` of a split loop. */
  splitLoopEnd: 7,
} as const;

/** Labels a split loop adds around itself (see instrument.ts). */
export const SPLIT_LABELS = 3;

/** The events of one scanned sequence, in position order (reused between sequences). */
export class CodeEvents {
  kinds = new Uint8Array(256);
  positions = new Int32Array(256);
  ends = new Int32Array(256);
  values = new Int32Array(256);
  count = 0;
  loops = 0;
  tailCalls = 0;
  grows = 0;
  /** Open labels while scanning: 1 for a split loop. */
  labels = new Uint8Array(64);

  reset(): void {
    this.count = 0;
    this.loops = 0;
    this.tailCalls = 0;
    this.grows = 0;
  }

  push(kind: number, position: number, end = position, value = 0): void {
    if (this.count === this.kinds.length) this._grow();
    const i = this.count++;
    this.kinds[i] = kind;
    this.positions[i] = position;
    this.ends[i] = end;
    this.values[i] = value;
  }

  private _grow(): void {
    const size = this.kinds.length * 2;
    const kinds = new Uint8Array(size); kinds.set(this.kinds); this.kinds = kinds;
    const positions = new Int32Array(size); positions.set(this.positions); this.positions = positions;
    const ends = new Int32Array(size); ends.set(this.ends); this.ends = ends;
    const values = new Int32Array(size); values.set(this.values); this.values = values;
  }
}

/** What the scan looks for. */
export interface ScanOptions {
  /** Function indices at or above this one (the module's own functions) move up by `functionShift`. */
  readonly firstShifted: number;
  readonly functionShift: number;
  /** Record memory.grow of memory 0. */
  readonly hookGrow: boolean;
  /** Parameter counts by type index (for block types given as a type index); without it no loop is split. */
  readonly typeParams?: readonly number[];
}

/**
 * Decodes one instruction sequence from `r` (a function body's
 * instructions, or a constant expression), through the `end` that closes
 * it, recording into `events` where a rewrite would change it. Calls to the
 * module's own functions and indirect calls get flush/reload events (an
 * import never touches the countdown); exits from the function (return,
 * tail calls, throws, branches to the function's own label, the final end)
 * get flush events. Loops without parameters are split: branches that
 * leave one are renumbered past the labels its split adds. `functionIndex`
 * only labels errors.
 */
export function scanCode(r: Reader, events: CodeEvents, options: ScanOptions, functionIndex?: number): void {
  const bytes = r.bytes;
  const end = r.end;
  const { firstShifted, functionShift, hookGrow, typeParams } = options;
  let labels = events.labels;
  let depth = 0;
  /** Split loops open now: while there are none, no label moves. */
  let splitOpen = 0;
  const open = (kind: number): void => {
    if (depth === labels.length) {
      const grown = new Uint8Array(depth * 2);
      grown.set(labels);
      labels = events.labels = grown;
    }
    labels[depth++] = kind;
    if (kind === 1) splitOpen++;
  };
  /** Reads a label index relative to `context` open labels; renumbers it past the split loops it leaves. Returns it. */
  const label = (context: number): number => {
    const start = r.pos;
    const index = r.u32();
    if (splitOpen > 0) {
      let passed = 0;
      for (let j = 0; j < index && j < context; j++) if (labels[context - 1 - j] === 1) passed++;
      if (passed > 0) events.push(EVENT.renumber, start, r.pos, index + passed * SPLIT_LABELS);
    }
    return index;
  };
  for (;;) {
    if (r.pos >= end) throw new MalformedWasmError('code ends without end', r.pos);
    const at = r.pos;
    const opcode = bytes[r.pos++]!;
    switch (KIND[opcode]) {
      case NONE:
        if (opcode === 0x0f || opcode === 0x0a) events.push(EVENT.flush, at); // return, throw_ref
        break;
      case LEB:
        if (opcode === 0x0c || opcode === 0x0d || opcode === 0xd5 || opcode === 0xd6) {
          // br, br_if, br_on_null, br_on_non_null: to the function's own label, a return
          const mark = events.count;
          if (label(depth) === depth) insertFlush(events, mark, at);
        } else if (opcode === 0x09) { // rethrow
          events.push(EVENT.flush, at);
          label(depth);
        } else {
          if (opcode === 0x08 || opcode === 0x14) events.push(EVENT.flush, at); // throw, call_ref
          r.skipLeb();
          if (opcode === 0x14) events.push(EVENT.reload, r.pos);
        }
        break;
      case END:
        if (depth === 0) {
          events.push(EVENT.flush, at);
          return;
        }
        if (labels[--depth] === 1) {
          splitOpen--;
          events.push(EVENT.splitLoopEnd, r.pos);
        }
        break;
      case BLOCK:
        skipBlockType(r);
        open(0);
        break;
      case LOOP: {
        const typeStart = r.pos;
        const params = blockParams(r, typeParams);
        events.loops++;
        if (params === 0) {
          events.push(EVENT.splitLoop, at, r.pos);
          open(1);
        } else {
          events.push(EVENT.loop, r.pos, typeStart);
          open(0);
        }
        break;
      }
      case MEMARG:
        skipMemarg(r);
        break;
      case FUNC:
      case RETURN_CALL: {
        const tail = KIND[opcode] === RETURN_CALL;
        if (tail) events.tailCalls++;
        const start = r.pos;
        const index = r.u32();
        const own = index >= firstShifted;
        if (opcode === 0xd2) { // ref.func
          if (own && functionShift !== 0) events.push(EVENT.renumber, start, r.pos, index + functionShift);
          break;
        }
        if (own || tail) events.push(EVENT.flush, at);
        if (own && functionShift !== 0) events.push(EVENT.renumber, start, r.pos, index + functionShift);
        if (own && !tail) events.push(EVENT.reload, r.pos);
        break;
      }
      case LEB2: // call_indirect
        events.push(EVENT.flush, at);
        r.skipLeb();
        r.skipLeb();
        events.push(EVENT.reload, r.pos);
        break;
      case TAIL_LEB: // return_call_ref
        events.tailCalls++;
        events.push(EVENT.flush, at);
        r.skipLeb();
        break;
      case TAIL_LEB2: // return_call_indirect
        events.tailCalls++;
        events.push(EVENT.flush, at);
        r.skipLeb();
        r.skipLeb();
        break;
      case F32:
        r.skip(4);
        break;
      case F64:
        r.skip(8);
        break;
      case BR_TABLE: {
        const mark = events.count;
        let exits = false;
        for (let targets = r.u32(); targets >= 0; targets--) if (label(depth) === depth) exits = true; // the targets, then the default
        if (exits) insertFlush(events, mark, at);
        break;
      }
      case SELECT_T:
        for (let types = r.u32(); types > 0; types--) skipValType(r);
        break;
      case DELEGATE:
        // Closes a try (never a split loop); its label counts from outside that try.
        depth--;
        label(depth);
        break;
      case MEMORY_SIZE:
        r.skipLeb();
        break;
      case MEMORY_GROW: {
        const memory = r.u32();
        if (hookGrow && memory === 0) {
          events.push(EVENT.grow, r.pos);
          events.grows++;
        }
        break;
      }
      case TRY_TABLE:
        skipBlockType(r);
        // Catch labels count from outside the try_table.
        for (let catches = r.u32(); catches > 0; catches--) {
          const kind = r.byte();
          if (kind === 0x00 || kind === 0x01) r.skipLeb(); // the tag
          else if (kind !== 0x02 && kind !== 0x03) throw new MalformedWasmError(`unknown catch kind ${kind}`, r.pos - 1);
          label(depth);
        }
        open(0);
        break;
      case PREFIX_FB:
        skipGc(r, at, functionIndex, depth, events, label);
        break;
      case PREFIX_FC:
        skipMisc(r, at, functionIndex);
        break;
      case PREFIX_FD:
        skipSimd(r, at, functionIndex);
        break;
      case PREFIX_FE:
        skipAtomic(r, at, functionIndex);
        break;
      default:
        throw new UnsupportedInstructionError(undefined, opcode, at, functionIndex);
    }
  }
}

/** Puts a flush at `position` before the events recorded since `mark` (a branch's renumbering, found first). */
function insertFlush(events: CodeEvents, mark: number, position: number): void {
  events.push(EVENT.flush, position);
  const last = events.count - 1;
  if (last === mark) return;
  const { kinds, positions, ends, values } = events;
  for (let j = last; j > mark; j--) {
    kinds[j] = kinds[j - 1]!;
    positions[j] = positions[j - 1]!;
    ends[j] = ends[j - 1]!;
    values[j] = values[j - 1]!;
  }
  kinds[mark] = EVENT.flush;
  positions[mark] = position;
  ends[mark] = position;
  values[mark] = 0;
}

/** Reads a block type; returns its parameter count (0 for the short forms, -1 when unknown). */
function blockParams(r: Reader, typeParams: readonly number[] | undefined): number {
  const byte = r.bytes[r.pos]!;
  if (byte === 0x63 || byte === 0x64) {
    r.pos++;
    r.skipLeb();
    return typeParams ? 0 : -1;
  }
  if ((byte & 0xc0) === 0x40) { // 0x40 (empty) and one-byte value types: negative one-byte s33s
    r.pos++;
    return typeParams ? 0 : -1;
  }
  const index = r.u32();
  return typeParams?.[index] ?? -1;
}

/** What is inserted where (undefined: that kind of event is left alone). */
export interface Insertions {
  readonly flush?: Uint8Array;
  readonly reload?: Uint8Array;
  readonly loop?: Uint8Array;
  readonly grow?: Uint8Array;
  /** Writes what replaces `loop blocktype` of a split loop, given the block type's bytes. */
  readonly splitLoop?: (blockType: Uint8Array, out: Writer) => void;
  readonly splitLoopEnd?: Uint8Array;
}

/** Writes bytes[start, end) to `out` with the events applied: renumbering always, insertions as given. */
export function emitCode(bytes: Uint8Array, start: number, end: number, events: CodeEvents, insertions: Insertions, out: Writer): void {
  let copied = start;
  const { kinds, positions, ends, values } = events;
  for (let i = 0; i < events.count; i++) {
    const kind = kinds[i]!;
    const position = positions[i]!;
    let insert: Uint8Array | undefined;
    switch (kind) {
      case EVENT.renumber:
        out.span(bytes, copied, position);
        out.u32(values[i]!);
        copied = ends[i]!;
        continue;
      case EVENT.flush: insert = insertions.flush; break;
      case EVENT.reload: insert = insertions.reload; break;
      case EVENT.loop: insert = insertions.loop; break;
      case EVENT.grow: insert = insertions.grow; break;
      case EVENT.splitLoop:
        if (!insertions.splitLoop) continue;
        out.span(bytes, copied, position);
        insertions.splitLoop(bytes.subarray(position + 1, ends[i]!), out); // the wrappers, then the loop itself and its check
        copied = ends[i]!;
        continue;
      case EVENT.splitLoopEnd: insert = insertions.splitLoopEnd; break;
    }
    if (!insert) continue;
    out.span(bytes, copied, position);
    out.bytes(insert);
    copied = position;
  }
  out.span(bytes, copied, end);
}

/** Copies a constant expression (through its `end`) with ref.func renumbered. */
export function rewriteConstant(r: Reader, out: Writer, events: CodeEvents, options: ScanOptions): void {
  const start = r.pos;
  events.reset();
  scanCode(r, events, { ...options, hookGrow: false });
  emitCode(r.bytes, start, r.pos, events, {}, out);
}

/** A block type: empty (0x40), one value type, or a type index (s33). */
function skipBlockType(r: Reader): void {
  const byte = r.bytes[r.pos];
  if (byte === 0x63 || byte === 0x64) {
    r.pos++;
    r.skipLeb();
  } else {
    r.skipLeb(); // 0x40 and single-byte value types are one-byte LEBs too
  }
}

function skipValType(r: Reader): void {
  const byte = r.byte();
  if (byte === 0x63 || byte === 0x64) r.skipLeb();
}

/** align (bit 6: a memory index follows), [memory], offset (u32, or u64 for memory64). */
function skipMemarg(r: Reader): void {
  const align = r.u32();
  if ((align & 0x40) !== 0) r.skipLeb();
  r.skipLeb();
}

function skipMisc(r: Reader, at: number, functionIndex: number | undefined): void {
  const sub = r.u32();
  if (sub <= 7) return; // saturating truncation
  switch (sub) {
    case 8: r.skipLeb(); r.skipLeb(); return; // memory.init data memory
    case 9: r.skipLeb(); return; // data.drop
    case 10: r.skipLeb(); r.skipLeb(); return; // memory.copy
    case 11: r.skipLeb(); return; // memory.fill
    case 12: r.skipLeb(); r.skipLeb(); return; // table.init elem table
    case 13: r.skipLeb(); return; // elem.drop
    case 14: r.skipLeb(); r.skipLeb(); return; // table.copy
    case 15: case 16: case 17: r.skipLeb(); return; // table.grow, table.size, table.fill
    case 19: case 20: case 21: case 22: return; // wide arithmetic
    default: throw new UnsupportedInstructionError(0xfc, sub, at, functionIndex);
  }
}

function skipSimd(r: Reader, at: number, functionIndex: number | undefined): void {
  const sub = r.u32();
  if (sub <= 11 || sub === 92 || sub === 93) return skipMemarg(r); // loads, store, load*_zero
  if (sub === 12 || sub === 13) return r.skip(16); // v128.const, i8x16.shuffle
  if (sub >= 21 && sub <= 34) return r.skip(1); // extract_lane, replace_lane
  if (sub >= 84 && sub <= 91) { skipMemarg(r); r.skip(1); return; } // load*_lane, store*_lane
  if (sub <= 0x113) return; // every other SIMD and relaxed SIMD instruction has no immediate
  throw new UnsupportedInstructionError(0xfd, sub, at, functionIndex);
}

function skipAtomic(r: Reader, at: number, functionIndex: number | undefined): void {
  const sub = r.u32();
  if (sub === 0x03) return r.skip(1); // atomic.fence 0x00
  if (sub <= 0x02 || (sub >= 0x10 && sub <= 0x4e)) return skipMemarg(r);
  throw new UnsupportedInstructionError(0xfe, sub, at, functionIndex);
}

function skipGc(r: Reader, at: number, functionIndex: number | undefined, depth: number, events: CodeEvents, label: (context: number) => number): void {
  const sub = r.u32();
  switch (sub) {
    case 0: case 1: case 6: case 7: case 11: case 12: case 13: case 14: case 16: // one type index
    case 20: case 21: case 22: case 23: // ref.test, ref.cast: a heap type
      r.skipLeb();
      return;
    case 2: case 3: case 4: case 5: // struct.get*/set: type, field
    case 8: case 9: case 10: case 17: case 18: case 19: // array.new_fixed/data/elem, copy, init_data/elem
      r.skipLeb();
      r.skipLeb();
      return;
    case 15: case 26: case 27: case 28: case 29: case 30: // array.len, conversions, i31
      return;
    case 24: case 25: { // br_on_cast(_fail): flags, label, two heap types
      r.skip(1);
      const mark = events.count;
      if (label(depth) === depth) insertFlush(events, mark, at);
      r.skipLeb();
      r.skipLeb();
      return;
    }
    default:
      throw new UnsupportedInstructionError(0xfb, sub, at, functionIndex);
  }
}

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

/** What a rewrite of an instruction sequence does. */
export interface CodeRewrite {
  /** Function indices at or above this one move up by `functionShift`. */
  readonly firstShifted: number;
  readonly functionShift: number;
  /** Inserted right after each loop's block type (undefined: loops are left alone). */
  readonly loopHeader?: Uint8Array;
  /** Inserted right after each `memory.grow` of memory 0 (undefined: left alone). */
  readonly afterGrow?: Uint8Array;
}

export interface CodeStats {
  loops: number;
  grows: number;
  tailCalls: number;
}

/**
 * Copies one instruction sequence from `r` to `out`, up to and including the
 * `end` that closes it, rewritten as `rewrite` says. Returns whether it makes
 * tail calls. `functionIndex` only labels errors.
 */
export function rewriteCode(r: Reader, out: Writer, rewrite: CodeRewrite, stats: CodeStats, functionIndex?: number): boolean {
  const bytes = r.bytes;
  const end = r.end;
  const { firstShifted, functionShift, loopHeader, afterGrow } = rewrite;
  let copied = r.pos;
  let depth = 0;
  let tail = false;
  for (;;) {
    if (r.pos >= end) throw new MalformedWasmError('code ends without end', r.pos);
    const at = r.pos;
    const opcode = bytes[r.pos++]!;
    switch (KIND[opcode]) {
      case NONE:
        break;
      case LEB:
        r.skipLeb();
        break;
      case END:
        if (depth === 0) {
          out.span(bytes, copied, r.pos);
          return tail;
        }
        depth--;
        break;
      case BLOCK:
        skipBlockType(r);
        depth++;
        break;
      case LOOP:
        skipBlockType(r);
        depth++;
        if (loopHeader) {
          out.span(bytes, copied, r.pos);
          out.bytes(loopHeader);
          copied = r.pos;
          stats.loops++;
        }
        break;
      case MEMARG:
        skipMemarg(r);
        break;
      case FUNC:
      case RETURN_CALL: {
        if (KIND[opcode] === RETURN_CALL) {
          tail = true;
          stats.tailCalls++;
        }
        const start = r.pos;
        const index = r.u32();
        if (index >= firstShifted && functionShift !== 0) {
          out.span(bytes, copied, start);
          out.u32(index + functionShift);
          copied = r.pos;
        }
        break;
      }
      case LEB2:
        r.skipLeb();
        r.skipLeb();
        break;
      case TAIL_LEB:
        tail = true;
        stats.tailCalls++;
        r.skipLeb();
        break;
      case TAIL_LEB2:
        tail = true;
        stats.tailCalls++;
        r.skipLeb();
        r.skipLeb();
        break;
      case F32:
        r.skip(4);
        break;
      case F64:
        r.skip(8);
        break;
      case BR_TABLE:
        for (let targets = r.u32(); targets >= 0; targets--) r.skipLeb(); // the targets, then the default
        break;
      case SELECT_T:
        for (let types = r.u32(); types > 0; types--) skipValType(r);
        break;
      case DELEGATE:
        r.skipLeb();
        depth--;
        break;
      case MEMORY_SIZE:
        r.skipLeb();
        break;
      case MEMORY_GROW: {
        const memory = r.u32();
        if (afterGrow && memory === 0) {
          out.span(bytes, copied, r.pos);
          out.bytes(afterGrow);
          copied = r.pos;
          stats.grows++;
        }
        break;
      }
      case TRY_TABLE:
        skipBlockType(r);
        depth++;
        for (let catches = r.u32(); catches > 0; catches--) {
          const kind = r.byte();
          if (kind === 0x00 || kind === 0x01) r.skipLeb(); // the tag
          else if (kind !== 0x02 && kind !== 0x03) throw new MalformedWasmError(`unknown catch kind ${kind}`, r.pos - 1);
          r.skipLeb(); // the label
        }
        break;
      case PREFIX_FB:
        skipGc(r, at, functionIndex);
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

function skipGc(r: Reader, at: number, functionIndex: number | undefined): void {
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
    case 24: case 25: // br_on_cast(_fail): flags, label, two heap types
      r.skip(1);
      r.skipLeb();
      r.skipLeb();
      r.skipLeb();
      return;
    default:
      throw new UnsupportedInstructionError(0xfb, sub, at, functionIndex);
  }
}

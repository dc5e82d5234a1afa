// Bounds-checked access to guest linear memory. memory.buffer is re-read on
// every access because memory.grow replaces it. Every pointer and length is
// treated as u32 and checked before use; an access outside memory is
// ERRNO_FAULT for the guest (witx allows a trap; an errno is friendlier).
import { ERRNO_FAULT, ERRNO_ILSEQ, ERRNO_INVAL } from './constants';
import { fail } from './errors';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** What guest memory access needs: the instance's WebAssembly.Memory, or a plain buffer (warm-up). */
export interface MemoryLike {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}

export class GuestMemory {
  constructor(private readonly memory: MemoryLike) {}

  get byteLength(): number {
    return this.memory.buffer.byteLength;
  }

  /** Throws FAULT unless [ptr, ptr+len) lies inside memory; returns ptr as u32. */
  check(ptr: number, len: number): number {
    const p = ptr >>> 0;
    const l = len >>> 0;
    // Both are < 2^32, so the sum is exact in a double.
    if (p + l > this.memory.buffer.byteLength) fail(ERRNO_FAULT, `guest range ${p}+${l} out of bounds`);
    return p;
  }

  private view(ptr: number, len: number): DataView {
    const p = this.check(ptr, len);
    return new DataView(this.memory.buffer, p, len);
  }

  /** A live view of guest bytes (valid until the next memory.grow). */
  bytes(ptr: number, len: number): Uint8Array {
    const p = this.check(ptr, len);
    return new Uint8Array(this.memory.buffer, p, len >>> 0);
  }

  /** A copy of guest bytes. */
  copyOut(ptr: number, len: number): Uint8Array {
    return this.bytes(ptr, len).slice();
  }

  write(ptr: number, src: Uint8Array): void {
    this.bytes(ptr, src.length).set(src);
  }

  getU8(ptr: number): number { return this.view(ptr, 1).getUint8(0); }
  getU16(ptr: number): number { return this.view(ptr, 2).getUint16(0, true); }
  getU32(ptr: number): number { return this.view(ptr, 4).getUint32(0, true); }
  getU64(ptr: number): bigint { return this.view(ptr, 8).getBigUint64(0, true); }
  getI64(ptr: number): bigint { return this.view(ptr, 8).getBigInt64(0, true); }

  setU8(ptr: number, value: number): void { this.view(ptr, 1).setUint8(0, value); }
  setU16(ptr: number, value: number): void { this.view(ptr, 2).setUint16(0, value, true); }
  setU32(ptr: number, value: number): void { this.view(ptr, 4).setUint32(0, value >>> 0, true); }
  setU64(ptr: number, value: bigint): void { this.view(ptr, 8).setBigUint64(0, BigInt.asUintN(64, value), true); }

  /** Zero-fills a range. */
  zero(ptr: number, len: number): void {
    this.bytes(ptr, len).fill(0);
  }

  /** Decodes UTF-8 (ILSEQ when invalid). */
  readString(ptr: number, len: number): string {
    const bytes = this.copyOut(ptr, len);
    try {
      return utf8.decode(bytes);
    } catch {
      return fail(ERRNO_ILSEQ, 'invalid UTF-8');
    }
  }

  /** A path argument: valid UTF-8 (ILSEQ) without NUL bytes (INVAL, as wasmtime: a NUL cannot reach the OS). */
  readPath(ptr: number, len: number): string {
    const bytes = this.copyOut(ptr, len);
    if (bytes.includes(0)) fail(ERRNO_INVAL, 'NUL byte in path');
    try {
      return utf8.decode(bytes);
    } catch {
      return fail(ERRNO_ILSEQ, 'invalid UTF-8 in path');
    }
  }

  /** Reads an iovec/ciovec array: [{buf u32, buf_len u32}] × count. */
  readIovecs(ptr: number, count: number): Array<{ buf: number; len: number }> {
    const n = count >>> 0;
    const base = this.check(ptr, n * 8);
    const out: Array<{ buf: number; len: number }> = [];
    for (let i = 0; i < n; i++) {
      const buf = this.getU32(base + i * 8);
      const len = this.getU32(base + i * 8 + 4);
      this.check(buf, len);
      out.push({ buf, len });
    }
    return out;
  }
}

export function encodeUtf8(s: string): Uint8Array {
  return encoder.encode(s);
}

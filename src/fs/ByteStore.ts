// Contents of one file in the writable layer: a growable byte array.
//
// Why not memfs's core `Node` (@jsonjoy.com/fs-core)? It stores contents
// in a Node `Buffer` that it takes from @jsonjoy.com/fs-node-builtins, and
// that "shim" is a plain re-export of `node:buffer` (and the package also
// pulls in `node:path`): `esbuild --bundle --platform=browser` fails with
// "Could not resolve node:buffer", and no Buffer polyfill is installed.
// A browser worker cannot load it, so the writable layer keeps its own
// storage here (plain Uint8Array) and its own metadata (bigint ns times,
// which memfs's Date fields could not hold anyway). memfs is still used
// where it fits: memfsJson.ts reads/writes memfs's DirectoryJSON format.

import { FsError } from './types';

const MIN_CAPACITY = 64;
/** Past this, grow by 1.5x instead of 2x: big files should not waste half their memory. */
const DOUBLING_LIMIT = 64 * 1024 * 1024;

export class ByteStore {
  private bytes: Uint8Array;
  private length: number;
  /** Bytes of `bytes` at and past this index were never written since it was allocated: they are zero. */
  private dirty = 0;

  /** Starts with a copy of `initial` (e.g. the lower layer's data on copy-up). */
  constructor(initial?: Uint8Array, size = initial?.length ?? 0) {
    this.bytes = new Uint8Array(0);
    this.length = 0;
    this.resize(size);
    if (initial) this.bytes.set(initial.subarray(0, Math.min(size, initial.length)));
  }

  get size(): number {
    return this.length;
  }

  read(dst: Uint8Array, position: number): number {
    if (position >= this.length) return 0;
    const n = Math.min(dst.length, this.length - position);
    dst.set(this.bytes.subarray(position, position + n));
    return n;
  }

  /** Writes src at position, zero-filling any gap past the old end. */
  write(src: Uint8Array, position: number): void {
    const end = position + src.length;
    if (end > this.bytes.length) this.grow(end);
    if (position > this.length) this.zero(this.length, position);
    this.bytes.set(src, position);
    if (end > this.length) this.length = end;
    if (end > this.dirty) this.dirty = end;
  }

  /** Sets the size; bytes past the old end read as zeros. Throws ENOSPC if memory runs out. */
  resize(size: number): void {
    if (size > this.bytes.length) this.grow(size);
    if (size > this.length) this.zero(this.length, size);
    this.length = size;
  }

  /**
   * Clears [from, to) where it may hold old bytes (a shrink leaves them in
   * the spare capacity); fresh capacity is zero already, so appends do not
   * pay for clearing what they are about to write.
   */
  private zero(from: number, to: number): void {
    const end = Math.min(to, this.dirty);
    if (end > from) this.bytes.fill(0, from, end);
  }

  /** A copy of the contents. */
  toBytes(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }

  private grow(needed: number): void {
    const cap = this.bytes.length;
    let next = Math.max(cap < DOUBLING_LIMIT ? cap * 2 : Math.floor(cap * 1.5), MIN_CAPACITY);
    if (next < needed) next = needed;
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(next);
    } catch {
      // Over-allocation may fail where the exact size still fits.
      try {
        bytes = new Uint8Array(needed);
      } catch {
        throw new FsError('ENOSPC', `cannot allocate ${needed} bytes`);
      }
    }
    bytes.set(this.bytes.subarray(0, this.length));
    this.bytes = bytes;
    this.dirty = this.length;
  }
}

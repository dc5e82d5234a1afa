// LEB128 reading and a growable output buffer: the two halves of a
// single-pass rewriter that copies bytes through in large spans.

import { MalformedWasmError } from './errors';

export class Reader {
  pos: number;

  constructor(readonly bytes: Uint8Array, start = 0, readonly end = bytes.length) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  byte(): number {
    if (this.pos >= this.end) throw new MalformedWasmError('unexpected end', this.pos);
    return this.bytes[this.pos++]!;
  }

  /** An unsigned LEB128 of up to 32 bits. */
  u32(): number {
    const bytes = this.bytes;
    let pos = this.pos;
    if (pos >= this.end) throw new MalformedWasmError('unexpected end', pos);
    let byte = bytes[pos++]!;
    if (byte < 0x80) {
      this.pos = pos;
      return byte;
    }
    let result = byte & 0x7f;
    let shift = 7;
    for (;;) {
      if (pos >= this.end) throw new MalformedWasmError('unexpected end in a LEB128 number', pos);
      byte = bytes[pos++]!;
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) break;
      shift += 7;
      if (shift > 28) {
        if (shift > 35 || pos >= this.end || bytes[pos]! >= 0x80) throw new MalformedWasmError('LEB128 number too long', pos);
      }
    }
    this.pos = pos;
    return result;
  }

  /** An unsigned LEB128 of up to 64 bits, exact up to 2^53 (memory64 limits). */
  u64(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const byte = this.byte();
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
    }
    throw new MalformedWasmError('LEB128 number too long', this.pos);
  }

  /** Skips a LEB128 number of any width (signed or unsigned). */
  skipLeb(): void {
    const bytes = this.bytes;
    const end = this.end;
    let pos = this.pos;
    const limit = pos + 10;
    for (;;) {
      if (pos >= end || pos >= limit) throw new MalformedWasmError('bad LEB128 number', pos);
      if (bytes[pos++]! < 0x80) break;
    }
    this.pos = pos;
  }

  skip(count: number): void {
    if (this.pos + count > this.end) throw new MalformedWasmError('unexpected end', this.pos);
    this.pos += count;
  }

  /** A name: a u32 length and UTF-8 bytes. */
  name(): string {
    const length = this.u32();
    const start = this.pos;
    this.skip(length);
    return new TextDecoder().decode(this.bytes.subarray(start, start + length));
  }
}

export class Writer {
  private _buffer: Uint8Array;
  length = 0;

  constructor(capacity = 1024) {
    this._buffer = new Uint8Array(Math.max(16, capacity));
  }

  private _reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this._buffer.length) return;
    let capacity = this._buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this._buffer.subarray(0, this.length));
    this._buffer = grown;
  }

  byte(value: number): void {
    if (this.length >= this._buffer.length) this._reserve(1);
    this._buffer[this.length++] = value;
  }

  bytes(data: Uint8Array): void {
    this._reserve(data.length);
    this._buffer.set(data, this.length);
    this.length += data.length;
  }

  /** Copies bytes[start, end) of another buffer. */
  span(source: Uint8Array, start: number, end: number): void {
    if (end <= start) return;
    this._reserve(end - start);
    this._buffer.set(source.subarray(start, end), this.length);
    this.length += end - start;
  }

  u32(value: number): void {
    this._reserve(5);
    const buffer = this._buffer;
    let length = this.length;
    do {
      let byte = value & 0x7f;
      value = Math.floor(value / 128);
      if (value !== 0) byte |= 0x80;
      buffer[length++] = byte;
    } while (value !== 0);
    this.length = length;
  }

  /** A u64 LEB128 (memory64 limits), exact up to 2^53. */
  u64(value: number): void {
    do {
      let byte = value % 128;
      value = Math.floor(value / 128);
      if (value !== 0) byte |= 0x80;
      this.byte(byte);
    } while (value !== 0);
  }

  /** A signed LEB128 of a 32-bit value (i32.const). */
  s32(value: number): void {
    value |= 0;
    for (;;) {
      const byte = value & 0x7f;
      value >>= 7;
      if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
        this.byte(byte);
        return;
      }
      this.byte(byte | 0x80);
    }
  }

  name(text: string): void {
    const encoded = new TextEncoder().encode(text);
    this.u32(encoded.length);
    this.bytes(encoded);
  }

  /** A section or a sized entry: `id` (unless undefined), the length of `body`, then `body`. */
  sized(id: number | undefined, body: Writer): void {
    if (id !== undefined) this.byte(id);
    this.u32(body.length);
    this._reserve(body.length);
    this._buffer.set(body._buffer.subarray(0, body.length), this.length);
    this.length += body.length;
  }

  reset(): void {
    this.length = 0;
  }

  /** The bytes written, as a view (valid until the next write). */
  view(): Uint8Array {
    return this._buffer.subarray(0, this.length);
  }

  /** A copy of the bytes written, in a buffer of its own. */
  finish(): Uint8Array<ArrayBuffer> {
    return this._buffer.slice(0, this.length);
  }
}

/** The length of `value` as an unsigned LEB128. */
export function u32Size(value: number): number {
  let size = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

/** The bytes of an unsigned LEB128. */
export function u32Bytes(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

// A single-producer single-consumer byte ring in shared memory: a
// container's stdin (the supervisor writes it from the page's thread, the
// container's worker reads it), pipes between processes, and each direction
// of a network connection. Readers and writers block elsewhere (Atomics.wait
// on a word of their own); the ring only moves bytes. Head and tail are
// free-running u32 counters, so full and empty are told apart without a
// spare slot.

const HEAD = 0; // bytes consumed (written by the reader)
const TAIL = 1; // bytes produced (written by the writer)
const CLOSED = 2; // 1 once the writer has closed: readers see EOF after draining
const HEADER_BYTES = 16;

export class ByteRing {
  private readonly _state: Int32Array;
  private readonly _data: Uint8Array;

  /** Lays a ring over `buffer[byteOffset, byteOffset + HEADER_BYTES + capacity)`. */
  constructor(buffer: SharedArrayBuffer | ArrayBuffer, byteOffset: number, readonly capacity: number) {
    this._state = new Int32Array(buffer, byteOffset, HEADER_BYTES / 4);
    this._data = new Uint8Array(buffer, byteOffset + HEADER_BYTES, capacity);
  }

  static byteLength(capacity: number): number {
    return HEADER_BYTES + capacity;
  }

  /** Bytes ready to read. */
  available(): number {
    return (Atomics.load(this._state, TAIL) - Atomics.load(this._state, HEAD)) >>> 0;
  }

  /** Bytes that fit before the ring is full. */
  space(): number {
    return this.capacity - this.available();
  }

  /** Bytes read so far (a free-running u32 position). */
  get readPosition(): number {
    return Atomics.load(this._state, HEAD) >>> 0;
  }

  /** Bytes written so far (a free-running u32 position). */
  get writePosition(): number {
    return Atomics.load(this._state, TAIL) >>> 0;
  }

  get closed(): boolean {
    return Atomics.load(this._state, CLOSED) === 1;
  }

  /** Copies as much of `src` as fits; returns the count written. */
  write(src: Uint8Array): number {
    if (this.closed) return 0;
    const count = Math.min(src.length, this.space());
    const tail = Atomics.load(this._state, TAIL) >>> 0;
    this._copyIn(src.subarray(0, count), tail % this.capacity);
    Atomics.store(this._state, TAIL, (tail + count) | 0);
    return count;
  }

  /** Copies up to dst.length available bytes; returns the count (0 when empty). */
  read(dst: Uint8Array): number {
    const count = Math.min(dst.length, this.available());
    const head = Atomics.load(this._state, HEAD) >>> 0;
    this._copyOut(dst.subarray(0, count), head % this.capacity);
    Atomics.store(this._state, HEAD, (head + count) | 0);
    return count;
  }

  /** Copies up to dst.length available bytes without consuming them (MSG_PEEK). */
  peek(dst: Uint8Array): number {
    const count = Math.min(dst.length, this.available());
    this._copyOut(dst.subarray(0, count), (Atomics.load(this._state, HEAD) >>> 0) % this.capacity);
    return count;
  }

  /**
   * Like read, but stops after the first `delimiter` byte: a terminal in
   * canonical mode hands a reader at most one line per read, so the shell
   * does not swallow the lines typed ahead for the program it starts.
   */
  readUntil(dst: Uint8Array, delimiter: number): number {
    const available = Math.min(dst.length, this.available());
    const head = Atomics.load(this._state, HEAD) >>> 0;
    let count = 0;
    while (count < available) {
      if (this._data[(head + count) % this.capacity] === delimiter) {
        count++;
        break;
      }
      count++;
    }
    return this.read(dst.subarray(0, count));
  }

  close(): void {
    Atomics.store(this._state, CLOSED, 1);
  }

  /** Empties and reopens the ring (only while no reader or writer is active). */
  reset(): void {
    Atomics.store(this._state, HEAD, 0);
    Atomics.store(this._state, TAIL, 0);
    Atomics.store(this._state, CLOSED, 0);
  }

  private _copyIn(src: Uint8Array, at: number): void {
    const first = Math.min(src.length, this.capacity - at);
    this._data.set(src.subarray(0, first), at);
    if (first < src.length) this._data.set(src.subarray(first), 0);
  }

  private _copyOut(dst: Uint8Array, at: number): void {
    const first = Math.min(dst.length, this.capacity - at);
    dst.set(this._data.subarray(at, at + first), 0);
    if (first < dst.length) dst.set(this._data.subarray(0, dst.length - first), first);
  }
}

// A pipe between processes of one container, in shared memory so that
// both ends may live in different workers (a pipeline's stages each run
// in their own worker; the shell runs in the container's worker).
//
// Ends are reference-counted like file descriptions on Linux: EOF once
// every writer reference is closed, EPIPE (SIGPIPE) once every reader
// reference is. Blocking waits happen in short slices so a process blocked
// on a pipe still notices signals sent to it.

import { ByteRing } from '../../net/ByteRing';

const READERS = 0;
const WRITERS = 1;
const SEQ = 2; // bumped on every change; waiters sleep on it
const WORDS = 4;
export const PIPE_CAPACITY = 64 * 1024;
const WAIT_SLICE_MS = 20;

const run = (wait: () => void): void => wait();
const EPIPE = 'EPIPE';

export class Pipe {
  readonly buffer: SharedArrayBuffer;
  private readonly _words: Int32Array;
  private readonly _ring: ByteRing;

  constructor(buffer?: SharedArrayBuffer) {
    this.buffer = buffer ?? new SharedArrayBuffer(WORDS * 4 + ByteRing.byteLength(PIPE_CAPACITY));
    this._words = new Int32Array(this.buffer, 0, WORDS);
    this._ring = new ByteRing(this.buffer, WORDS * 4, this.buffer.byteLength - WORDS * 4 - ByteRing.byteLength(0));
  }

  /** A new pipe with one reader and one writer reference. */
  static create(): Pipe {
    const pipe = new Pipe();
    Atomics.store(pipe._words, READERS, 1);
    Atomics.store(pipe._words, WRITERS, 1);
    return pipe;
  }

  get readers(): number {
    return Atomics.load(this._words, READERS);
  }

  get writers(): number {
    return Atomics.load(this._words, WRITERS);
  }

  addRef(end: 'read' | 'write'): void {
    Atomics.add(this._words, end === 'read' ? READERS : WRITERS, 1);
    this._bump();
  }

  release(end: 'read' | 'write'): void {
    const index = end === 'read' ? READERS : WRITERS;
    if (Atomics.sub(this._words, index, 1) <= 0) Atomics.store(this._words, index, 0); // never below zero
    this._bump();
  }

  /** Bytes readable without blocking. */
  available(): number {
    return this._ring.available();
  }

  /** True when a read would not block: data, or no writer left (EOF). */
  readable(): boolean {
    return this._ring.available() > 0 || this.writers === 0;
  }

  // -- blocking side (process workers) --

  /** Reads at least one byte, or returns 0 at EOF. `check` runs between waits and may throw (signals). */
  readSync(dst: Uint8Array, check: () => void, block: (wait: () => void) => void = run): number {
    for (;;) {
      const seen = Atomics.load(this._words, SEQ);
      const count = this._tryRead(dst);
      if (count !== undefined) return count;
      check();
      block(() => Atomics.wait(this._words, SEQ, seen, WAIT_SLICE_MS));
    }
  }

  /** Writes all of src, blocking while the pipe is full. Returns false if no reader is left (EPIPE). */
  writeSync(src: Uint8Array, check: () => void, block: (wait: () => void) => void = run): boolean {
    for (let offset = 0; offset < src.length;) {
      const seen = Atomics.load(this._words, SEQ);
      const written = this._tryWrite(src.subarray(offset));
      if (written === EPIPE) return false;
      offset += written;
      if (written > 0) continue;
      check();
      block(() => Atomics.wait(this._words, SEQ, seen, WAIT_SLICE_MS));
    }
    return true;
  }

  // -- asynchronous side (the container worker's event loop) --

  async read(maxBytes: number): Promise<Uint8Array | null> {
    const dst = new Uint8Array(Math.max(1, Math.min(maxBytes, PIPE_CAPACITY)));
    for (;;) {
      const seen = Atomics.load(this._words, SEQ);
      const count = this._tryRead(dst);
      if (count !== undefined) {
        await yieldNow();
        return count === 0 ? null : dst.slice(0, count);
      }
      await this._changed(seen);
    }
  }

  async write(src: Uint8Array): Promise<boolean> {
    for (let offset = 0; offset < src.length;) {
      const seen = Atomics.load(this._words, SEQ);
      const written = this._tryWrite(src.subarray(offset));
      if (written === EPIPE) return false;
      offset += written;
      if (written === 0) await this._changed(seen);
    }
    await yieldNow();
    return true;
  }

  /** One attempt that never blocks: bytes read, 0 at EOF, or undefined when it would have to wait. */
  private _tryRead(dst: Uint8Array): number | undefined {
    const count = this._ring.read(dst);
    if (count > 0) {
      this._bump();
      return count;
    }
    return this.writers === 0 && this._ring.available() === 0 ? 0 : undefined;
  }

  /** One attempt that never blocks: bytes written (0 when full), or EPIPE when no reader is left. */
  private _tryWrite(src: Uint8Array): number | typeof EPIPE {
    if (this.readers === 0) return EPIPE;
    const count = this._ring.write(src);
    if (count > 0) this._bump();
    return count;
  }

  private async _changed(seen: number): Promise<void> {
    const waited = Atomics.waitAsync(this._words, SEQ, seen);
    if (waited.async) await waited.value;
  }

  private _bump(): void {
    Atomics.add(this._words, SEQ, 1);
    Atomics.notify(this._words, SEQ);
  }
}

/**
 * A pipe that always has data (`yes > /dev/null`: the kernel pumps it)
 * answers every read at once, in microtasks only, which would starve the
 * container worker's tasks: signals, kernel calls, file requests. So the
 * asynchronous side lets the event loop run every YIELD_EVERY_MS, after an
 * operation is done (its bytes moved at once, as before).
 */
const YIELD_EVERY_MS = 4;
let lastYield = 0;

async function yieldNow(): Promise<void> {
  const now = performance.now();
  if (now - lastYield < YIELD_EVERY_MS) return;
  await new Promise((resolve) => setTimeout(resolve, 0));
  lastYield = performance.now();
}

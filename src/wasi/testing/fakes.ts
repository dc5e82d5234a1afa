// Test doubles for the host side of a WASI process (host.ts interfaces).
import type { InputStream, OutputStream, Waiter, WasiOptions } from '../host';

export class BufferInput implements InputStream {
  private data: Uint8Array;
  private offset = 0;
  closed = true;
  /**
   * Called while a read finds no data and the stream is open: a real stream
   * blocks there (and re-checks signals). Without it such a read is a test error.
   */
  whenEmpty?: () => void;
  constructor(text = '', readonly isTerminal = false) {
    this.data = new TextEncoder().encode(text);
  }
  push(text: string): void {
    const more = new TextEncoder().encode(text);
    const next = new Uint8Array(this.data.length - this.offset + more.length);
    next.set(this.data.subarray(this.offset));
    next.set(more, this.data.length - this.offset);
    this.data = next;
    this.offset = 0;
  }
  read(dst: Uint8Array): number {
    while (this.offset >= this.data.length && !this.closed) {
      if (!this.whenEmpty) throw new Error('BufferInput: a blocking read on an open, empty stream (set whenEmpty)');
      this.whenEmpty();
    }
    const n = Math.min(dst.length, this.data.length - this.offset);
    dst.set(this.data.subarray(this.offset, this.offset + n));
    this.offset += n;
    return n;
  }
  readable(): boolean {
    return this.offset < this.data.length || this.closed;
  }
  available(): number {
    return this.data.length - this.offset;
  }
}

export class CollectOutput implements OutputStream {
  private chunks: Uint8Array[] = [];
  constructor(readonly isTerminal = false) {}
  write(bytes: Uint8Array): number {
    this.chunks.push(bytes.slice());
    return bytes.length;
  }
  text(): string {
    const total = this.chunks.reduce((n, c) => n + c.length, 0);
    const all = new Uint8Array(total);
    let o = 0;
    for (const c of this.chunks) { all.set(c, o); o += c.length; }
    return new TextDecoder().decode(all);
  }
}

/** A waiter that really sleeps (Atomics.wait on a private buffer) and counts its calls. */
export class SleepWaiter implements Waiter {
  calls = 0;
  private readonly cell = new Int32Array(new SharedArrayBuffer(4));
  onWait?: () => void;
  wait(timeoutMs: number): void {
    this.calls++;
    this.onWait?.();
    const ms = Number.isFinite(timeoutMs) ? Math.min(timeoutMs, 1000) : 10;
    Atomics.wait(this.cell, 0, 0, ms);
  }
}

export function testOptions(overrides: Partial<WasiOptions> = {}): WasiOptions {
  return {
    args: ['prog'],
    env: [],
    preopens: [],
    stdin: new BufferInput(),
    stdout: new CollectOutput(),
    stderr: new CollectOutput(),
    waiter: new SleepWaiter(),
    checkSignals: () => {},
    ...overrides,
  };
}

// Calls from a program in a process worker to its container's kernel
// (Flotilla's flotilla_v1 process extensions: spawn, wait, kill). The
// program blocks until the kernel, on the container worker's event loop,
// answers. One small JSON request and answer at a time per process.
//
// State word: IDLE → REQUEST (client) → DONE (server) → IDLE (client).
// A client that gives up (it was killed while waiting) withdraws a request
// not yet taken; an answer arriving later is discarded by sequence number.

const STATE = 0;
const SEQ = 1;
const RSEQ = 2;
const LENGTH = 3;
const WORDS = 4;
const CAPACITY = 32 * 1024;
const IDLE = 0;
const REQUEST = 1;
const TAKEN = 2;
const DONE = 3;
const WAIT_SLICE_MS = 20;

export type KernelCall =
  | { readonly op: 'spawn'; readonly argv: string[]; readonly env: string[]; readonly cwd: string }
  | { readonly op: 'wait'; readonly pid: number }
  | { readonly op: 'kill'; readonly pid: number; readonly signal: number };

/** Either a result or a POSIX error code (mapped to a WASI errno by the caller). */
export type KernelAnswer = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly code: string; readonly message: string };

/** A kernel-call failure with its POSIX code (ECHILD, ESRCH, ENOENT, ...). */
export class KernelCallError extends Error {
  override readonly name = 'KernelCallError';
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export function createKernelCallBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(WORDS * 4 + CAPACITY);
}

class Frame {
  readonly words: Int32Array;
  readonly bytes: Uint8Array;

  constructor(buffer: SharedArrayBuffer) {
    this.words = new Int32Array(buffer, 0, WORDS);
    this.bytes = new Uint8Array(buffer, WORDS * 4, CAPACITY);
  }

  put(value: unknown): void {
    const encoded = new TextEncoder().encode(JSON.stringify(value));
    if (encoded.length > CAPACITY) throw new RangeError('kernel call too large');
    this.bytes.set(encoded);
    Atomics.store(this.words, LENGTH, encoded.length);
  }

  take<T>(): T {
    return JSON.parse(new TextDecoder().decode(this.bytes.slice(0, Atomics.load(this.words, LENGTH)))) as T;
  }
}

/** The program's side: blocking calls. */
export class KernelCallClient {
  private readonly _frame: Frame;
  private _seq = 0;

  constructor(buffer: SharedArrayBuffer) {
    this._frame = new Frame(buffer);
  }

  /** Blocks until answered; `check` runs between waits and may throw (a signal ends the process). */
  call(request: KernelCall, check: () => void): KernelAnswer {
    const { words } = this._frame;
    const seq = ++this._seq;
    this._frame.put(request);
    Atomics.store(words, SEQ, seq);
    Atomics.store(words, STATE, REQUEST);
    Atomics.notify(words, STATE);
    for (;;) {
      const state = Atomics.load(words, STATE);
      if (state === DONE && Atomics.load(words, RSEQ) === seq) break;
      try {
        check();
      } catch (error) {
        // Withdraw a request the kernel has not taken; an answer that comes later is dropped by its seq.
        Atomics.compareExchange(words, STATE, REQUEST, IDLE);
        throw error;
      }
      Atomics.wait(words, STATE, state, WAIT_SLICE_MS);
    }
    const answer = this._frame.take<KernelAnswer>();
    Atomics.store(words, STATE, IDLE);
    return answer;
  }
}

/** The kernel's side: serves one process's calls on the event loop. */
export class KernelCallServer {
  private readonly _frame: Frame;
  private _closed = false;

  constructor(buffer: SharedArrayBuffer, private readonly _handler: (call: KernelCall) => Promise<number>) {
    this._frame = new Frame(buffer);
  }

  async serveForever(): Promise<void> {
    const { words } = this._frame;
    while (!this._closed) {
      const state = Atomics.load(words, STATE);
      if (state === REQUEST && Atomics.compareExchange(words, STATE, REQUEST, TAKEN) === REQUEST) {
        const seq = Atomics.load(words, SEQ);
        const request = this._frame.take<KernelCall>();
        let answer: KernelAnswer;
        try {
          answer = { ok: true, value: await this._handler(request) };
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          answer = { ok: false, code: typeof code === 'string' ? code : 'EIO', message: error instanceof Error ? error.message : String(error) };
        }
        if (this._closed) return;
        this._frame.put(answer);
        Atomics.store(words, RSEQ, seq);
        Atomics.store(words, STATE, DONE);
        Atomics.notify(words, STATE);
        continue;
      }
      const waited = Atomics.waitAsync(words, STATE, state, 1000);
      if (waited.async) await waited.value;
    }
  }

  close(): void {
    this._closed = true;
    Atomics.notify(this._frame.words, STATE);
  }
}

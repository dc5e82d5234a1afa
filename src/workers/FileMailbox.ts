// File access to a container from outside (docker cp), whether or not its
// program is running. A running guest owns its worker's thread, so
// requests cannot arrive as messages: they go through this shared mailbox,
// which the worker serves at every syscall and whenever the program waits
// (stdin, poll_oneoff), and from its event loop when no program runs.
// Big files, directory listings and tree listings travel in chunks of
// MAILBOX_CHUNK bytes (a request names the offset it wants).

const STATE = 0;
const HEADER_LENGTH = 1;
const DATA_LENGTH = 2;
const WORDS = 4;
const HEADER_CAPACITY = 16 * 1024;
export const MAILBOX_CHUNK = 64 * 1024;

const IDLE = 0;
const REQUEST = 1; // written by the supervisor, waiting for the worker
const SERVING = 2; // the worker is handling it
const RESPONSE = 3; // the worker's answer is ready

export type MailboxRequest =
  | { readonly op: 'read'; readonly path: string; readonly offset: number }
  | { readonly op: 'write'; readonly path: string; readonly offset: number }
  /** The names in a directory, as JSON (string[]) in chunks: `size` is its length in bytes. */
  | { readonly op: 'list'; readonly path: string; readonly offset: number }
  /** Everything under a directory, as JSON (TreeListing[]) in chunks: `size` is its length in bytes. */
  | { readonly op: 'tree'; readonly path: string; readonly offset: number };

export type MailboxResponse =
  | { readonly ok: true; readonly size?: number }
  | { readonly ok: false; readonly message: string };

export interface TreeListing {
  readonly path: string;
  readonly kind: 'file' | 'directory' | 'symlink';
  readonly size?: number;
  readonly target?: string;
}

export type MailboxHandler = (request: MailboxRequest, data: Uint8Array) => { response: MailboxResponse; data?: Uint8Array };

export class FileMailboxTimeout extends Error {
  override readonly name = 'FileMailboxTimeout';
}

class MailboxMemory {
  readonly words: Int32Array;
  readonly header: Uint8Array;
  readonly data: Uint8Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.words = new Int32Array(buffer, 0, WORDS);
    this.header = new Uint8Array(buffer, WORDS * 4, HEADER_CAPACITY);
    this.data = new Uint8Array(buffer, WORDS * 4 + HEADER_CAPACITY, MAILBOX_CHUNK);
  }

  static create(): SharedArrayBuffer {
    return new SharedArrayBuffer(WORDS * 4 + HEADER_CAPACITY + MAILBOX_CHUNK);
  }

  writeMessage(message: unknown, data: Uint8Array): void {
    const header = new TextEncoder().encode(JSON.stringify(message));
    if (header.length > HEADER_CAPACITY) throw new Error('mailbox message too large');
    if (data.length > MAILBOX_CHUNK) throw new Error('mailbox chunk too large');
    this.header.set(header);
    this.data.set(data);
    Atomics.store(this.words, HEADER_LENGTH, header.length);
    Atomics.store(this.words, DATA_LENGTH, data.length);
  }

  readMessage<T>(): { message: T; data: Uint8Array } {
    const header = this.header.slice(0, Atomics.load(this.words, HEADER_LENGTH));
    const data = this.data.slice(0, Atomics.load(this.words, DATA_LENGTH));
    return { message: JSON.parse(new TextDecoder().decode(header)) as T, data };
  }
}

/** The supervisor's side: one request at a time, answered asynchronously. */
export class FileMailboxClient {
  readonly buffer: SharedArrayBuffer;
  private readonly _memory: MailboxMemory;
  private _queue: Promise<unknown> = Promise.resolve();

  /** `wake` rouses a worker blocked waiting for input, so it can serve the request. */
  constructor(private readonly _wake: () => void) {
    this.buffer = MailboxMemory.create();
    this._memory = new MailboxMemory(this.buffer);
  }

  request(request: MailboxRequest, data: Uint8Array = new Uint8Array(0), timeoutMs = 10_000): Promise<{ response: MailboxResponse; data: Uint8Array }> {
    const next = this._queue.then(() => this._exchange(request, data, timeoutMs));
    this._queue = next.catch(() => {});
    return next;
  }

  private async _exchange(request: MailboxRequest, data: Uint8Array, timeoutMs: number): Promise<{ response: MailboxResponse; data: Uint8Array }> {
    const { words } = this._memory;
    this._memory.writeMessage(request, data);
    Atomics.store(words, STATE, REQUEST);
    Atomics.notify(words, STATE);
    this._wake();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = Atomics.load(words, STATE);
      if (state === RESPONSE) break;
      const remaining = deadline - Date.now();
      if (remaining <= 0 && state === REQUEST && Atomics.compareExchange(words, STATE, REQUEST, IDLE) === REQUEST) {
        throw new FileMailboxTimeout(`the container did not answer within ${timeoutMs} ms: its program is busy without making system calls`);
      }
      const waited = Atomics.waitAsync(words, STATE, state, Math.max(1, remaining));
      if (waited.async) await waited.value;
    }
    const answer = this._memory.readMessage<MailboxResponse>();
    Atomics.store(words, STATE, IDLE);
    Atomics.notify(words, STATE);
    return { response: answer.message, data: answer.data };
  }
}

/** The worker's side: serves a pending request, synchronously, when there is one. */
export class FileMailboxServer {
  private readonly _memory: MailboxMemory;

  constructor(buffer: SharedArrayBuffer, private readonly _handler: MailboxHandler) {
    this._memory = new MailboxMemory(buffer);
  }

  /** Cheap when idle (one atomic load): called at every syscall of a running program. */
  servePending(): void {
    const { words } = this._memory;
    if (Atomics.load(words, STATE) !== REQUEST) return;
    if (Atomics.compareExchange(words, STATE, REQUEST, SERVING) !== REQUEST) return;
    const { message, data } = this._memory.readMessage<MailboxRequest>();
    let answer: { response: MailboxResponse; data?: Uint8Array };
    try {
      answer = this._handler(message, data);
    } catch (error) {
      answer = { response: { ok: false, message: error instanceof Error ? error.message : String(error) } };
    }
    try {
      this._memory.writeMessage(answer.response, answer.data ?? new Uint8Array(0));
    } catch (error) {
      // An answer that does not fit must not leave the client waiting (nor end serveForever).
      this._memory.writeMessage({ ok: false, message: error instanceof Error ? error.message : String(error) }, new Uint8Array(0));
    }
    Atomics.store(words, STATE, RESPONSE);
    Atomics.notify(words, STATE);
  }

  /** Serves requests from the event loop while no program holds the thread. Never returns. */
  async serveForever(): Promise<never> {
    const { words } = this._memory;
    for (;;) {
      const state = Atomics.load(words, STATE);
      if (state === REQUEST) {
        this.servePending();
        continue;
      }
      const waited = Atomics.waitAsync(words, STATE, state);
      if (waited.async) await waited.value;
    }
  }
}

// In-memory streams for the fake host: bounded pipes with backpressure and
// reference-counted ends (EOF when the last writer closes, EPIPE when the
// last reader closes), a scripted terminal, and file streams.

import { ShellHostError, type ShellStream } from '../host';

/** Shared state of one pipe. */
class PipeCore {
  private chunks: Uint8Array[] = [];
  private size = 0;
  readers = 0;
  writers = 0;
  private waiters: (() => void)[] = [];

  constructor(private readonly capacity: number) {}

  wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private wait(): Promise<void> {
    return new Promise((r) => this.waiters.push(r));
  }

  async read(max: number): Promise<Uint8Array | null> {
    for (;;) {
      if (this.size > 0) {
        const first = this.chunks[0];
        let out: Uint8Array;
        if (first.length <= max) {
          out = this.chunks.shift()!;
        } else {
          out = first.subarray(0, max);
          this.chunks[0] = first.subarray(max);
        }
        this.size -= out.length;
        this.wake();
        return out;
      }
      if (this.writers === 0) return null;
      await this.wait();
    }
  }

  async write(bytes: Uint8Array): Promise<void> {
    let rest = bytes;
    while (rest.length > 0) {
      if (this.readers === 0) throw new ShellHostError('EPIPE', 'Broken pipe');
      const space = this.capacity - this.size;
      if (space <= 0) {
        await this.wait();
        continue;
      }
      const part = rest.subarray(0, space);
      this.chunks.push(part.slice());
      this.size += part.length;
      rest = rest.subarray(part.length);
      this.wake();
    }
  }
}

export class PipeEnd implements ShellStream {
  readonly isTerminal = false;
  private closed = false;

  constructor(private readonly core: PipeCore, private readonly kind: 'reader' | 'writer') {
    if (kind === 'reader') core.readers++;
    else core.writers++;
  }

  read(max: number): Promise<Uint8Array | null> {
    if (this.closed || this.kind !== 'reader') return Promise.reject(new ShellHostError('EINVAL', 'Bad file descriptor'));
    return this.core.read(max);
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.closed || this.kind !== 'writer') return Promise.reject(new ShellHostError('EINVAL', 'Bad file descriptor'));
    return this.core.write(bytes);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.kind === 'reader') this.core.readers--;
    else this.core.writers--;
    this.core.wake();
  }

  dup(): ShellStream {
    return new PipeEnd(this.core, this.kind);
  }
}

/** Live pipe-end counts, to assert that nothing leaks. */
export const pipeStats = { created: 0, cores: new Set<PipeCore>() };

export function createPipe(capacity = 4096): { reader: ShellStream; writer: ShellStream } {
  const core = new PipeCore(capacity);
  pipeStats.created++;
  pipeStats.cores.add(core);
  return { reader: new PipeEnd(core, 'reader'), writer: new PipeEnd(core, 'writer') };
}

export function openPipeEnds(): number {
  let n = 0;
  for (const c of pipeStats.cores) n += c.readers + c.writers;
  return n;
}

const decoder = new TextDecoder();

/**
 * A terminal: input is typed by the test (delivered a line per read, like a
 * tty in canonical mode); output accumulates as text.
 */
export class FakeTerminal {
  output = '';
  private input: string[] = [];
  private eof = false;
  private waiters: (() => void)[] = [];
  reads = 0;

  /** Queues input; each line becomes available to one read. */
  type(text: string): void {
    const parts = text.split(/(?<=\n)/);
    this.input.push(...parts.filter((p) => p !== ''));
    this.wake();
  }

  /** Ctrl-D on an empty line. */
  endOfInput(): void {
    this.eof = true;
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves once something is waiting for input (the shell printed its prompt and reads). */
  readonly stream: ShellStream = this.makeStream();

  private makeStream(): ShellStream {
    const self = this;
    const s: ShellStream = {
      isTerminal: true,
      async read(max: number) {
        self.reads++;
        for (;;) {
          if (self.input.length > 0) {
            const line = self.input[0];
            const enc = new TextEncoder().encode(line);
            if (enc.length <= max) {
              self.input.shift();
              return enc;
            }
            self.input[0] = decoder.decode(enc.subarray(max));
            return enc.subarray(0, max);
          }
          if (self.eof) {
            self.eof = false;
            return null;
          }
          await new Promise<void>((r) => self.waiters.push(r));
        }
      },
      async write(bytes: Uint8Array) {
        self.output += decoder.decode(bytes);
      },
      close() {},
      dup() { return s; },
    };
    return s;
  }
}

/** A write-only sink that collects text (a non-terminal stdout/stderr). */
export class Sink implements ShellStream {
  text = '';
  readonly isTerminal = false;
  async read(): Promise<Uint8Array | null> { return null; }
  async write(bytes: Uint8Array): Promise<void> { this.text += decoder.decode(bytes); }
  close(): void {}
  dup(): ShellStream { return this; }
}

/** Readable stream over fixed bytes (a non-terminal stdin). */
export class Source implements ShellStream {
  readonly isTerminal = false;
  private offset = 0;
  private readonly bytes: Uint8Array;
  constructor(text: string) { this.bytes = new TextEncoder().encode(text); }
  async read(max: number): Promise<Uint8Array | null> {
    if (this.offset >= this.bytes.length) return null;
    const out = this.bytes.subarray(this.offset, this.offset + max);
    this.offset += out.length;
    return out;
  }
  async write(): Promise<void> { throw new ShellHostError('EINVAL', 'Bad file descriptor'); }
  close(): void {}
  dup(): ShellStream { return this; }
}

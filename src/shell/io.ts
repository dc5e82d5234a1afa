// File descriptor tables and stream helpers. An Io never owns its streams:
// whoever opens a stream (redirection, pipe) closes it, which keeps the
// reference counting of pipe ends exact.

import { ShellHostError, type ShellStdio, type ShellStream } from './host';
import { BrokenPipeSignal } from './errors';

const encoder = new TextEncoder();

export function encode(text: string): Uint8Array {
  return encoder.encode(text);
}

export function decode(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

/** A stand-in for a closed descriptor: reads EOF, writes fail with EPIPE. */
export const closedStream: ShellStream = {
  read: async () => null,
  write: async () => { throw new ShellHostError('EPIPE', 'Bad file descriptor'); },
  close: () => {},
  dup: () => closedStream,
  isTerminal: false,
};

export class Io {
  constructor(readonly fds: Map<number, ShellStream>) {}

  static fromStdio(stdio: ShellStdio): Io {
    return new Io(new Map([[0, stdio.stdin], [1, stdio.stdout], [2, stdio.stderr]]));
  }

  get(fd: number): ShellStream | undefined {
    return this.fds.get(fd);
  }

  get stdin(): ShellStream { return this.fds.get(0) ?? closedStream; }
  get stdout(): ShellStream { return this.fds.get(1) ?? closedStream; }
  get stderr(): ShellStream { return this.fds.get(2) ?? closedStream; }

  derive(): Io {
    return new Io(new Map(this.fds));
  }

  with(fd: number, stream: ShellStream): Io {
    const io = this.derive();
    io.fds.set(fd, stream);
    return io;
  }

  stdio(): ShellStdio {
    return { stdin: this.stdin, stdout: this.stdout, stderr: this.stderr };
  }
}

/** Writes text; a reader that went away becomes a BrokenPipeSignal (like SIGPIPE). */
export async function writeText(stream: ShellStream, text: string): Promise<void> {
  if (!text) return;
  try {
    await stream.write(encode(text));
  } catch (e) {
    if (e instanceof ShellHostError && e.code === 'EPIPE') throw new BrokenPipeSignal();
    throw e;
  }
}

export async function readAll(stream: ShellStream): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const c = await stream.read(65536);
    if (c === null) break;
    chunks.push(c);
    total += c.length;
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/**
 * Line-at-a-time reading that never consumes bytes past the newline from a
 * stream other programs will read next (pipes, files): those are read one
 * byte at a time. Terminals deliver one line per read, so they are read in
 * blocks. A read left pending by an interrupt is kept and reused.
 */
export class LineReader {
  private buffer: number[] = [];
  private pending: Promise<Uint8Array | null> | undefined;
  private eof = false;

  constructor(private readonly stream: ShellStream) {}

  /** The next line without its newline, or null at end of input; `partial` tells a last line had no newline. */
  async readLine(): Promise<{ line: string; newline: boolean } | null> {
    for (;;) {
      const nl = this.buffer.indexOf(10);
      if (nl >= 0) {
        const bytes = this.buffer.splice(0, nl + 1);
        bytes.pop();
        return { line: decode(Uint8Array.from(bytes)), newline: true };
      }
      if (this.eof) {
        if (this.buffer.length === 0) return null;
        const bytes = this.buffer.splice(0);
        return { line: decode(Uint8Array.from(bytes)), newline: false };
      }
      this.pending ??= this.stream.read(this.stream.isTerminal ? 4096 : 1);
      const chunk = await this.pending;
      this.pending = undefined;
      if (chunk === null) this.eof = true;
      else for (const b of chunk) this.buffer.push(b);
    }
  }

  /** Drops a half-typed line (Ctrl-C). */
  discard(): void {
    this.buffer = [];
  }
}

const readers = new WeakMap<ShellStream, LineReader>();

/** One LineReader per stream so the shell and `read` share look-ahead. */
export function lineReader(stream: ShellStream): LineReader {
  let r = readers.get(stream);
  if (!r) {
    r = new LineReader(stream);
    readers.set(stream, r);
  }
  return r;
}

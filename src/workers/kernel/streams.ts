// ShellStream implementations inside the container worker: pipe ends, the
// container's stdin/terminal and output, files of the container, and
// /dev/null. The shell reads and writes them asynchronously; the kernel
// hands pipes and the container's streams to process workers as they are.

import type { FsFile } from '../../fs/types';
import { ShellHostError, type ShellStream } from '../../shell/host';
import type { ControlBlock } from '../ControlBlock';
import { writeOutputAsync } from '../outputFlow';
import { Pipe } from './Pipe';

export class PipeStream implements ShellStream {
  readonly isTerminal = false;
  private _closed = false;

  constructor(readonly pipe: Pipe, readonly end: 'read' | 'write') {}

  async read(maxBytes: number): Promise<Uint8Array | null> {
    if (this.end !== 'read' || this._closed) throw new ShellHostError('EIO', 'Bad file descriptor');
    return this.pipe.read(maxBytes);
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.end !== 'write' || this._closed) throw new ShellHostError('EIO', 'Bad file descriptor');
    if (!(await this.pipe.write(bytes))) throw new ShellHostError('EPIPE', 'Broken pipe');
  }

  close(): void {
    if (this._closed) return;
    this._closed = true;
    this.pipe.release(this.end);
  }

  dup(): ShellStream {
    this.pipe.addRef(this.end);
    return new PipeStream(this.pipe, this.end);
  }
}

/** A terminal's (or the container's plain) stdin: Ctrl-D gives one EOF, then reading goes on. */
export class ContainerInputStream implements ShellStream {
  /** `terminal`: 0 for the container's own, else an exec session's. */
  constructor(private readonly _control: ControlBlock, readonly isTerminal: boolean, readonly terminal = 0) {}

  async read(maxBytes: number): Promise<Uint8Array | null> {
    const dst = new Uint8Array(Math.max(1, Math.min(maxBytes, 64 * 1024)));
    for (;;) {
      const seen = this._control.wakeCount();
      const count = this._control.readInput(dst, this.isTerminal);
      if (count === null) return null;
      if (count > 0) return dst.slice(0, count);
      await this._control.waitForWakeAsync(seen);
    }
  }

  async write(): Promise<void> {
    throw new ShellHostError('EIO', 'Bad file descriptor');
  }

  close(): void {}

  dup(): ShellStream {
    return this;
  }
}

/** A terminal's stdout or stderr (terminal 0: the container's log and terminal). */
export class ContainerOutputStream implements ShellStream {
  constructor(
    readonly fd: 1 | 2,
    private readonly _post: (fd: 1 | 2, data: Uint8Array) => void,
    readonly isTerminal: boolean,
    readonly terminal = 0,
    /** The terminal's control block: flow control against its output window (outputFlow.ts). */
    private readonly _control?: ControlBlock,
  ) {}

  async read(): Promise<Uint8Array | null> {
    throw new ShellHostError('EIO', 'Bad file descriptor');
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (bytes.length === 0) return;
    if (this._control) await writeOutputAsync(this._control, bytes, (data) => this._post(this.fd, data));
    else this._post(this.fd, bytes.slice());
  }

  close(): void {}

  dup(): ShellStream {
    return this;
  }
}

/** An open file of the container, for redirections. */
export class FileStream implements ShellStream {
  readonly isTerminal = false;
  private _position: number;

  constructor(private readonly _file: FsFile, private readonly _mode: '<' | '>' | '>>' | '<>') {
    this._position = _mode === '>>' ? _file.size() : 0;
  }

  async read(maxBytes: number): Promise<Uint8Array | null> {
    if (this._mode === '>' || this._mode === '>>') throw new ShellHostError('EIO', 'Bad file descriptor');
    const dst = new Uint8Array(Math.max(1, Math.min(maxBytes, 64 * 1024)));
    const count = this._file.read(dst, this._position);
    this._position += count;
    return count === 0 ? null : dst.subarray(0, count);
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this._mode === '<') throw new ShellHostError('EIO', 'Bad file descriptor');
    if (this._mode === '>>') this._position = this._file.size();
    this._file.write(bytes, this._position);
    this._position += bytes.length;
  }

  close(): void {}

  dup(): ShellStream {
    return this;
  }
}

export class NullStream implements ShellStream {
  readonly isTerminal = false;

  async read(): Promise<Uint8Array | null> {
    return null;
  }

  async write(): Promise<void> {}

  close(): void {}

  dup(): ShellStream {
    return this;
  }
}

// The standard streams of a program in a process worker: pipe ends, the
// container's terminal/stdin, the container's output, or nothing. Blocking
// waits are sliced (see kernel/Pipe.ts) so signals still get through.

import type { InputStream, OutputStream } from '../../wasi/host';
import { ProcessKilled } from '../../wasi/errors';
import type { ControlBlock } from '../ControlBlock';
import { Pipe } from '../kernel/Pipe';
import { writeOutput } from '../outputFlow';
import type { StdioDescriptor } from './processProtocol';

const SIGPIPE = 13;
const WAIT_SLICE_MS = 20;

export interface StdioContext {
  readonly containerControl: ControlBlock;
  readonly tty: boolean;
  /** Throws to end the process when a terminating signal is pending. */
  readonly check: () => void;
  readonly postOutput: (fd: 1 | 2, data: Uint8Array) => void;
  /** Runs a blocking wait, accounted to the process as sleeping (/proc). */
  readonly block: (wait: () => void) => void;
}

export function inputFor(descriptor: StdioDescriptor, context: StdioContext): InputStream {
  switch (descriptor.kind) {
    case 'pipe': {
      const pipe = new Pipe(descriptor.buffer);
      return {
        isTerminal: false,
        read: (dst) => pipe.readSync(dst, context.check, context.block),
        readable: () => pipe.readable(),
        available: () => pipe.available(),
      };
    }
    case 'container-in':
      return new ContainerInput(context);
    default:
      return { isTerminal: false, read: () => 0, readable: () => true, available: () => 0 };
  }
}

export function outputFor(descriptor: StdioDescriptor, context: StdioContext): OutputStream {
  switch (descriptor.kind) {
    case 'pipe': {
      const pipe = new Pipe(descriptor.buffer);
      return {
        isTerminal: false,
        write: (bytes) => {
          // Linux's default for writing to a pipe nobody reads: SIGPIPE ends the writer.
          if (!pipe.writeSync(bytes, context.check, context.block)) throw new ProcessKilled(SIGPIPE);
          return bytes.length;
        },
      };
    }
    case 'container-out': {
      // Flow control against the terminal's window (outputFlow.ts): the supervisor releases what it takes.
      const flow = { terminal: context.containerControl, check: context.check, block: context.block };
      return {
        isTerminal: context.tty,
        write: (bytes) => {
          writeOutput(flow, bytes, (data) => context.postOutput(descriptor.fd, data));
          return bytes.length;
        },
      };
    }
    default:
      return { isTerminal: false, write: (bytes) => bytes.length };
  }
}

/** The container's stdin ring read from a process worker (the terminal's foreground reader). */
class ContainerInput implements InputStream {
  readonly isTerminal: boolean;

  constructor(private readonly _context: StdioContext) {
    this.isTerminal = _context.tty;
  }

  read(dst: Uint8Array): number {
    const control = this._context.containerControl;
    for (;;) {
      const seen = control.wakeCount();
      const count = control.readInput(dst, this.isTerminal);
      if (count === null) return 0;
      if (count > 0) return count;
      this._context.check();
      this._context.block(() => control.waitForWake(seen, WAIT_SLICE_MS));
    }
  }

  readable(): boolean {
    return this._context.containerControl.inputReady();
  }

  available(): number {
    return this._context.containerControl.stdin.available();
  }
}

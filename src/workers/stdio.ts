// The standard streams of a process in a container worker: stdin reads the
// shared ring the supervisor fills, stdout/stderr post their bytes to the
// supervisor at once (the first byte of output is what start latency is
// measured by), unless the supervisor is behind (flow control).

import type { InputStream, OutputStream } from '../wasi/host';
import type { ControlBlock } from './ControlBlock';
import { PROTOCOL_VERSION } from './protocol';
import { writeOutput, type OutputFlow } from './outputFlow';
import type { PostMessage } from './ContainerRuntime';

export class ProcessStdin implements InputStream {
  constructor(
    private readonly _control: ControlBlock,
    readonly isTerminal: boolean,
    private readonly _askForMore: () => void,
    /** Throws to end the process when a terminating signal is pending. */
    private readonly _checkSignals: () => void,
  ) {}

  read(dst: Uint8Array): number {
    for (;;) {
      const seen = this._control.wakeCount();
      const count = this._control.readInput(dst, this.isTerminal);
      if (count === null) return 0;
      if (count > 0) {
        if (this._control.stdinWanted) this._askForMore();
        return count;
      }
      this._checkSignals();
      if (this._control.stdinWanted) this._askForMore(); // the supervisor holds bytes that did not fit
      this._control.sleep(seen, Infinity);
    }
  }

  readable(): boolean {
    return this._control.inputReady();
  }

  available(): number {
    return this._control.stdin.available();
  }
}

export class MessageOutput implements OutputStream {
  constructor(
    private readonly _post: PostMessage,
    private readonly _runId: number,
    private readonly _fd: 1 | 2,
    readonly isTerminal: boolean,
    /** Flow control: waits while the supervisor is behind (see outputFlow.ts). */
    private readonly _flow: OutputFlow,
  ) {}

  write(bytes: Uint8Array): number {
    if (bytes.length === 0) return 0;
    writeOutput(this._flow, bytes, (data) => this._post({ flotilla: PROTOCOL_VERSION, type: 'output', runId: this._runId, fd: this._fd, data }, [data.buffer]));
    return bytes.length;
  }
}

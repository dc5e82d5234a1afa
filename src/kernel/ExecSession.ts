// One program started in a running container (docker exec): its own stdin
// ring (and terminal device when it has one), its own output, its status.

import type { Remote } from 'comlink';
import type { ContainerStdin, ExecSession, Stream, TtyDevice } from '../api/types';
import { ControlBlock } from '../workers/ControlBlock';
import type { ContainerWorkerApi } from '../workers/protocol';
import { parseSignal } from '../workers/signals';
import { Emitter } from './Emitter';
import { InvalidOptionsError } from './errors';
import { LogBuffer } from './LogBuffer';
import { StdinPump } from './StdinPump';
import { TerminalDevice } from './TerminalDevice';

export class ExecRecord implements ExecSession {
  readonly control = new ControlBlock();
  readonly tty: TtyDevice | undefined;
  readonly stdin: ContainerStdin;
  private readonly _pump: StdinPump;
  private readonly _device: TerminalDevice | undefined;
  private readonly _onOutput = new Emitter<{ stream: Stream; data: Uint8Array }>();
  readonly onOutput = this._onOutput.event;
  private readonly _log = new LogBuffer();
  private _status: Promise<number> | undefined;

  constructor(readonly id: number, api: Remote<ContainerWorkerApi>, tty: boolean) {
    this._pump = new StdinPump(this.control);
    this._device = tty ? new TerminalDevice(this.control, this._pump, api, id) : undefined;
    this.tty = this._device;
    this.stdin = {
      write: (data) => this._pump.write(typeof data === 'string' ? new TextEncoder().encode(data) : data),
      close: () => this._pump.close(),
    };
  }

  /** Feeds initial input and, unless kept open, ends stdin after it. */
  prepareStdin(initial: Uint8Array | undefined, keepOpen: boolean): void {
    if (initial) this._pump.write(initial);
    if (!keepOpen) this._pump.close();
  }

  /** Called with the run's promise once the worker started the program. */
  started(status: Promise<number>): void {
    this._status = status;
  }

  wait(): Promise<number> {
    return this._status ?? Promise.reject(new Error('the session has not started'));
  }

  output(): string {
    return this._log.text();
  }

  kill(signal: string | number = 'SIGKILL'): void {
    const number = parseSignal(signal);
    if (number === undefined) throw new InvalidOptionsError('signal', `unknown signal ${JSON.stringify(signal)}`);
    this.control.raise(number);
  }

  /** Output of the session's processes, from the supervisor. */
  emit(fd: 1 | 2, data: Uint8Array): void {
    const chunk = { stream: fd === 1 ? 'stdout' as const : 'stderr' as const, data };
    this._log.append({ ...chunk, time: Date.now() });
    this._onOutput.fire(chunk);
    this._device?.emit(data);
  }
}

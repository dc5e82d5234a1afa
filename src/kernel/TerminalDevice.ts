// The supervisor's end of a container's terminal: what a terminal emulator
// (src/terminal) talks to. Input goes into the container's stdin ring,
// Ctrl-C and the window size through its ControlBlock, output comes from
// the container's stdout and stderr.

import type { Remote } from 'comlink';
import type { TtyDevice } from '../api/types';
import type { ControlBlock } from '../workers/ControlBlock';
import type { ContainerWorkerApi } from '../workers/protocol';
import { Emitter } from './Emitter';
import type { StdinPump } from './StdinPump';

export class TerminalDevice implements TtyDevice {
  private readonly _onOutput = new Emitter<Uint8Array>();
  readonly onOutput = this._onOutput.event;

  constructor(
    private readonly _control: ControlBlock,
    private readonly _stdin: StdinPump,
    private readonly _api: Remote<ContainerWorkerApi>,
    /** 0 for the container's own terminal, else an exec session's. */
    private readonly _terminal = 0,
  ) {}

  input(bytes: Uint8Array | string): void {
    if (this._stdin.closed) return; // the container has stopped reading its terminal
    this._stdin.write(typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes);
  }

  eof(): void {
    this._stdin.writeEof();
  }

  signal(signal: number): void {
    this._control.raiseTty(signal);
  }

  resize(columns: number, rows: number): void {
    if (!Number.isInteger(columns) || !Number.isInteger(rows) || columns <= 0 || rows <= 0) return;
    this._control.setTerminalSize(columns, rows);
  }

  complete(line: string, cursor: number): Promise<string[]> {
    return this._api.complete(line, cursor, this._terminal).catch(() => []);
  }

  /** Called by the supervisor for every output chunk of the container. */
  emit(data: Uint8Array): void {
    this._onOutput.fire(data);
  }
}

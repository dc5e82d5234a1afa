// Feeds a container's stdin ring from the supervisor's side. Writes never
// block the page: what does not fit waits in a queue until the worker
// reports that it has read (a 'stdin-space' message).

import type { ControlBlock } from '../workers/ControlBlock';

export class StdinPump {
  private readonly _queue: Uint8Array[] = [];
  private _closing = false;

  constructor(private readonly _control: ControlBlock) {}

  get closed(): boolean {
    return this._closing;
  }

  /** Bytes accepted but not yet in the ring. */
  get queuedBytes(): number {
    return this._queue.reduce((sum, chunk) => sum + chunk.length, 0);
  }

  write(data: Uint8Array): void {
    if (this._closing) throw new Error('stdin is closed');
    if (data.length === 0) return;
    this._queue.push(data.slice());
    this.pump();
  }

  /** End of input once everything queued has been read. */
  close(): void {
    this._closing = true;
    this.pump();
  }

  /** Moves queued bytes into the ring and wakes the reader. */
  pump(): void {
    const ring = this._control.stdin;
    while (this._queue.length > 0) {
      const head = this._queue[0]!;
      const written = ring.write(head);
      if (written < head.length) {
        this._queue[0] = head.subarray(written);
        break;
      }
      this._queue.shift();
    }
    this._control.stdinWanted = this._queue.length > 0;
    if (this._queue.length === 0 && this._closing) ring.close();
    this._control.wake();
  }

  /** A fresh, open, empty stdin for a new run. */
  reset(): void {
    this._queue.length = 0;
    this._closing = false;
    this._control.stdin.reset();
    this._control.stdinWanted = false;
  }
}

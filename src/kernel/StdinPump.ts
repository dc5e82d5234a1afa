// Feeds a container's stdin ring from the supervisor's side. Writes never
// block the page: what does not fit waits in a queue until the worker
// reports that it has read (a 'stdin-space' message) or a short retry
// timer fires. End-of-input marks (Ctrl-D) keep their place in the stream.

import type { ControlBlock } from '../workers/ControlBlock';

const RETRY_MS = 20;
const EOF = 'eof';

export class StdinPump {
  private readonly _queue: Array<Uint8Array | typeof EOF> = [];
  private _closing = false;
  private _retry: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly _control: ControlBlock) {}

  get closed(): boolean {
    return this._closing;
  }

  write(data: Uint8Array): void {
    if (this._closing) throw new Error('stdin is closed');
    if (data.length === 0) return;
    this._queue.push(data.slice());
    this.pump();
  }

  /** End of input for one read (a terminal's Ctrl-D), after everything written so far. */
  writeEof(): void {
    if (this._closing) return;
    this._queue.push(EOF);
    this.pump();
  }

  /** End of input for good, once everything queued has been read. */
  close(): void {
    this._closing = true;
    this.pump();
  }

  /** Moves queued bytes and marks into the ring and wakes the reader. */
  pump(): void {
    const ring = this._control.stdin;
    while (this._queue.length > 0) {
      const head = this._queue[0]!;
      if (head === EOF) {
        if (!this._control.markEof()) break; // the previous mark is still unread
        this._queue.shift();
        continue;
      }
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
    if (this._queue.length > 0 && this._retry === undefined) {
      this._retry = setTimeout(() => {
        this._retry = undefined;
        this.pump();
      }, RETRY_MS);
    }
  }

  /** A fresh, open, empty stdin for a new run. */
  reset(): void {
    this._queue.length = 0;
    this._closing = false;
    if (this._retry !== undefined) clearTimeout(this._retry);
    this._retry = undefined;
    this._control.stdin.reset();
    this._control.stdinWanted = false;
  }
}

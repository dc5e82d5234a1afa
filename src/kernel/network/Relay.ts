// A connection between containers on two hosts. Hosts are separate agent
// clusters (cross-site frames): they share no memory, so the stream cannot
// be one slot. Each host holds a slot whose one end is its container and
// whose other end is a relay; the two relays move the bytes over a
// MessageChannel between the hosts. Flow control is by credit: a relay
// sends at most WINDOW bytes the other side has not yet put in its ring,
// so a slow reader on one host stalls the writer on the other instead of
// piling up messages.

import { HOST_DOORBELL, NetError, WOULD_BLOCK, type NetArena, type StreamEnd } from '../../net';

const WINDOW = 256 * 1024;
const CHUNK = 64 * 1024;
const WAIT_SLICE_MS = 250;

type RelayMessage =
  | { readonly t: 'data'; readonly bytes: Uint8Array }
  /** Bytes written into the ring on the other side: credit to send that many more. */
  | { readonly t: 'ack'; readonly n: number }
  /** The other side will send no more (its container shut down writing or closed). */
  | { readonly t: 'fin' }
  /** The other side's container reset the connection or died. */
  | { readonly t: 'rst' };

export class Relay {
  private _inflight = 0;
  private readonly _incoming: Uint8Array[] = [];
  private _finReceived = false;
  private _finSent = false;
  private _done = false;

  /** Starts relaying between `end` (this host's side of the slot) and `port` (the other host's relay). */
  constructor(private readonly _arena: NetArena, private readonly _end: StreamEnd, private readonly _port: MessagePort, private readonly _onDone: () => void) {
    _port.onmessage = (event: MessageEvent) => this._onMessage(event.data as RelayMessage);
    void this._pump();
  }

  private _onMessage(message: RelayMessage): void {
    if (this._done) return;
    switch (message.t) {
      case 'data': this._incoming.push(message.bytes); break;
      case 'ack': this._inflight -= message.n; break;
      case 'fin': this._finReceived = true; break;
      case 'rst': this._finish(true); return;
    }
    this._arena.ring(HOST_DOORBELL); // wake the pump
  }

  /** Moves bytes both ways until both directions have ended. */
  private async _pump(): Promise<void> {
    const buffer = new Uint8Array(CHUNK);
    while (!this._done) {
      const seen = this._arena.doorbell(HOST_DOORBELL);
      let progressed = false;
      try {
        progressed = this._deliverIncoming() || progressed;
        progressed = this._forwardOutgoing(buffer) || progressed;
      } catch (error) {
        // The local container reset or died: tell the other side.
        this._post({ t: 'rst' });
        this._finish(false);
        if (!(error instanceof NetError)) throw error;
        return;
      }
      if (this._finSent && this._finReceived && this._incoming.length === 0) {
        this._finish(false);
        return;
      }
      if (!progressed) await this._arena.waitAsync(HOST_DOORBELL, seen, WAIT_SLICE_MS);
    }
  }

  /** Writes what the other host sent into the local ring; acknowledges what went in. */
  private _deliverIncoming(): boolean {
    let written = 0;
    while (this._incoming.length > 0) {
      const head = this._incoming[0]!;
      const count = this._end.tryWrite(head);
      if (count === WOULD_BLOCK) break;
      written += count;
      if (count === head.length) this._incoming.shift();
      else this._incoming[0] = head.subarray(count);
    }
    if (written > 0) this._post({ t: 'ack', n: written });
    if (this._finReceived && this._incoming.length === 0 && !this._end.closed) this._end.shutdown(false, true);
    return written > 0;
  }

  /** Sends what the local container wrote, within the credit window. */
  private _forwardOutgoing(buffer: Uint8Array): boolean {
    if (this._finSent) return false;
    let sent = false;
    while (this._inflight < WINDOW) {
      const count = this._end.tryRead(buffer.subarray(0, Math.min(CHUNK, WINDOW - this._inflight)));
      if (count === WOULD_BLOCK) break;
      if (count === 0) {
        this._post({ t: 'fin' });
        this._finSent = true;
        return true;
      }
      const bytes = buffer.slice(0, count);
      this._inflight += count;
      this._port.postMessage({ t: 'data', bytes } satisfies RelayMessage, [bytes.buffer]);
      sent = true;
    }
    return sent;
  }

  private _post(message: RelayMessage): void {
    this._port.postMessage(message);
  }

  private _finish(reset: boolean): void {
    if (this._done) return;
    this._done = true;
    if (reset) this._end.abort();
    else if (!this._end.closed) this._end.close();
    this._port.close();
    this._onDone();
  }
}

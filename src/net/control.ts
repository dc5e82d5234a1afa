// The control requests a container's threads make of the network control
// plane (the supervisor), and the synchronous client they use. A guest
// blocked in connect() holds its thread, so the answer cannot come as a
// message: the caller posts the request with a small shared reply buffer
// and waits on it; the supervisor writes the answer there and notifies.
//
// Who asks is known from the port the request arrives on (one per
// container, and one more per process worker of that container), never
// from the request itself.

import { NetError, type NetErrorCode } from './Stream';

export type NetRequest =
  /** Reserves a local port (0: any free ephemeral port). */
  | { readonly op: 'bind'; readonly port: number }
  /** Starts listening on a bound port; the backlog lives in a slot. */
  | { readonly op: 'listen'; readonly port: number; readonly backlog: number }
  /** Opens a stream to address:port (IPv4 as a number). */
  | { readonly op: 'connect'; readonly address: number; readonly port: number; readonly localPort: number }
  /** Names to IPv4 addresses, as seen from the asking container. */
  | { readonly op: 'resolve'; readonly name: string };

export type NetReplyValue = {
  bind: { port: number; address: number };
  listen: { slot: number; backlog: number; address: number };
  connect: { slot: number };
  resolve: { addresses: number[] };
};

/** One-way notices (no reply). */
export type NetNotice =
  /** A stream end or a listener was closed: the slot may be freed. */
  | { readonly op: 'release'; readonly slot: number }
  /** A bound port that never listened nor connected is given back. */
  | { readonly op: 'unbind'; readonly port: number }
  /** Another thread of the same container (a process worker) gets its own port. */
  | { readonly op: 'endpoint'; readonly port: MessagePort };

export type NetMessage =
  | { readonly kind: 'call'; readonly request: NetRequest; readonly reply: SharedArrayBuffer; readonly seq: number }
  | { readonly kind: 'notice'; readonly notice: NetNotice };

type Reply = { ok: true; value: unknown } | { ok: false; code: NetErrorCode; message: string };

const STATE = 0; // 0 idle, 1 waiting, 2 answered
const LENGTH = 1;
const SEQ = 2; // which call the answer is for (a call abandoned by a signal may be answered late)
const PAYLOAD = 16; // after the three words
const REPLY_BYTES = 16 * 1024;
const WAIT_SLICE_MS = 50;

/** The supervisor's side: writes the answer to a call and wakes the caller. */
export function answer(reply: SharedArrayBuffer, seq: number, result: { value: unknown } | { error: NetError }): void {
  const body: Reply = 'value' in result ? { ok: true, value: result.value } : { ok: false, code: result.error.code, message: result.error.message };
  const bytes = new TextEncoder().encode(JSON.stringify(body));
  const words = new Int32Array(reply, 0, 3);
  if (bytes.length > reply.byteLength - PAYLOAD) throw new Error('network reply too large');
  new Uint8Array(reply, PAYLOAD, bytes.length).set(bytes);
  Atomics.store(words, LENGTH, bytes.length);
  Atomics.store(words, SEQ, seq);
  Atomics.store(words, STATE, 2);
  Atomics.notify(words, STATE);
  Atomics.notify(words, SEQ);
}

export interface NetPort {
  postMessage(message: NetMessage, transfer?: Transferable[]): void;
}

/** A thread's client of the control plane. */
export class NetControlClient {
  private readonly _reply = new SharedArrayBuffer(REPLY_BYTES);
  private readonly _words = new Int32Array(this._reply, 0, 3);
  private _seq = 0;

  constructor(private readonly _port: NetPort) {}

  /**
   * Asks and blocks this thread until the answer (worker threads only).
   * `check` runs between waits and may throw (a signal ends the wait).
   */
  call<K extends NetRequest['op']>(request: Extract<NetRequest, { op: K }>, check: () => void = () => {}): NetReplyValue[K] {
    this._post(request);
    while (!this._answered()) {
      const seq = Atomics.load(this._words, SEQ);
      if (Atomics.load(this._words, STATE) === 2) Atomics.wait(this._words, SEQ, seq, WAIT_SLICE_MS); // a stale answer: wait for ours
      else Atomics.wait(this._words, STATE, 1, WAIT_SLICE_MS);
      if (!this._answered()) check();
    }
    return this._take() as NetReplyValue[K];
  }

  /** The same without blocking (event loops). */
  async callAsync<K extends NetRequest['op']>(request: Extract<NetRequest, { op: K }>): Promise<NetReplyValue[K]> {
    this._post(request);
    while (!this._answered()) {
      const stale = Atomics.load(this._words, STATE) === 2;
      const waited = stale ? Atomics.waitAsync(this._words, SEQ, Atomics.load(this._words, SEQ)) : Atomics.waitAsync(this._words, STATE, 1);
      if (waited.async) await waited.value;
    }
    return this._take() as NetReplyValue[K];
  }

  notify(notice: NetNotice, transfer: Transferable[] = []): void {
    this._port.postMessage({ kind: 'notice', notice }, transfer);
  }

  private _post(request: NetRequest): void {
    Atomics.store(this._words, STATE, 1);
    this._port.postMessage({ kind: 'call', request, reply: this._reply, seq: ++this._seq });
  }

  /** True once this call is answered; a late answer to an abandoned call is dropped. */
  private _answered(): boolean {
    return Atomics.load(this._words, STATE) === 2 && Atomics.load(this._words, SEQ) === this._seq;
  }

  private _take(): unknown {
    const length = Atomics.load(this._words, LENGTH);
    const body = JSON.parse(new TextDecoder().decode(new Uint8Array(this._reply, PAYLOAD, length).slice())) as Reply;
    Atomics.store(this._words, STATE, 0);
    if (!body.ok) throw new NetError(body.code, body.message);
    return body.value;
  }
}

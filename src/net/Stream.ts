// One connection's shared state, as seen from one end, and a listener's
// backlog. Both live in NetArena slots; nothing here blocks: callers wait on
// their doorbell (NetArena.wait) and try again, so every wait can also
// notice signals.
//
// Stream semantics follow TCP as a program sees it: ordered, reliable,
// backpressure (a full ring makes the writer wait), half-close
// (shutdown(SHUT_WR) gives the peer EOF after the data already sent), and
// reset (a peer that dies, or closes with unread data, makes the other
// end's next read or write fail with ECONNRESET).

import { NetArena, SLOT_FREE, SLOT_LISTENER, SLOT_STREAM } from './NetArena';
import type { ByteRing } from './ByteRing';

// Slot header words.
export const W_KIND = 0;
export const W_GENERATION = 1;
const W_BELL = [2, 3] as const; // each end's doorbell
const W_FLAGS = [4, 5] as const; // each end's state flags
const W_ADDR = [6, 8] as const; // each end's IPv4 address (u32, network order as a number)
const W_PORT = [7, 9] as const;
export const W_NETWORK = 10; // the network the connection was made over (for counters)
const COUNTERS_BYTE = 64; // two BigInt64: bytes sent by end 0, by end 1
// Listener header words.
const W_CAPACITY = 16;
const W_HEAD = 17;
const W_TAIL = 18;

// End flags.
const CLOSED = 1; // the end's last descriptor is closed
const SHUT_WR = 2; // the end will send no more: its peer reads EOF after draining
const SHUT_RD = 4; // the end will read no more
const RESET = 8; // the end aborted (died, or closed with unread data): its peer gets ECONNRESET

export type NetErrorCode = 'ECONNREFUSED' | 'ECONNRESET' | 'EPIPE' | 'EADDRINUSE' | 'EADDRNOTAVAIL' | 'ENOTCONN' | 'EISCONN'
  | 'EINVAL' | 'EAGAIN' | 'ENOBUFS' | 'EHOSTUNREACH' | 'ENETUNREACH' | 'ENOTSUP' | 'EAFNOSUPPORT' | 'EOPNOTSUPP' | 'ETIMEDOUT' | 'ECONNABORTED';

/** A socket error with its POSIX name; the WASI layer maps it to an errno. */
export class NetError extends Error {
  constructor(readonly code: NetErrorCode, message: string = code) {
    super(message);
    this.name = 'NetError';
  }
}

/** What a non-blocking attempt returns when it would have to wait. */
export const WOULD_BLOCK = -1;

export interface Endpoint {
  /** IPv4 address as an unsigned 32-bit number (10.0.0.2 = 0x0a000002). */
  readonly address: number;
  readonly port: number;
}

export class StreamEnd {
  private readonly _words: Int32Array;
  private readonly _counters: BigInt64Array;
  private readonly _in: ByteRing;
  private readonly _out: ByteRing;
  private readonly _peer: 0 | 1;

  constructor(private readonly _arena: NetArena, readonly slot: number, readonly side: 0 | 1) {
    this._words = _arena.slotWords(slot);
    this._counters = new BigInt64Array(_arena.buffer, this._words.byteOffset + COUNTERS_BYTE, 2);
    const rings = _arena.slotRings(slot);
    this._peer = side === 0 ? 1 : 0;
    this._out = rings[side];
    this._in = rings[this._peer];
  }

  /**
   * Control plane: turns a free slot into a fresh connection between two
   * ends, each with its doorbell and address.
   */
  static initialize(arena: NetArena, slot: number, ends: readonly [Endpoint & { bell: number }, Endpoint & { bell: number }], network: number): void {
    const words = arena.slotWords(slot);
    if (Atomics.load(words, W_KIND) !== SLOT_FREE) throw new Error(`network slot ${slot} is in use`);
    for (const ring of arena.slotRings(slot)) ring.reset();
    new BigInt64Array(arena.buffer, words.byteOffset + COUNTERS_BYTE, 2).fill(0n);
    for (const side of [0, 1] as const) {
      Atomics.store(words, W_BELL[side], ends[side].bell);
      Atomics.store(words, W_FLAGS[side], 0);
      Atomics.store(words, W_ADDR[side], ends[side].address | 0);
      Atomics.store(words, W_PORT[side], ends[side].port);
    }
    Atomics.store(words, W_NETWORK, network);
    Atomics.add(words, W_GENERATION, 1);
    Atomics.store(words, W_KIND, SLOT_STREAM);
  }

  get local(): Endpoint {
    return { address: Atomics.load(this._words, W_ADDR[this.side]) >>> 0, port: Atomics.load(this._words, W_PORT[this.side]) };
  }

  get remote(): Endpoint {
    return { address: Atomics.load(this._words, W_ADDR[this._peer]) >>> 0, port: Atomics.load(this._words, W_PORT[this._peer]) };
  }

  /** Copies received bytes into dst: a count > 0, 0 at end of stream, or WOULD_BLOCK. Throws ECONNRESET. */
  tryRead(dst: Uint8Array, peek = false): number {
    if (this._flags(this.side) & SHUT_RD) return 0;
    const count = peek ? this._in.peek(dst) : this._in.read(dst);
    if (count > 0) {
      if (!peek) this._ringPeer(); // room for a writer that waits
      return count;
    }
    const peer = this._flags(this._peer);
    if (peer & RESET) throw new NetError('ECONNRESET', 'connection reset by peer');
    if (peer & (SHUT_WR | CLOSED)) return 0;
    return WOULD_BLOCK;
  }

  /** Queues as much of src as fits: a count > 0, or WOULD_BLOCK when full. Throws EPIPE/ECONNRESET. */
  tryWrite(src: Uint8Array): number {
    if (src.length === 0) return 0;
    const own = this._flags(this.side);
    if (own & (SHUT_WR | CLOSED)) throw new NetError('EPIPE', 'the socket is shut down for writing');
    const peer = this._flags(this._peer);
    if (peer & RESET) throw new NetError('ECONNRESET', 'connection reset by peer');
    if (peer & (CLOSED | SHUT_RD)) throw new NetError('EPIPE', 'the peer closed the connection');
    const count = this._out.write(src);
    if (count === 0) return WOULD_BLOCK;
    Atomics.add(this._counters, this.side, BigInt(count));
    this._ringPeer();
    return count;
  }

  /** True when a read would not wait: data, end of stream, or an error to report. */
  readable(): boolean {
    if (this._in.available() > 0) return true;
    return (this._flags(this._peer) & (RESET | SHUT_WR | CLOSED)) !== 0 || (this._flags(this.side) & SHUT_RD) !== 0;
  }

  /** True when a write would not wait (room in the ring, or an error to report). */
  writable(): boolean {
    return this._out.space() > 0 || (this._flags(this._peer) & (RESET | CLOSED | SHUT_RD)) !== 0 || (this._flags(this.side) & SHUT_WR) !== 0;
  }

  /** Bytes ready to read. */
  available(): number {
    return this._in.available();
  }

  /** True once the peer has reset the connection (or died). */
  get peerReset(): boolean {
    return (this._flags(this._peer) & RESET) !== 0;
  }

  shutdown(read: boolean, write: boolean): void {
    Atomics.or(this._words, W_FLAGS[this.side], (read ? SHUT_RD : 0) | (write ? SHUT_WR : 0));
    this._ringPeer();
  }

  /**
   * The end's last descriptor is closed. Unread data makes it a reset, as on
   * Linux (the peer must not believe everything it sent was consumed).
   */
  close(): void {
    const abort = this._in.available() > 0 || (this._flags(this._peer) & RESET) !== 0;
    Atomics.or(this._words, W_FLAGS[this.side], CLOSED | SHUT_WR | (abort ? RESET : 0));
    this._ringPeer();
  }

  /** Control plane: the end's container is gone; its peer sees a reset. */
  abort(): void {
    Atomics.or(this._words, W_FLAGS[this.side], CLOSED | SHUT_WR | RESET);
    this._ringPeer();
  }

  /** True once both ends are closed: the control plane may free the slot. */
  get finished(): boolean {
    return (this._flags(0) & CLOSED) !== 0 && (this._flags(1) & CLOSED) !== 0;
  }

  get closed(): boolean {
    return (this._flags(this.side) & CLOSED) !== 0;
  }

  /** Bytes this end has sent / received so far. */
  counters(): { sent: number; received: number } {
    return { sent: Number(Atomics.load(this._counters, this.side)), received: Number(Atomics.load(this._counters, this._peer)) };
  }

  /** The doorbell of this end's container. */
  get bell(): number {
    return Atomics.load(this._words, W_BELL[this.side]);
  }

  private _flags(side: 0 | 1): number {
    return Atomics.load(this._words, W_FLAGS[side]);
  }

  private _ringPeer(): void {
    this._arena.ring(Atomics.load(this._words, W_BELL[this._peer]));
  }
}

/**
 * A listening socket's queue of connections not yet accepted. The control
 * plane pushes; any thread of the owning container pops (accept may race
 * between processes sharing the socket, so pops are compare-and-swap).
 */
export class ListenerQueue {
  private readonly _words: Int32Array;
  private readonly _entries: Uint32Array;

  constructor(private readonly _arena: NetArena, readonly slot: number) {
    this._words = _arena.slotWords(slot);
    this._entries = _arena.slotBacklog(slot);
  }

  /** Control plane: turns a free slot into an empty backlog of `capacity` (clamped to what the slot holds). */
  static initialize(arena: NetArena, slot: number, owner: Endpoint & { bell: number }, capacity: number): number {
    const words = arena.slotWords(slot);
    if (Atomics.load(words, W_KIND) !== SLOT_FREE) throw new Error(`network slot ${slot} is in use`);
    const clamped = Math.max(1, Math.min(capacity, arena.slotBacklog(slot).length));
    Atomics.store(words, W_BELL[0], owner.bell);
    Atomics.store(words, W_FLAGS[0], 0);
    Atomics.store(words, W_ADDR[0], owner.address | 0);
    Atomics.store(words, W_PORT[0], owner.port);
    Atomics.store(words, W_CAPACITY, clamped);
    Atomics.store(words, W_HEAD, 0);
    Atomics.store(words, W_TAIL, 0);
    Atomics.add(words, W_GENERATION, 1);
    Atomics.store(words, W_KIND, SLOT_LISTENER);
    return clamped;
  }

  get capacity(): number {
    return Atomics.load(this._words, W_CAPACITY);
  }

  pending(): number {
    return (Atomics.load(this._words, W_TAIL) - Atomics.load(this._words, W_HEAD)) >>> 0;
  }

  get closed(): boolean {
    return (Atomics.load(this._words, W_FLAGS[0]) & CLOSED) !== 0;
  }

  /** Control plane: queues a new connection's slot; false when the backlog is full (the connect is refused). */
  push(connection: number): boolean {
    if (this.closed || this.pending() >= this.capacity) return false;
    const tail = Atomics.load(this._words, W_TAIL) >>> 0;
    this._entries[tail % this.capacity] = connection;
    Atomics.store(this._words, W_TAIL, (tail + 1) | 0);
    this._arena.ring(Atomics.load(this._words, W_BELL[0]));
    return true;
  }

  /** Takes the oldest pending connection's slot, or undefined when none is pending. */
  tryPop(): number | undefined {
    for (;;) {
      const head = Atomics.load(this._words, W_HEAD) >>> 0;
      if (head === (Atomics.load(this._words, W_TAIL) >>> 0)) return undefined;
      const slot = this._entries[head % this.capacity]!;
      if (Atomics.compareExchange(this._words, W_HEAD, head | 0, (head + 1) | 0) === (head | 0)) return slot;
    }
  }

  /** Marks the listener closed (connections still queued are the control plane's to reset). */
  close(): void {
    Atomics.or(this._words, W_FLAGS[0], CLOSED);
  }
}

/** Control plane: marks a slot free again. */
export function freeSlot(arena: NetArena, slot: number): void {
  Atomics.store(arena.slotWords(slot), W_KIND, SLOT_FREE);
}

export function slotKind(arena: NetArena, slot: number): number {
  return Atomics.load(arena.slotWords(slot), W_KIND);
}

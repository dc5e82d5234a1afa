// Sockets as one process of a container sees them: BSD-style state
// (fresh → bound → listening, or → connected), blocking and non-blocking
// calls, over the shared-memory streams of NetArena. Set-up (bind, listen,
// connect, name lookup) is asked of the control plane; data never is.
//
// Every wait sleeps on the container's doorbell in short slices and runs
// `check` in between, so a signal ends a blocked accept() or recv().

import type { NetControlClient } from './control';
import { NetArena } from './NetArena';
import { LOOPBACK } from './address';
import { ListenerQueue, NetError, StreamEnd, WOULD_BLOCK, type Endpoint } from './Stream';

export interface SocketEnvironment {
  readonly arena: NetArena;
  /** This container's doorbell in the arena. */
  readonly bell: number;
  readonly control: NetControlClient;
  /** Runs between waits; throws to abandon the call (a signal). */
  readonly check: () => void;
  /** Runs a blocking wait (lets the caller account it as sleeping time). */
  readonly block: (wait: () => void) => void;
}

export type SocketFamily = 'inet4' | 'inet6';
export type SocketType = 'stream' | 'dgram';

const WAIT_SLICE_MS = 50;
const DEFAULT_BACKLOG = 128;

export class SocketStack {
  constructor(private readonly _env: SocketEnvironment) {}

  /** A new socket. Only IPv4 streams exist (containers have IPv4 addresses; datagrams are not supported). */
  open(family: SocketFamily, type: SocketType): Socket {
    if (family !== 'inet4') throw new NetError('EAFNOSUPPORT', 'only IPv4 sockets are supported');
    if (type !== 'stream') throw new NetError('ENOTSUP', 'only stream sockets are supported');
    return new Socket(this._env);
  }

  /** The IPv4 addresses of `name` as this container sees them (none when unknown). */
  resolve(name: string): number[] {
    return this._env.control.call({ op: 'resolve', name }, this._env.check).addresses;
  }

  /** A count that moves on every change to this container's sockets (for poll_oneoff). */
  changeCount(): number {
    return this._env.arena.doorbell(this._env.bell);
  }

  /** Sleeps until the change count moves past `seen` or `timeoutMs` passes. */
  waitForChange(seen: number, timeoutMs: number): void {
    this._env.block(() => this._env.arena.wait(this._env.bell, seen, Math.min(timeoutMs, WAIT_SLICE_MS)));
  }
}

export class Socket {
  private _state: 'fresh' | 'bound' | 'listening' | 'connected' | 'closed' = 'fresh';
  private _local: Endpoint = { address: 0, port: 0 };
  private _listener: ListenerQueue | undefined;
  private _stream: StreamEnd | undefined;
  /** Flag options (SO_REUSEADDR, TCP_NODELAY, SO_KEEPALIVE…): kept and reported; streams need none of them. */
  readonly flags = new Map<number, boolean>();

  constructor(private readonly _env: SocketEnvironment, stream?: StreamEnd) {
    if (stream) {
      this._stream = stream;
      this._state = 'connected';
      this._local = stream.local;
    }
  }

  get state(): string {
    return this._state;
  }

  get isListening(): boolean {
    return this._state === 'listening';
  }

  bind(endpoint: Endpoint): void {
    if (this._state !== 'fresh') throw new NetError('EINVAL', 'the socket is already bound');
    const bound = this._env.control.call({ op: 'bind', port: endpoint.port }, this._env.check);
    this._local = { address: endpoint.address || 0, port: bound.port };
    this._state = 'bound';
  }

  listen(backlog: number): void {
    if (this._state === 'listening') return;
    if (this._state === 'fresh') this.bind({ address: 0, port: 0 });
    if (this._state !== 'bound') throw new NetError('EINVAL', 'a connected socket cannot listen');
    const size = backlog > 0 ? backlog : DEFAULT_BACKLOG;
    const listening = this._env.control.call({ op: 'listen', port: this._local.port, backlog: size }, this._env.check);
    this._listener = new ListenerQueue(this._env.arena, listening.slot);
    this._state = 'listening';
  }

  connect(remote: Endpoint): void {
    if (this._state === 'connected') throw new NetError('EISCONN', 'the socket is already connected');
    if (this._state === 'listening') throw new NetError('EINVAL', 'a listening socket cannot connect');
    if (this._state === 'closed') throw new NetError('EINVAL', 'the socket is closed');
    const address = remote.address === 0 ? LOOPBACK : remote.address; // as Linux: 0.0.0.0 means this host
    const connected = this._env.control.call({ op: 'connect', address, port: remote.port, localPort: this._local.port }, this._env.check);
    this._stream = new StreamEnd(this._env.arena, connected.slot, 0);
    this._local = this._stream.local;
    this._state = 'connected';
  }

  /** The next pending connection, waiting for one unless `nonblocking` (EAGAIN). */
  accept(nonblocking: boolean): Socket {
    const listener = this._listener;
    if (!listener || this._state !== 'listening') throw new NetError('EINVAL', 'the socket is not listening');
    const slot = this._wait(nonblocking, () => listener.tryPop() ?? WOULD_BLOCK);
    return new Socket(this._env, new StreamEnd(this._env.arena, slot, 1));
  }

  /** Reads up to dst.length bytes: a count, 0 at end of stream. Waits for data unless `nonblocking` (EAGAIN). */
  recv(dst: Uint8Array, nonblocking: boolean, peek = false): number {
    const stream = this._connected();
    if (dst.length === 0) return 0;
    return this._wait(nonblocking, () => stream.tryRead(dst, peek));
  }

  /**
   * Sends src. Blocking: returns once all of it is queued (waiting while the
   * peer is slow: backpressure). Non-blocking: queues what fits, EAGAIN if nothing does.
   */
  send(src: Uint8Array, nonblocking: boolean): number {
    const stream = this._connected();
    if (src.length === 0) return 0;
    if (nonblocking) return this._wait(true, () => stream.tryWrite(src));
    let sent = 0;
    while (sent < src.length) {
      try {
        sent += this._wait(false, () => stream.tryWrite(src.subarray(sent)));
      } catch (error) {
        if (sent > 0 && error instanceof NetError) return sent; // report what went out; the error comes on the next call
        throw error;
      }
    }
    return sent;
  }

  shutdown(read: boolean, write: boolean): void {
    this._connected().shutdown(read, write);
  }

  local(): Endpoint {
    return this._local;
  }

  remote(): Endpoint {
    return this._connected().remote;
  }

  /** For poll: a read would not wait (data, EOF, reset, or a pending connection). */
  readable(): boolean {
    if (this._listener) return this._listener.pending() > 0;
    return this._stream ? this._stream.readable() : true;
  }

  writable(): boolean {
    return this._stream ? this._stream.writable() : this._state !== 'listening';
  }

  /** Bytes readable now (poll's nbytes). */
  available(): number {
    if (this._listener) return this._listener.pending();
    return this._stream?.available() ?? 0;
  }

  /** Bytes sent and received so far on a connected socket. */
  counters(): { sent: number; received: number } {
    return this._stream?.counters() ?? { sent: 0, received: 0 };
  }

  /**
   * Closes the socket. `abort`: its process died (killed, trapped), so an
   * open connection is reset rather than ended in order, and the peer
   * knows the other side is gone, not finished.
   */
  close(abort = false): void {
    const state = this._state;
    this._state = 'closed';
    if (this._stream) {
      if (abort) this._stream.abort();
      else this._stream.close();
      this._env.control.notify({ op: 'release', slot: this._stream.slot });
    } else if (this._listener) {
      this._listener.close();
      this._env.control.notify({ op: 'release', slot: this._listener.slot });
    } else if (state === 'bound') {
      this._env.control.notify({ op: 'unbind', port: this._local.port });
    }
  }

  private _connected(): StreamEnd {
    if (!this._stream || this._state !== 'connected') throw new NetError('ENOTCONN', 'the socket is not connected');
    return this._stream;
  }

  /** Retries `attempt` until it does not return WOULD_BLOCK, sleeping on the doorbell in between. */
  private _wait(nonblocking: boolean, attempt: () => number): number {
    const { arena, bell } = this._env;
    for (;;) {
      const seen = arena.doorbell(bell);
      const result = attempt();
      if (result !== WOULD_BLOCK) return result;
      if (nonblocking) throw new NetError('EAGAIN', 'the operation would block');
      this._env.check();
      this._env.block(() => arena.wait(bell, seen, WAIT_SLICE_MS));
    }
  }
}

// The control plane of container networks, on the page: it answers the
// set-up requests of containers (bind, listen, connect, resolve), checks
// that both ends share a network, and wires each connection as a slot of
// the host's NetArena whose two ends the two container workers then use
// directly. It also tears connections down: when a container's program
// ends, its open connections are reset and its listeners closed.

import type { ContainerNetStats } from '../../api/types';
import { answer, HOST_DOORBELL, isLoopback, ListenerQueue, LOOPBACK, MAX_DOORBELLS, NetArena, NetError, parseIpv4, StreamEnd, freeSlot, type NetMessage, type NetRequest } from '../../net';
import { NO_NETWORK, type NetworkRegistry } from './NetworkRegistry';
import { Relay } from './Relay';

/**
 * Where a host asks about containers it does not hold (a fleet of hosts):
 * names it cannot resolve, and addresses of containers on other hosts.
 */
export interface NetworkUpstream {
  /** The address of `name` as a container on `from` (its networks and addresses) sees it, across hosts; undefined when unknown. */
  resolve(from: NetworkPresence, name: string): Promise<number | undefined>;
  /**
   * Connects a container on `from` (its local port `localPort`) to
   * address:port on another host. Resolves with the relay port to the other
   * host and the caller's address on the network they share; rejects with a
   * code (ECONNREFUSED) when nobody there listens.
   */
  connect(from: NetworkPresence, localPort: number, address: number, port: number): Promise<{ port: MessagePort; sourceAddress: number }>;
}

/** Where a container is: its networks by name, with its address on each. */
export type NetworkPresence = ReadonlyArray<{ readonly network: string; readonly address: number }>;

/** What a container worker needs to use the network (AttachSpec.net). */
export interface NetAttachment {
  readonly arena: SharedArrayBuffer;
  readonly bell: number;
  /** The container's port to the control plane (transferred to its worker). */
  readonly port: MessagePort;
}

const HOST = ''; // the owner of connections the page opens (rt.fetch) and of relay ends
const EPHEMERAL_FIRST = 32768;
const EPHEMERAL_LAST = 60999;

interface ContainerNet {
  readonly id: string;
  readonly name: string;
  readonly hostname: string;
  readonly bell: number;
  readonly ports: MessagePort[];
  /** Ports in use: bound, listening, or the local end of a connection. */
  readonly bound: Set<number>;
  readonly listeners: Map<number, number>; // port → listener slot
  readonly slots: Set<number>;
  nextEphemeral: number;
  bytesSent: number;
  bytesReceived: number;
  connections: number;
}

interface SlotRecord {
  readonly kind: 'stream' | 'listener';
  /** Container ids of end 0 (connector) and end 1 (acceptor); a listener has one owner. */
  readonly owners: readonly string[];
  readonly network: number;
  /** The connector's ephemeral port, given back when the slot is freed. */
  readonly localPort?: number;
  readonly port?: number;
}

export class NetworkControl {
  readonly arena = NetArena.create();
  private readonly _containers = new Map<string, ContainerNet>();
  private readonly _slots = new Map<number, SlotRecord>();
  private readonly _freeSlots: number[] = [];
  private _nextSlot = 0;
  private readonly _freeBells: number[] = [];
  private _nextBell = HOST_DOORBELL + 1;
  /** Names and addresses beyond this host (set when the host joins a fleet). */
  upstream: NetworkUpstream | undefined;

  constructor(readonly registry: NetworkRegistry) {}

  /**
   * Another host's container connects to `containerId`:port; `relay` carries
   * the bytes to and from that host. Throws ECONNREFUSED when nobody listens.
   */
  acceptRelay(containerId: string, port: number, from: { address: number; port: number }, relay: MessagePort): void {
    const target = this._containers.get(containerId);
    if (!target) throw new NetError('ECONNREFUSED', 'Connection refused');
    const address = this.registry.networksOf(containerId).find((n) => n.driver !== 'null')?.endpoints.get(containerId)?.address ?? LOOPBACK;
    const slot = this._openStream(HOST, HOST_DOORBELL, from.address >>> 0, checkPort(from.port, false), target, address, checkPort(port, false), -1);
    new Relay(this.arena, new StreamEnd(this.arena, slot, 0), relay, () => this._freeIfFinished(slot));
  }

  /** Gives a container its doorbell and control port; it keeps them across restarts until detach. */
  attach(container: { id: string; name: string; hostname: string }): NetAttachment {
    const bell = this._freeBells.shift() ?? this._nextBell++;
    if (bell >= MAX_DOORBELLS) throw new NetError('ENOBUFS', `no more than ${MAX_DOORBELLS - 1} containers can use one host's network`);
    const channel = new MessageChannel();
    const net: ContainerNet = {
      ...container, bell, ports: [], bound: new Set(), listeners: new Map(), slots: new Set(),
      nextEphemeral: EPHEMERAL_FIRST, bytesSent: 0, bytesReceived: 0, connections: 0,
    };
    this._containers.set(container.id, net);
    this._listen(net, channel.port1);
    return { arena: this.arena.buffer, bell, port: channel.port2 };
  }

  /** The container's program ended: reset its connections, close its listeners, free its ports. */
  release(containerId: string): void {
    const net = this._containers.get(containerId);
    if (!net) return;
    for (const slot of [...net.slots]) {
      const record = this._slots.get(slot);
      if (!record) continue;
      if (record.kind === 'listener') {
        this._closeListener(slot, record);
        continue;
      }
      record.owners.forEach((owner, side) => {
        const end = new StreamEnd(this.arena, slot, side as 0 | 1);
        if (owner === containerId && !end.closed) end.abort();
      });
      this._freeIfFinished(slot);
    }
    net.bound.clear();
    net.listeners.clear();
  }

  /** The container is removed: release, leave every network, give back the doorbell. */
  detach(containerId: string): void {
    const net = this._containers.get(containerId);
    if (!net) return;
    this.release(containerId);
    for (const network of this.registry.networksOf(containerId)) this.registry.disconnect(network, containerId);
    for (const port of net.ports) port.close();
    this._containers.delete(containerId);
    this._freeBells.push(net.bell);
  }

  /** Wakes the container's threads blocked on the network (a signal for them). */
  wake(containerId: string): void {
    const net = this._containers.get(containerId);
    if (net) this.arena.ring(net.bell);
  }

  stats(containerId: string): ContainerNetStats {
    const net = this._containers.get(containerId);
    if (!net) return { bytesSent: 0, bytesReceived: 0, connections: 0, openConnections: 0 };
    let sent = net.bytesSent;
    let received = net.bytesReceived;
    let open = 0;
    for (const slot of net.slots) {
      const record = this._slots.get(slot);
      if (record?.kind !== 'stream') continue;
      open++;
      record.owners.forEach((owner, side) => {
        if (owner !== containerId) return;
        const counters = new StreamEnd(this.arena, slot, side as 0 | 1).counters();
        sent += counters.sent;
        received += counters.received;
      });
    }
    return { bytesSent: sent, bytesReceived: received, connections: net.connections, openConnections: open };
  }

  /**
   * Opens a connection from the page itself to a container's port (rt.fetch).
   * Returns the page's end; close it when done.
   */
  connectFromHost(containerId: string, port: number): StreamEnd {
    const target = this._containers.get(containerId);
    if (!target) throw new NetError('ECONNREFUSED', 'the container has no network');
    const networks = this.registry.networksOf(containerId).filter((network) => network.driver !== 'null');
    const network = networks[0];
    const address = network?.endpoints.get(containerId)?.address ?? LOOPBACK;
    const slot = this._openStream(HOST, HOST_DOORBELL, network?.gateway ?? LOOPBACK, 0, target, address, port, network?.index ?? -1);
    return new StreamEnd(this.arena, slot, 0);
  }

  /** The page closed its end of a connection. */
  releaseHostEnd(end: StreamEnd): void {
    if (!end.closed) end.close();
    this._freeIfFinished(end.slot);
  }

  private _listen(net: ContainerNet, port: MessagePort): void {
    net.ports.push(port);
    port.onmessage = (event: MessageEvent) => this._onMessage(net, event.data as NetMessage);
  }

  private _onMessage(net: ContainerNet, message: NetMessage): void {
    if (!this._containers.has(net.id) || typeof message !== 'object' || message === null) return;
    if (message.kind === 'call') {
      const reply = (result: { value: unknown } | { error: unknown }) => answer(message.reply, message.seq, 'value' in result ? result : { error: asNetError(result.error) });
      try {
        const value = this._call(net, message.request);
        if (value instanceof Promise) value.then((resolved) => reply({ value: resolved }), (error: unknown) => reply({ error }));
        else reply({ value });
      } catch (error) {
        reply({ error });
      }
      return;
    }
    const notice = message.notice;
    switch (notice.op) {
      case 'endpoint': this._listen(net, notice.port); break;
      case 'unbind': if (!net.listeners.has(notice.port)) net.bound.delete(notice.port); break;
      case 'release': {
        const record = this._slots.get(notice.slot);
        if (!record || !record.owners.includes(net.id)) break;
        if (record.kind === 'listener') this._closeListener(notice.slot, record);
        else this._freeIfFinished(notice.slot);
        break;
      }
    }
  }

  private _call(net: ContainerNet, request: NetRequest): unknown {
    switch (request.op) {
      case 'bind': return this._bind(net, checkPort(request.port, true));
      case 'listen': return this._startListening(net, checkPort(request.port, false), request.backlog);
      case 'connect': return this._connect(net, request.address >>> 0, checkPort(request.port, false), checkPort(request.localPort, true));
      case 'resolve': {
        const addresses = this._resolve(net, String(request.name));
        if (addresses.length > 0 || !this.upstream) return { addresses };
        return this.upstream.resolve(this._presence(net.id), String(request.name)).then((address) => ({ addresses: address === undefined ? [] : [address] }));
      }
      default: throw new NetError('EINVAL', 'unknown network request');
    }
  }

  private _bind(net: ContainerNet, port: number): { port: number; address: number } {
    const chosen = port === 0 ? this._ephemeral(net) : port;
    if (net.bound.has(chosen)) throw new NetError('EADDRINUSE', `port ${chosen} is already in use in this container`);
    net.bound.add(chosen);
    return { port: chosen, address: 0 };
  }

  private _startListening(net: ContainerNet, port: number, backlog: number): { slot: number; backlog: number; address: number } {
    if (!net.bound.has(port)) throw new NetError('EINVAL', `port ${port} is not bound`);
    if (net.listeners.has(port)) throw new NetError('EADDRINUSE', `port ${port} is already listening`);
    const slot = this._allocateSlot();
    const size = ListenerQueue.initialize(this.arena, slot, { bell: net.bell, address: 0, port }, Math.max(1, Math.min(Number(backlog) | 0 || 128, 4096)));
    this._slots.set(slot, { kind: 'listener', owners: [net.id], network: -1, port });
    net.listeners.set(port, slot);
    net.slots.add(slot);
    return { slot, backlog: size, address: 0 };
  }

  private _connect(from: ContainerNet, address: number, port: number, boundPort: number): { slot: number } | Promise<{ slot: number }> {
    const networks = this.registry.networksOf(from.id);
    let target: ContainerNet | undefined;
    let targetAddress = address;
    let sourceAddress = LOOPBACK;
    let network = -1;
    const own = networks.find((n) => n.driver !== 'null' && n.endpoints.get(from.id)?.address === address);
    if (isLoopback(address) || own) {
      target = from;
      sourceAddress = own ? address : LOOPBACK;
      network = own?.index ?? -1;
    } else {
      if (networks.every((n) => n.name === NO_NETWORK)) throw new NetError('ENETUNREACH', 'Network is unreachable');
      const found = this.registry.reachable(from.id, address);
      if (!found && this.upstream) return this._connectRemote(from, address, port, boundPort, this.upstream);
      // A container on a network this one is not on is as good as absent (Docker drops the packets; we refuse at once).
      if (!found) throw new NetError('ECONNREFUSED', 'Connection refused');
      target = this._containers.get(found.endpoint.containerId);
      sourceAddress = found.network.endpoints.get(from.id)!.address;
      network = found.network.index;
    }
    if (!target) throw new NetError('ECONNREFUSED', 'Connection refused');
    let localPort = boundPort;
    if (localPort === 0) {
      localPort = this._ephemeral(from);
      from.bound.add(localPort);
    }
    try {
      return { slot: this._openStream(from.id, from.bell, sourceAddress, localPort, target, targetAddress, port, network, boundPort === 0 ? localPort : undefined) };
    } catch (error) {
      if (boundPort === 0) from.bound.delete(localPort);
      throw error;
    }
  }

  /** A connection to a container on another host: a local slot whose far end is a relay to that host. */
  private async _connectRemote(from: ContainerNet, address: number, port: number, boundPort: number, upstream: NetworkUpstream): Promise<{ slot: number }> {
    const localPort = boundPort === 0 ? this._ephemeral(from) : boundPort;
    from.bound.add(localPort);
    let relay: { port: MessagePort; sourceAddress: number };
    try {
      relay = await upstream.connect(this._presence(from.id), localPort, address, port);
    } catch (error) {
      if (boundPort === 0) from.bound.delete(localPort);
      throw error;
    }
    const slot = this._allocateSlot();
    StreamEnd.initialize(this.arena, slot, [{ bell: from.bell, address: relay.sourceAddress, port: localPort }, { bell: HOST_DOORBELL, address, port }], -1);
    this._slots.set(slot, { kind: 'stream', owners: [from.id, HOST], network: -1, localPort: boundPort === 0 ? localPort : undefined });
    from.slots.add(slot);
    from.connections++;
    new Relay(this.arena, new StreamEnd(this.arena, slot, 1), relay.port, () => this._freeIfFinished(slot));
    return { slot };
  }

  private _presence(containerId: string): NetworkPresence {
    return this.registry.networksOf(containerId).filter((network) => network.driver !== 'null').map((network) => ({ network: network.name, address: network.endpoints.get(containerId)!.address }));
  }

  /** Allocates and wires a connection, queued on the target's listener. */
  private _openStream(ownerId: string, bell: number, address: number, localPort: number, target: ContainerNet, targetAddress: number, port: number, network: number, ephemeral?: number): number {
    const listenerSlot = target.listeners.get(port);
    if (listenerSlot === undefined) throw new NetError('ECONNREFUSED', 'Connection refused');
    const slot = this._allocateSlot();
    StreamEnd.initialize(this.arena, slot, [{ bell, address, port: localPort }, { bell: target.bell, address: targetAddress, port }], network);
    if (!new ListenerQueue(this.arena, listenerSlot).push(slot)) {
      freeSlot(this.arena, slot);
      this._freeSlots.push(slot);
      throw new NetError('ECONNREFUSED', 'Connection refused (the listen backlog is full)');
    }
    this._slots.set(slot, { kind: 'stream', owners: [ownerId, target.id], network, localPort: ephemeral });
    const from = this._containers.get(ownerId);
    from?.slots.add(slot);
    target.slots.add(slot);
    if (from) from.connections++;
    if (from !== target) target.connections++;
    const counted = this.registry.byIndex(network);
    if (counted) counted.connections++;
    return slot;
  }

  private _resolve(net: ContainerNet, name: string): number[] {
    const wanted = name.toLowerCase().replace(/\.$/, '');
    if (wanted === 'localhost' || wanted === 'localhost.localdomain') return [LOOPBACK];
    const literal = parseIpv4(wanted);
    if (literal !== undefined) return [literal];
    if (wanted === net.name.toLowerCase() || wanted === net.hostname) {
      const first = this.registry.networksOf(net.id).find((n) => n.driver !== 'null');
      return [first?.endpoints.get(net.id)?.address ?? LOOPBACK];
    }
    const address = this.registry.resolve(net.id, wanted);
    return address === undefined ? [] : [address];
  }

  /** Closes a listener: connections not yet accepted are reset, the port is free again. */
  private _closeListener(slot: number, record: SlotRecord): void {
    const queue = new ListenerQueue(this.arena, slot);
    queue.close();
    for (let pending = queue.tryPop(); pending !== undefined; pending = queue.tryPop()) {
      new StreamEnd(this.arena, pending, 1).abort();
      this._freeIfFinished(pending);
    }
    const owner = this._containers.get(record.owners[0]!);
    if (owner && record.port !== undefined) {
      owner.listeners.delete(record.port);
      owner.bound.delete(record.port);
      owner.slots.delete(slot);
    }
    this._release(slot);
  }

  /** Frees a stream slot once both ends are closed, folding its counters into the totals. */
  private _freeIfFinished(slot: number): void {
    const record = this._slots.get(slot);
    if (!record || record.kind !== 'stream') return;
    const ends = [new StreamEnd(this.arena, slot, 0), new StreamEnd(this.arena, slot, 1)];
    // The page's end never closes on its own: rt.fetch closes it when done.
    if (!ends[0]!.finished) return;
    record.owners.forEach((owner, side) => {
      const net = this._containers.get(owner);
      if (!net) return;
      const counters = ends[side]!.counters();
      net.bytesSent += counters.sent;
      net.bytesReceived += counters.received;
      net.slots.delete(slot);
      if (side === 0 && record.localPort !== undefined) net.bound.delete(record.localPort);
    });
    const network = this.registry.byIndex(record.network);
    if (network) {
      const counters = ends[0]!.counters();
      network.bytes += counters.sent + counters.received;
    }
    this._release(slot);
  }

  private _allocateSlot(): number {
    const reused = this._freeSlots.pop();
    if (reused !== undefined) return reused;
    if (!this.arena.ensureSlots(this._nextSlot + 1)) throw new NetError('ENOBUFS', 'too many open connections on this host');
    return this._nextSlot++;
  }

  private _release(slot: number): void {
    freeSlot(this.arena, slot);
    this._slots.delete(slot);
    this._freeSlots.push(slot);
  }

  private _ephemeral(net: ContainerNet): number {
    const span = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1;
    for (let i = 0; i < span; i++) {
      const port = net.nextEphemeral;
      net.nextEphemeral = port >= EPHEMERAL_LAST ? EPHEMERAL_FIRST : port + 1;
      if (!net.bound.has(port)) return port;
    }
    throw new NetError('EADDRNOTAVAIL', 'no free local port');
  }
}

/** An error for the guest: socket errors keep their code (also when they crossed from another host), others are EINVAL. */
function asNetError(error: unknown): NetError {
  if (error instanceof NetError) return error;
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(error);
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? new NetError(code as NetError['code'], text) : new NetError('EINVAL', text);
}

function checkPort(port: unknown, zeroAllowed: boolean): number {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < (zeroAllowed ? 0 : 1) || port > 65535) {
    throw new NetError('EINVAL', `invalid port ${String(port)}`);
  }
  return port;
}

// The fleet: containers across hosts. The page is one host; every
// out-of-process iframe on another site (host.html) is another, with its
// own renderer process, worker pool and budget of live wasm memories. The
// fleet knows each host's capacity and load, places each container (spread
// or pack), moves on when a host is full, watches hosts with a heartbeat,
// and reports the containers of a host that crashes or is removed as lost.

import { proxy, transfer } from 'comlink';
import { formatIpv4, NetworkRegistry, parseIpv4 } from '../api';
import type { ContainerInfo, ContainerOptions, ContainerStats, NetworkAttachment, NetworkInfo, NetworkOptions, Subscribe } from '../api/types';
import { FleetContainer } from './FleetContainer';
import { connectFrameHost } from './FrameHost';
import { HostAgent, type HostRuntime } from './HostAgent';
import { chooseHost, type Placement } from './placement';
import type { FleetNetworkUpstream, HostAgentApi, HostEvent } from './protocol';

export interface FleetOptions {
  /** The page's own runtime as a host (default: none; the page then only schedules). */
  readonly page?: HostRuntime;
  /** Containers the page host runs at once (default 100). */
  readonly pageCapacity?: number;
  /** host.html URLs on other sites, e.g. http://h1.localhost:5173/host.html. */
  readonly frames?: readonly string[];
  /** Where the host frames live in the document (default: a hidden element at the end of <body>). */
  readonly frameParent?: HTMLElement;
  readonly placement?: Placement;
  /** Heartbeat period and how long a host may stay silent before it is lost (ms; defaults 1000 and 4000). */
  readonly heartbeatMs?: number;
  readonly heartbeatTimeoutMs?: number;
}

export interface HostInfo {
  readonly id: string;
  readonly kind: 'local' | 'frame';
  readonly origin: string;
  readonly state: 'ready' | 'lost' | 'removed';
  readonly capacity: number;
  /** Containers running or being placed there. */
  readonly load: number;
  /** Containers it holds in any state. */
  readonly containers: number;
  readonly reason?: string;
}

export type FleetEvent =
  | { readonly type: 'host-added'; readonly host: HostInfo }
  | { readonly type: 'host-lost' | 'host-removed'; readonly host: HostInfo; readonly reason: string }
  | { readonly type: 'created' | 'started' | 'removed'; readonly id: string; readonly host: string }
  | { readonly type: 'exited'; readonly id: string; readonly host: string; readonly status: import('../api/types').ExitStatus }
  | { readonly type: 'lost'; readonly id: string; readonly host: string; readonly reason: string }
  | { readonly type: 'log'; readonly id: string; readonly host: string };

export type FleetErrorCode = 'FLEET_FULL' | 'HOST_NOT_FOUND' | 'CONTAINER_NOT_FOUND' | 'INVALID_OPTIONS';

export class FleetError extends Error {
  override readonly name = 'FleetError';
  constructor(readonly code: FleetErrorCode, message: string) {
    super(message);
  }
}

interface HostRecord {
  readonly id: string;
  readonly kind: 'local' | 'frame';
  readonly origin: string;
  readonly api: HostAgentApi;
  readonly frame?: HTMLIFrameElement;
  capacity: number;
  state: 'ready' | 'lost' | 'removed';
  reason?: string;
  pending: number;
  readonly containers: Set<string>;
}

const DEFAULT_CAPACITY = 100;

export class Fleet {
  private readonly _hosts = new Map<string, HostRecord>();
  private readonly _containers = new Map<string, FleetContainer>();
  private readonly _listeners = new Set<(event: FleetEvent) => void>();
  private readonly _heartbeat: ReturnType<typeof setInterval>;
  private _nextHost = 0;
  private _frameParent: HTMLElement | undefined;
  /** Fleet-wide networks: one address space and one name space across hosts. */
  private readonly _registry = new NetworkRegistry();
  private readonly _networkOptions = new Map<string, NetworkOptions>();
  placement: Placement;

  private constructor(private readonly _options: FleetOptions) {
    this.placement = _options.placement ?? 'spread';
    this._heartbeat = setInterval(() => void this._checkHosts(), _options.heartbeatMs ?? 1000);
  }

  static async create(options: FleetOptions = {}): Promise<Fleet> {
    const fleet = new Fleet(options);
    if (options.page) await fleet.addLocalHost(options.page, options.pageCapacity ?? DEFAULT_CAPACITY);
    // Frames start in parallel: each boots a runtime in its own process.
    const results = await Promise.allSettled((options.frames ?? []).map((url) => fleet.addHost(url)));
    const failed = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed.length > 0 && fleet._hosts.size === 0) throw failed[0]!.reason;
    for (const failure of failed) console.warn(`flotilla fleet: a host did not start: ${String(failure.reason)}`);
    return fleet;
  }

  readonly onEvent: Subscribe<FleetEvent> = (listener) => {
    this._listeners.add(listener);
    return () => this._listeners.delete(listener);
  };

  /** Adds a host page on another site (http://h1.localhost:5173/host.html) at run time. */
  async addHost(url: string): Promise<HostInfo> {
    const id = `h${++this._nextHost}`;
    const holder: { record?: HostRecord } = {};
    const pendingEvents: HostEvent[][] = [];
    const connection = await connectFrameHost(url, this._parent(), (events) => {
      if (holder.record) this._onHostEvents(holder.record, events);
      else pendingEvents.push(events);
    });
    const facts = await connection.api.facts();
    await connection.api.joinNetworks(proxy(this._upstream));
    for (const [name, options] of this._networkOptions) await connection.api.createNetwork(name, options);
    const record: HostRecord = { id, kind: 'frame', origin: facts.origin, api: connection.api, frame: connection.frame, capacity: facts.capacity, state: 'ready', pending: 0, containers: new Set() };
    holder.record = record;
    this._hosts.set(id, record);
    for (const events of pendingEvents) this._onHostEvents(record, events);
    this._fire({ type: 'host-added', host: this._hostInfo(record) });
    return this._hostInfo(record);
  }

  /** Takes a frame host away (its frame is removed): its containers are reported lost. */
  removeHost(id: string, reason = 'its host was removed'): void {
    const host = this._host(id);
    if (host.kind === 'local') throw new FleetError('INVALID_OPTIONS', `${id} runs in this page (or process): only frame hosts can be removed`);
    if (host.state !== 'ready') return;
    host.state = 'removed';
    this._dropHost(host, reason, 'host-removed');
  }

  hosts(): HostInfo[] {
    return [...this._hosts.values()].map((host) => this._hostInfo(host));
  }

  /**
   * Places and starts a container: on `options.host` when given, else where
   * the placement policy says. Moves on when a host is full or fails to
   * take it; FLEET_FULL when no host can.
   */
  async run(image: string, options: ContainerOptions & { host?: string } = {}): Promise<FleetContainer> {
    const { host: wanted, ...rest } = options;
    const attachments = this._allocateAddresses(rest.networks);
    const containerOptions: ContainerOptions = { ...rest, networks: attachments };
    try {
      const container = await this._place(image, containerOptions, wanted);
      this._joinRegistry(container, attachments);
      return container;
    } catch (error) {
      this._releaseAddresses(attachments, rest.networks);
      throw error;
    }
  }

  /**
   * Starts `count` containers of one image at once: the fleet plans where
   * each goes, then every host starts its share in one request, in
   * parallel with the others. Resolves with those that started; `failed`
   * says how many did not (every host full, or a host failed), with why.
   */
  async runMany(image: string, count: number, options: Omit<ContainerOptions, 'name'> = {}): Promise<{ containers: FleetContainer[]; failed: number; errors: string[] }> {
    if (!Number.isInteger(count) || count < 0) throw new FleetError('INVALID_OPTIONS', `count must be a whole number, not ${count}`);
    if ((options as ContainerOptions).name !== undefined) throw new FleetError('INVALID_OPTIONS', 'runMany starts unnamed containers (names are unique)');
    const plan = new Map<HostRecord, number>();
    const ready = this._readyHosts();
    const load = new Map(ready.map((host) => [host, this._load(host)]));
    let unplaced = 0;
    for (let i = 0; i < count; i++) {
      const choice = chooseHost(ready.map((host) => ({ id: host.id, ready: true, load: load.get(host)!, capacity: host.capacity })), this.placement);
      if (!choice) {
        unplaced = count - i;
        break;
      }
      const host = this._hosts.get(choice.id)!;
      load.set(host, load.get(host)! + 1);
      plan.set(host, (plan.get(host) ?? 0) + 1);
    }
    const errors: string[] = unplaced > 0 ? [`${unplaced} not placed: every host is full`] : [];
    let failed = unplaced;
    const started: FleetContainer[] = [];
    await Promise.all([...plan].map(async ([host, share]) => {
      const batch = Array.from({ length: share }, () => this._allocateAddresses(options.networks));
      host.pending += share;
      try {
        const results = await host.api.runMany(image, batch.map((networks) => ({ ...options, networks })));
        results.forEach((result, i) => {
          if ('info' in result) {
            const container = this._track(host, result.info);
            this._joinRegistry(container, batch[i]!);
            started.push(container);
          } else {
            failed++;
            errors.push(`${host.id}: ${result.error}`);
            this._releaseAddresses(batch[i]!, options.networks);
          }
        });
      } catch (error) {
        failed += share;
        errors.push(`${host.id}: ${error instanceof Error ? error.message : String(error)}`);
        for (const attachments of batch) this._releaseAddresses(attachments, options.networks);
      } finally {
        host.pending -= share;
      }
    }));
    return { containers: started, failed, errors };
  }

  private async _place(image: string, containerOptions: ContainerOptions, wanted: string | undefined): Promise<FleetContainer> {
    const tried = new Set<string>();
    for (;;) {
      const candidates = [...this._hosts.values()].filter((host) => !tried.has(host.id) && (wanted === undefined || host.id === wanted));
      if (wanted !== undefined && candidates.length === 0 && !tried.has(wanted)) throw new FleetError('HOST_NOT_FOUND', `no host ${wanted}`);
      const choice = chooseHost(candidates.map((host) => ({ id: host.id, ready: host.state === 'ready', load: this._load(host), capacity: host.capacity })), this.placement);
      if (!choice) throw new FleetError('FLEET_FULL', `every host is full (${this.hosts().filter((h) => h.state === 'ready').map((h) => `${h.id} ${h.load}/${h.capacity}`).join(', ') || 'no host is ready'})`);
      const host = this._hosts.get(choice.id)!;
      tried.add(host.id);
      host.pending++;
      let info: ContainerInfo;
      try {
        info = await host.api.run(image, containerOptions);
      } catch (error) {
        if (host.state !== 'ready' || isCapacityError(error)) {
          // The host is gone or out of room: remember its real capacity, try the next.
          if (host.state === 'ready') host.capacity = Math.max(1, this._load(host) - 1);
          continue;
        }
        throw error;
      } finally {
        host.pending--;
      }
      return this._track(host, info);
    }
  }

  /** Records where the container is in the fleet's registry (for names and routes across hosts). */
  private _joinRegistry(container: FleetContainer, attachments: readonly NetworkAttachment[]): void {
    for (const attachment of attachments) {
      const network = this._registry.get(attachment.network);
      this._registry.connect(network, { id: container.id, name: container.name, hostname: container.id.slice(0, 12) }, attachment.aliases ?? [], attachment.ipAddress);
    }
  }

  /** Gives back addresses the fleet chose for a container that did not start (not those the caller fixed). */
  private _releaseAddresses(attachments: readonly NetworkAttachment[], requested: ContainerOptions['networks']): void {
    attachments.forEach((attachment, i) => {
      const original = requested?.[i];
      const fixed = typeof original === 'object' && original.ipAddress !== undefined;
      if (attachment.ipAddress !== undefined && !fixed) {
        const address = this._registry.get(attachment.network);
        address.releaseAddress(parseIpv4(attachment.ipAddress)!);
      }
    });
  }

  /** A container whose host is gone is removed from the fleet's books only. */
  private _forget(id: string): void {
    const container = this._containers.get(id);
    if (!container) return;
    this._containers.delete(id);
    for (const host of this._hosts.values()) host.containers.delete(id);
    this._leaveRegistry(id);
    container.dispose();
    this._fire({ type: 'removed', id, host: container.hostId });
  }

  private _leaveRegistry(containerId: string): void {
    for (const network of this._registry.networksOf(containerId)) this._registry.disconnect(network, containerId);
  }

  /** By id, id prefix or name. */
  get(idOrName: string): FleetContainer {
    const exact = this._containers.get(idOrName) ?? [...this._containers.values()].find((container) => container.name === idOrName);
    if (exact) return exact;
    const matches = [...this._containers.values()].filter((container) => container.id.startsWith(idOrName));
    if (matches.length === 1 && idOrName.length > 0) return matches[0]!;
    throw new FleetError('CONTAINER_NOT_FOUND', `No such container: ${idOrName}`);
  }

  list(options: { all?: boolean } = {}): Array<ContainerInfo & { host: string }> {
    const all = [...this._containers.values()].map((container) => container.info());
    return options.all ? all : all.filter((info) => info.state === 'running');
  }

  /** What every ready host reports about itself now: running containers, warm workers. */
  async hostLoads(): Promise<Record<string, import('./protocol').HostLoad>> {
    const ready = this._readyHosts();
    const loads = await Promise.all(ready.map((host) => host.api.load()));
    return Object.fromEntries(ready.map((host, i) => [host.id, loads[i]!]));
  }

  /** Every container's stats, from every ready host (one round trip per host). */
  async stats(): Promise<Array<ContainerStats & { host: string }>> {
    const ready = [...this._hosts.values()].filter((host) => host.state === 'ready');
    const perHost = await Promise.all(ready.map(async (host) => (await host.api.stats()).map((stats) => ({ ...stats, host: host.id }))));
    return perHost.flat();
  }

  /** An HTTP request to a container's port, through its host (see FlotillaRuntime.fetch). */
  async fetch(container: string, port: number, path = '/', init: { method?: string; headers?: [string, string][]; body?: ArrayBuffer } = {}): Promise<Response> {
    const target = this.get(container);
    const host = this._host(target.hostId);
    const answer = await host.api.fetch(target.id, port, { method: init.method ?? 'GET', path, headers: init.headers ?? [], body: init.body });
    return new Response(answer.body, { status: answer.status, statusText: answer.statusText, headers: answer.headers });
  }

  async dispose(): Promise<void> {
    clearInterval(this._heartbeat);
    for (const host of this._hosts.values()) {
      if (host.kind === 'frame' && host.state === 'ready') {
        host.state = 'removed';
        host.frame?.remove();
      }
    }
    for (const container of this._containers.values()) container.dispose();
    this._listeners.clear();
  }

  /** Fleet networks, as Docker's on one host: the same network (name, subnet) exists on every host. */
  readonly networks = {
    create: async (name: string, options: NetworkOptions = {}): Promise<NetworkInfo> => {
      const network = this._registry.create(name, options);
      const replicated = { ...options, subnet: network.info().subnet };
      this._networkOptions.set(name, replicated);
      await Promise.all(this._readyHosts().map((host) => host.api.createNetwork(name, replicated)));
      return network.info();
    },
    list: (): NetworkInfo[] => this._registry.list().map((network) => network.info()),
    inspect: (name: string): NetworkInfo => this._registry.get(name).info(),
    remove: async (name: string): Promise<void> => {
      this._registry.remove(name);
      this._networkOptions.delete(name);
      await Promise.all(this._readyHosts().map((host) => host.api.removeNetwork(name).catch(() => {})));
    },
  };

  /** How hosts reach containers of other hosts: names and addresses from the fleet's registry, bytes over a relay. */
  private readonly _upstream: FleetNetworkUpstream = {
    resolve: async (from, name) => this._registry.resolveOn(this._registry.named(from.map((entry) => entry.network)), name),
    connect: async (from, localPort, address, port) => {
      const found = this._registry.reachableOn(this._registry.named(from.map((entry) => entry.network)), address);
      const target = found ? this._containers.get(found.endpoint.containerId) : undefined;
      if (!found || !target) throw Object.assign(new Error('Connection refused'), { code: 'ECONNREFUSED' });
      const host = this._host(target.hostId);
      const sourceAddress = from.find((entry) => entry.network === found.network.name)!.address;
      const channel = new MessageChannel();
      await host.api.acceptRelay(target.id, port, { address: sourceAddress, port: localPort }, transfer(channel.port2, [channel.port2]));
      return transfer({ port: channel.port1, sourceAddress }, [channel.port1]);
    },
  };

  /** Addresses for a new container on each of its networks, from the fleet's address space. */
  private _allocateAddresses(networks: ContainerOptions['networks']): NetworkAttachment[] {
    const requested: NetworkAttachment[] = (networks ?? ['bridge']).map((entry) => (typeof entry === 'string' ? { network: entry } : entry));
    return requested.map((attachment) => {
      const network = this._registry.get(attachment.network);
      if (network.driver === 'null' || attachment.ipAddress !== undefined) return attachment;
      return { ...attachment, ipAddress: formatIpv4(network.allocateAddress()) };
    });
  }

  private _readyHosts(): HostRecord[] {
    return [...this._hosts.values()].filter((host) => host.state === 'ready');
  }

  /**
   * A runtime of this page (or Node process) as a host: the page's own, or
   * more in Node, where there is no per-process wasm budget to spread over.
   */
  async addLocalHost(rt: HostRuntime, capacity = DEFAULT_CAPACITY): Promise<HostInfo> {
    const id = `h${++this._nextHost}`;
    const origin = typeof location === 'undefined' ? 'node' : location.origin;
    const agent = new HostAgent(rt, { origin, capacity, crossOriginIsolated: typeof crossOriginIsolated === 'boolean' ? crossOriginIsolated : false });
    const record: HostRecord = { id, kind: 'local', origin, api: agent, capacity, state: 'ready', pending: 0, containers: new Set() };
    this._hosts.set(id, record);
    await agent.subscribe((events) => this._onHostEvents(record, events));
    await agent.joinNetworks(this._upstream);
    for (const [name, options] of this._networkOptions) await agent.createNetwork(name, options);
    // Containers the runtime already holds (e.g. the playground's shells) count toward its load.
    for (const info of rt.list({ all: true })) this._track(record, info);
    this._fire({ type: 'host-added', host: this._hostInfo(record) });
    return this._hostInfo(record);
  }

  private _track(host: HostRecord, info: ContainerInfo): FleetContainer {
    let container = this._containers.get(info.id);
    if (!container) {
      container = new FleetContainer(info, host.id, host.api, (id) => this._forget(id));
      this._containers.set(info.id, container);
      host.containers.add(info.id);
    }
    return container;
  }

  private _onHostEvents(host: HostRecord, events: readonly HostEvent[]): void {
    if (host.state !== 'ready') return;
    for (const event of events) {
      switch (event.type) {
        case 'created':
        case 'started': {
          const container = event.info ? this._track(host, event.info) : this._containers.get(event.id);
          if (event.info) container?.update(event.info);
          this._fire({ type: event.type, id: event.id, host: host.id });
          break;
        }
        case 'exited':
          this._track(host, event.info).exited(event.info, event.status);
          this._fire({ type: 'exited', id: event.id, host: host.id, status: event.status });
          break;
        case 'removed':
          this._forget(event.id); // already gone when the fleet removed it itself
          break;
        case 'log':
          this._containers.get(event.id)?.appendLogs(event.chunks);
          this._fire({ type: 'log', id: event.id, host: host.id });
          break;
      }
    }
  }

  /** Pings every frame host; one that stays silent past the timeout, or whose frame is gone, is lost. */
  private async _checkHosts(): Promise<void> {
    const timeoutMs = this._options.heartbeatTimeoutMs ?? 4000;
    await Promise.all([...this._hosts.values()].filter((host) => host.kind === 'frame' && host.state === 'ready').map(async (host) => {
      if (host.frame && !host.frame.isConnected) return this._loseHost(host, 'its frame was taken out of the page');
      let timer: ReturnType<typeof setTimeout> | undefined;
      const silent = new Promise<'silent'>((resolve) => (timer = setTimeout(() => resolve('silent'), timeoutMs)));
      const answer = await Promise.race([host.api.ping().catch(() => 'silent' as const), silent]);
      clearTimeout(timer);
      if (answer === 'silent' && host.state === 'ready') this._loseHost(host, `its host ${host.origin} stopped answering (no heartbeat for ${timeoutMs / 1000} s)`);
    }));
  }

  private _loseHost(host: HostRecord, reason: string): void {
    if (host.state !== 'ready') return;
    host.state = 'lost';
    this._dropHost(host, reason, 'host-lost');
  }

  /** Reports the host's containers lost and frees its frame (and with it its renderer process). */
  private _dropHost(host: HostRecord, reason: string, type: 'host-lost' | 'host-removed'): void {
    host.reason = reason;
    for (const id of host.containers) {
      const container = this._containers.get(id);
      if (!container) continue;
      const wasLive = container.state === 'running' || container.state === 'created';
      container.lost(reason);
      if (wasLive) this._fire({ type: 'lost', id, host: host.id, reason });
    }
    host.frame?.remove();
    this._fire({ type, host: this._hostInfo(host), reason });
  }

  private _load(host: HostRecord): number {
    let live = host.pending;
    for (const id of host.containers) {
      const state = this._containers.get(id)?.state;
      if (state === 'running' || state === 'created') live++;
    }
    return live;
  }

  private _host(id: string): HostRecord {
    const host = this._hosts.get(id);
    if (!host) throw new FleetError('HOST_NOT_FOUND', `no host ${id}`);
    return host;
  }

  private _hostInfo(host: HostRecord): HostInfo {
    return { id: host.id, kind: host.kind, origin: host.origin, state: host.state, capacity: host.capacity, load: this._load(host), containers: host.containers.size, ...(host.reason ? { reason: host.reason } : {}) };
  }

  private _parent(): HTMLElement {
    if (this._options.frameParent) return this._options.frameParent;
    if (!this._frameParent) {
      this._frameParent = document.createElement('div');
      this._frameParent.hidden = true;
      this._frameParent.dataset.flotillaHosts = '';
      document.body.append(this._frameParent);
    }
    return this._frameParent;
  }

  private _fire(event: FleetEvent): void {
    for (const listener of [...this._listeners]) listener(event);
  }
}

/** The engine could not give the container its memory: the host is full, not the request wrong. */
function isCapacityError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /out of memory|WebAssembly\.Memory|Cannot allocate|RangeError/i.test(message);
}

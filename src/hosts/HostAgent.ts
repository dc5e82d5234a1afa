// The host side of the fleet: one runtime (its supervisor, worker pool and
// wasm budget) behind the HostAgentApi. The page's own host uses it
// in-process; a host page (host.html) exposes it to the embedding page over
// comlink. Container events and output are batched so a host running
// hundreds of chatty containers sends one message per frame, not one per line.

import type { Container, ContainerInfo, ContainerOptions, ContainerStats, ExitStatus, FlotillaRuntime, LogChunk, NetworkInfo, NetworkOptions } from '../api/types';
import type { FleetNetworkUpstream, HostAgentApi, HostEvent, HostFacts, HostHttpResponse, HostLoad } from './protocol';

/** A runtime that can join a fleet's networks (src/api's Runtime). */
export interface HostRuntime extends FlotillaRuntime {
  joinFleetNetwork(upstream: FleetNetworkUpstream): void;
  acceptRelay(container: string, port: number, from: { address: number; port: number }, relay: MessagePort): void;
}

const BATCH_MS = 16;

export class HostAgent implements HostAgentApi {
  private readonly _listeners: Array<(events: HostEvent[]) => void> = [];
  private _batch: HostEvent[] = [];
  private _logIndex = new Map<string, number>(); // container id → its log event in the current batch
  private _timer: ReturnType<typeof setTimeout> | undefined;
  private readonly _watching = new Set<string>();

  constructor(private readonly _rt: HostRuntime, private readonly _facts: HostFacts) {
    _rt.onEvent((event) => {
      switch (event.type) {
        case 'created':
          this._watch(event.id);
          this._queue({ type: 'created', id: event.id, info: this._info(event.id) });
          break;
        case 'started':
          this._queue({ type: 'started', id: event.id, info: this._info(event.id) });
          break;
        case 'exited':
          this._queue({ type: 'exited', id: event.id, status: event.status, info: this._info(event.id)! });
          break;
        case 'removed':
          this._watching.delete(event.id);
          this._queue({ type: 'removed', id: event.id });
          break;
      }
    });
  }

  async facts(): Promise<HostFacts> {
    return this._facts;
  }

  async load(): Promise<HostLoad> {
    const all = this._rt.list({ all: true });
    const idle: unknown = (this._rt as { idleWorkers?: unknown }).idleWorkers;
    return { running: all.filter((info) => info.state === 'running').length, containers: all.length, idleWorkers: typeof idle === 'number' ? idle : 0 };
  }

  async ping(): Promise<number> {
    return Date.now();
  }

  async run(image: string, options: ContainerOptions): Promise<ContainerInfo> {
    const container = await this._rt.run(image, options);
    this._watch(container.id);
    return container.info();
  }

  async runMany(image: string, options: readonly ContainerOptions[]): Promise<Array<{ info: ContainerInfo } | { error: string }>> {
    return Promise.all(options.map((entry) => this.run(image, entry).then(
      (info) => ({ info }),
      (error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }),
    )));
  }

  async start(id: string): Promise<void> {
    await this._get(id).start();
  }

  stop(id: string, timeoutMs?: number): Promise<ExitStatus> {
    return this._get(id).stop({ timeoutMs });
  }

  kill(id: string, signal?: string | number): Promise<void> {
    return this._get(id).kill(signal);
  }

  restart(id: string, timeoutMs?: number): Promise<void> {
    return this._get(id).restart({ timeoutMs });
  }

  remove(id: string, force?: boolean): Promise<void> {
    return this._get(id).remove({ force });
  }

  async writeStdin(id: string, data: Uint8Array | string): Promise<void> {
    this._get(id).stdin.write(data);
  }

  async closeStdin(id: string): Promise<void> {
    this._get(id).stdin.close();
  }

  readFile(id: string, path: string): Promise<Uint8Array> {
    return this._get(id).readFile(path);
  }

  writeFile(id: string, path: string, data: Uint8Array | string): Promise<void> {
    return this._get(id).writeFile(path, data);
  }

  listDir(id: string, path: string): Promise<string[]> {
    return this._get(id).listDir(path);
  }

  async stats(): Promise<ContainerStats[]> {
    return this._rt.stats({ all: true });
  }

  async fetch(id: string, port: number, request: { method: string; path: string; headers: [string, string][]; body?: ArrayBuffer }): Promise<HostHttpResponse> {
    const response = await this._rt.fetch(id, port, request.path, { method: request.method, headers: request.headers, body: request.body });
    return { status: response.status, statusText: response.statusText, headers: [...response.headers], body: await response.arrayBuffer() };
  }

  async subscribe(listener: (events: HostEvent[]) => void): Promise<void> {
    this._listeners.push(listener);
  }

  async createNetwork(name: string, options: NetworkOptions): Promise<NetworkInfo> {
    return this._rt.networks.create(name, options);
  }

  async removeNetwork(name: string): Promise<void> {
    this._rt.networks.remove(name);
  }

  async joinNetworks(upstream: FleetNetworkUpstream): Promise<void> {
    this._rt.joinFleetNetwork(upstream);
  }

  async acceptRelay(containerId: string, port: number, from: { address: number; port: number }, relay: MessagePort): Promise<void> {
    this._rt.acceptRelay(containerId, port, from, relay);
  }

  private _get(id: string): Container {
    return this._rt.get(id);
  }

  private _info(id: string): ContainerInfo | undefined {
    try {
      return this._rt.get(id).info();
    } catch {
      return undefined;
    }
  }

  /** Forwards a container's output as it comes. */
  private _watch(id: string): void {
    if (this._watching.has(id)) return;
    this._watching.add(id);
    this._rt.get(id).onLog((chunk) => {
      const at = this._logIndex.get(id);
      if (at !== undefined) (this._batch[at] as unknown as { chunks: LogChunk[] }).chunks.push(chunk);
      else {
        this._logIndex.set(id, this._batch.length);
        this._queue({ type: 'log', id, chunks: [chunk] });
      }
    });
  }

  private _queue(event: HostEvent): void {
    // Output after a lifecycle event starts a new log entry, so order is kept.
    if (event.type !== 'log') this._logIndex.delete(event.id);
    this._batch.push(event);
    this._timer ??= setTimeout(() => this._flush(), BATCH_MS);
  }

  private _flush(): void {
    this._timer = undefined;
    const batch = this._batch;
    this._batch = [];
    this._logIndex = new Map();
    for (const listener of this._listeners) listener(batch);
  }
}

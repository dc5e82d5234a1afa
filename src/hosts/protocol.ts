// What a host offers the fleet. A host is a unit of capacity that runs
// containers: the page itself, or a page on another site in an
// out-of-process iframe (host.html), each with its own renderer process,
// worker pool and budget of live wasm memories (≈124 per renderer in
// Chromium, PLATFORM.md). The fleet (Fleet.ts) places containers on hosts
// and talks to each through this interface: in-process for the page, over
// comlink for a frame. Everything crossing it is plain data.

import type { ContainerInfo, ContainerOptions, ContainerStats, ExitStatus, LogChunk, NetworkInfo, NetworkOptions } from '../api/types';

export interface HostFacts {
  /** The origin the host's page runs on (the page's own, or e.g. http://h1.localhost:5173). */
  readonly origin: string;
  /** Containers the host runs at once before the fleet moves on to another. */
  readonly capacity: number;
  readonly crossOriginIsolated: boolean;
}

export interface HostLoad {
  /** Containers running now. */
  readonly running: number;
  /** Containers the host holds in any state. */
  readonly containers: number;
  /** Warm workers waiting for containers. */
  readonly idleWorkers: number;
}

/** What happened on a host, delivered in batches (one message per batch for hundreds of containers). */
export type HostEvent =
  | { readonly type: 'created' | 'started' | 'removed'; readonly id: string; readonly info?: ContainerInfo }
  | { readonly type: 'exited'; readonly id: string; readonly status: ExitStatus; readonly info: ContainerInfo }
  /** Output since the last batch, in order. */
  | { readonly type: 'log'; readonly id: string; readonly chunks: readonly LogChunk[] };

export interface HostHttpResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: [string, string][];
  readonly body: ArrayBuffer;
}

/** A host's API. Every method may reject with the host's typed error (code and message survive the trip). */
export interface HostAgentApi {
  facts(): Promise<HostFacts>;
  load(): Promise<HostLoad>;
  /** Answers at once: the fleet's heartbeat. */
  ping(): Promise<number>;
  run(image: string, options: ContainerOptions): Promise<ContainerInfo>;
  /** Starts one container per options entry, all at once; each result is its info or why it failed. */
  runMany(image: string, options: readonly ContainerOptions[]): Promise<Array<{ info: ContainerInfo } | { error: string }>>;
  start(id: string): Promise<void>;
  stop(id: string, timeoutMs?: number): Promise<ExitStatus>;
  kill(id: string, signal?: string | number): Promise<void>;
  restart(id: string, timeoutMs?: number): Promise<void>;
  remove(id: string, force?: boolean): Promise<void>;
  writeStdin(id: string, data: Uint8Array | string): Promise<void>;
  closeStdin(id: string): Promise<void>;
  readFile(id: string, path: string): Promise<Uint8Array>;
  writeFile(id: string, path: string, data: Uint8Array | string): Promise<void>;
  listDir(id: string, path: string): Promise<string[]>;
  stats(): Promise<ContainerStats[]>;
  fetch(id: string, port: number, request: { method: string; path: string; headers: [string, string][]; body?: ArrayBuffer }): Promise<HostHttpResponse>;
  /** Events from now on, batched; the listener is called with each batch. */
  subscribe(listener: (events: HostEvent[]) => void): Promise<void>;
  /** Creates a fleet network here too (same name and subnet on every host). */
  createNetwork(name: string, options: NetworkOptions): Promise<NetworkInfo>;
  removeNetwork(name: string): Promise<void>;
  /** Names and addresses this host does not know are asked of the fleet. */
  joinNetworks(upstream: FleetNetworkUpstream): Promise<void>;
  /** A container of another host connects to `containerId`:port; `relay` carries the bytes. */
  acceptRelay(containerId: string, port: number, from: { address: number; port: number }, relay: MessagePort): Promise<void>;
}

/** The fleet's answers to a host's network (see NetworkUpstream in src/kernel/network). */
export interface FleetNetworkUpstream {
  /** `from`: the asking container's networks by name, with its address on each. */
  resolve(from: ReadonlyArray<{ network: string; address: number }>, name: string): Promise<number | undefined>;
  connect(from: ReadonlyArray<{ network: string; address: number }>, localPort: number, address: number, port: number): Promise<{ port: MessagePort; sourceAddress: number }>;
}

/** How a host page and the page embedding it shake hands (window.postMessage, then a MessagePort). */
export const HOST_CONNECT = 'flotilla-host-connect';
export const HOST_READY = 'flotilla-host-ready';

/** Errors keep their code and name across the comlink boundary. */
export interface SerializedError {
  readonly name: string;
  readonly code?: string;
  readonly message: string;
}

// Serves the fs RPC channels of every process of a container from its
// container worker. Each channel keeps its own FsRpcServer (own node table,
// own in-flight message); the hub adds one doorbell word that every client
// bumps and notifies after publishing a request, so a single
// Atomics.waitAsync covers all channels, however many come and go.

import type { FsDirectory } from '../../fs/types';
import { createFsRpcBuffer, createFsRpcDoorbell, waitAsyncFor } from './FsRpcChannel';
import { FsRpcServer, MAX_BUSY_MS } from './FsRpcServer';

/** What a process worker needs to reach the container's fs: `new RemoteFs(buffer, { doorbell })`. */
export interface FsRpcEndpoint {
  readonly buffer: SharedArrayBuffer;
  readonly doorbell: SharedArrayBuffer;
}


export class FsRpcHub {
  readonly doorbell: SharedArrayBuffer;
  private readonly bell: Int32Array;
  private readonly servers = new Map<SharedArrayBuffer, FsRpcServer>();
  private disposed = false;

  constructor(doorbell: SharedArrayBuffer = createFsRpcDoorbell()) {
    this.doorbell = doorbell;
    this.bell = new Int32Array(doorbell, 0, 1);
  }

  /** A new channel onto `root`: hand the endpoint to the process worker, remove(endpoint.buffer) when it exits. */
  open(root: FsDirectory): FsRpcEndpoint {
    const buffer = createFsRpcBuffer();
    this.add(buffer, root);
    return { buffer, doorbell: this.doorbell };
  }

  /** Serves an existing channel buffer (its RemoteFs must have been given `doorbell`). */
  add(buffer: SharedArrayBuffer, root: FsDirectory): FsRpcServer {
    if (this.servers.has(buffer)) throw new Error('fsRpc: channel already served by this hub');
    const server = new FsRpcServer(buffer, root);
    this.servers.set(buffer, server);
    this.ring(); // a request may already be waiting on it
    return server;
  }

  /** Stops serving a channel and releases its node table. */
  remove(buffer: SharedArrayBuffer): void {
    this.servers.get(buffer)?.dispose();
    this.servers.delete(buffer);
  }

  get size(): number {
    return this.servers.size;
  }

  /** Serves every channel's waiting request once; returns how many were served. */
  servePending(): number {
    let served = 0;
    for (const server of this.servers.values()) if (server.servePending()) served++;
    return served;
  }

  /** Serves all channels until dispose(), waiting on the doorbell when none has work. */
  async serveForever(): Promise<never> {
    let busySince = Date.now();
    while (!this.disposed) {
      // Read the bell before scanning: a request published during the scan
      // changes it, so the wait below returns at once instead of missing it.
      const bell = Atomics.load(this.bell, 0);
      if (this.servePending() > 0) {
        if (Date.now() - busySince < MAX_BUSY_MS) continue;
        await new Promise((resolve) => setTimeout(resolve, 0));
      } else {
        await waitAsyncFor(this.bell, 0, bell);
      }
      busySince = Date.now();
    }
    return new Promise<never>(() => {});
  }

  /** Disposes every channel and stops serveForever. */
  dispose(): void {
    this.disposed = true;
    for (const server of this.servers.values()) server.dispose();
    this.servers.clear();
    this.ring();
  }

  private ring(): void {
    Atomics.add(this.bell, 0, 1);
    Atomics.notify(this.bell, 0);
  }
}

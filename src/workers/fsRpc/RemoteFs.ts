// The container's file system seen from another worker (a process worker),
// synchronously: every FsDirectory/FsFile/FsSymlink method is a request to
// the FsRpcServer in the container worker, and the calling thread blocks in
// Atomics.wait until it answers. Synchronous because WASI syscalls are.
//
// Nodes are proxies, one per server node id, so identity holds as it does
// locally (lookup('a') === lookup('a'); hard links are one object): src/wasi
// compares nodes. Only `kind` is cached (a node never changes kind);
// everything else is asked for, since other processes change the fs at any
// time.

import {
  FsError, type FsDirectory, type FsFile, type FsNode, type FsSymlink, type NodeKind, type NodeStat,
  type TimeSpec,
} from '../../fs/types';
import {
  CALL, ChannelMemory, CLOSED, DLEN, DOFF, HLEN, HOFF, HTOTAL, IDLE, KIND, MessageAssembly, PULL, REQUEST,
  RESPONSE, RSEQ, SEQ, STATE,
} from './FsRpcChannel';
import {
  decodeError, decodeRef, decodeStat, encodeTime, type Request, type Response,
} from './wire';

export interface RemoteFsOptions {
  /**
   * Called every `waitSliceMs` while waiting for the server; throw from it
   * (a kill signal) to abandon the wait. The abandoned request may still
   * run on the server; the channel stays usable.
   */
  readonly checkInterrupt?: () => void;
  /** Default 50. */
  readonly waitSliceMs?: number;
  /** The FsRpcHub's doorbell, when the server end is served by a hub (FsRpcHub.doorbell). */
  readonly doorbell?: SharedArrayBuffer;
}

const EMPTY = new Uint8Array(0);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class RemoteFs {
  readonly root: FsDirectory;
  private readonly client: RpcClient;

  constructor(buffer: SharedArrayBuffer, options: RemoteFsOptions = {}) {
    this.client = new RpcClient(buffer, options);
    this.root = this.client.proxy(1, 'directory') as FsDirectory;
  }
}

/** The transport and the proxy table of one RemoteFs. */
class RpcClient {
  private readonly mem: ChannelMemory;
  private readonly door: Int32Array | undefined;
  private readonly checkInterrupt: (() => void) | undefined;
  private readonly sliceMs: number;
  private seq = 0;
  /** A request the server took but whose answer we stopped waiting for: wait it out before the next. */
  private stale = false;
  private readonly proxies = new Map<number, FsNode>();

  constructor(buffer: SharedArrayBuffer, options: RemoteFsOptions) {
    this.mem = new ChannelMemory(buffer);
    this.door = options.doorbell ? new Int32Array(options.doorbell, 0, 1) : undefined;
    this.checkInterrupt = options.checkInterrupt;
    this.sliceMs = options.waitSliceMs ?? 50;
  }

  /** The one proxy of node `id`. */
  proxy(id: number, kind: NodeKind): FsNode {
    let node = this.proxies.get(id);
    if (!node) {
      node = kind === 'file' ? new RemoteFile(this, id)
        : kind === 'directory' ? new RemoteDirectory(this, id)
        : new RemoteSymlink(this, id);
      this.proxies.set(id, node);
    }
    return node;
  }

  fromRef(ref: unknown): FsNode {
    const { id, kind } = decodeRef(ref as number);
    return this.proxy(id, kind);
  }

  /** The id of a proxy of this client; another file system's node cannot be linked or moved here. */
  idOf(node: FsNode): number {
    if (node instanceof RemoteNode && node.client === this) return node.id;
    throw new FsError('EXDEV', 'node belongs to another file system');
  }

  /** One operation: returns its result, or throws its FsError. `sink` receives a read's bytes. */
  call(request: Request, payload: Uint8Array = EMPTY, sink?: Uint8Array): { result: unknown; data: Uint8Array } {
    if (this.stale) {
      this.awaitResponse();
      this.stale = false;
    }
    const mem = this.mem;
    const w = mem.words;
    const header = encoder.encode(JSON.stringify(request));
    let hoff = 0;
    let doff = 0;
    for (;;) {
      const last = mem.putFrame(header, payload, hoff, doff);
      hoff += w[HLEN];
      doff += w[DLEN];
      w[KIND] = CALL;
      this.exchange();
      // A non-empty answer before the last frame is the server refusing the request.
      if (last || w[HTOTAL] !== 0) break;
    }
    const msg = new MessageAssembly(mem, sink);
    if (!msg.take(mem)) throw new FsError('EIO', 'fsRpc: malformed response');
    while (!msg.complete) {
      w[KIND] = PULL;
      w[HOFF] = msg.headerOffset;
      w[DOFF] = msg.dataOffset;
      this.exchange();
      if (!msg.take(mem)) throw new FsError('EIO', 'fsRpc: malformed response frame');
    }
    const response = JSON.parse(decoder.decode(msg.header)) as Response;
    if ('e' in response) throw decodeError(response);
    return { result: response.r, data: msg.data };
  }

  /** Publishes the frame in the buffer and blocks until its answer is there. */
  private exchange(): void {
    const w = this.mem.words;
    if (Atomics.load(w, CLOSED) !== 0) throw new FsError('EIO', 'fsRpc: channel closed');
    const seq = (this.seq = (this.seq + 1) | 0);
    Atomics.store(w, SEQ, seq);
    Atomics.store(w, STATE, REQUEST);
    Atomics.notify(w, STATE); // a server waiting on this channel alone
    if (this.door) {
      Atomics.add(this.door, 0, 1); // a hub waiting on all its channels
      Atomics.notify(this.door, 0);
    }
    this.awaitResponse();
    if (Atomics.load(w, RSEQ) !== seq) throw new FsError('EIO', 'fsRpc: answer to another request');
  }

  private awaitResponse(): void {
    const w = this.mem.words;
    for (;;) {
      const state = Atomics.load(w, STATE);
      if (state === RESPONSE || state === IDLE) return;
      // Closed while our request was never taken: nobody will answer it.
      if (Atomics.load(w, CLOSED) !== 0 && Atomics.compareExchange(w, STATE, REQUEST, IDLE) === REQUEST) {
        throw new FsError('EIO', 'fsRpc: channel closed');
      }
      if (Atomics.wait(w, STATE, state, this.sliceMs) !== 'timed-out' || !this.checkInterrupt) continue;
      try {
        this.checkInterrupt();
      } catch (error) {
        // Withdraw the request if the server has not taken it; if it has, its
        // answer will come and must be waited out before the next request.
        if (Atomics.compareExchange(w, STATE, REQUEST, IDLE) !== REQUEST) this.stale = true;
        throw error;
      }
    }
  }
}

abstract class RemoteNode {
  abstract readonly kind: NodeKind;

  constructor(readonly client: RpcClient, readonly id: number) {
    // Hidden from enumeration so printing or deep-comparing a node (test
    // failures, console.log) does not walk the whole channel.
    Object.defineProperty(this, 'client', { enumerable: false });
  }

  protected op(request: Omit<Request, 'i'>): unknown {
    return this.client.call({ ...request, i: this.id } as Request).result;
  }

  stat(): NodeStat {
    return decodeStat(this.op({ o: 'stat' }) as Parameters<typeof decodeStat>[0]);
  }

  setTimes(atime: TimeSpec | undefined, mtime: TimeSpec | undefined): void {
    this.op({ o: 'setTimes', a: encodeTime(atime), b: encodeTime(mtime) });
  }
}

class RemoteFile extends RemoteNode implements FsFile {
  readonly kind = 'file';

  read(dst: Uint8Array, position: number): number {
    if (dst.length === 0) return 0;
    const { result } = this.client.call({ o: 'read', i: this.id, x: position, l: dst.length }, EMPTY, dst);
    return result as number;
  }

  write(src: Uint8Array, position: number): number {
    // One request however big: the frames are joined on the server and written
    // at once, so a refused write (ENOSPC) leaves nothing half-written.
    return this.client.call({ o: 'write', i: this.id, x: position }, src).result as number;
  }

  size(): number {
    return this.op({ o: 'size' }) as number;
  }

  truncate(size: number): void {
    this.op({ o: 'truncate', l: size });
  }
}

class RemoteSymlink extends RemoteNode implements FsSymlink {
  readonly kind = 'symlink';

  get target(): string {
    return this.op({ o: 'target' }) as string;
  }
}

class RemoteDirectory extends RemoteNode implements FsDirectory {
  readonly kind = 'directory';

  get removed(): boolean {
    return this.op({ o: 'removed' }) as boolean;
  }

  lookup(name: string): FsNode | undefined {
    const ref = this.op({ o: 'lookup', n: name });
    return ref === null ? undefined : this.client.fromRef(ref);
  }

  parent(): FsDirectory {
    return this.client.fromRef(this.op({ o: 'parent' })) as FsDirectory;
  }

  entries(): Array<[name: string, node: FsNode]> {
    const flat = this.op({ o: 'entries' }) as Array<string | number>;
    const out: Array<[string, FsNode]> = [];
    for (let i = 0; i < flat.length; i += 2) out.push([flat[i] as string, this.client.fromRef(flat[i + 1])]);
    return out;
  }

  createFile(name: string, mode?: number): FsFile {
    return this.client.fromRef(this.op({ o: 'createFile', n: name, p: mode })) as FsFile;
  }

  createDirectory(name: string, mode?: number): FsDirectory {
    return this.client.fromRef(this.op({ o: 'createDirectory', n: name, p: mode })) as FsDirectory;
  }

  createSymlink(name: string, target: string): FsSymlink {
    return this.client.fromRef(this.op({ o: 'createSymlink', n: name, g: target })) as FsSymlink;
  }

  link(name: string, node: FsFile | FsSymlink): void {
    this.op({ o: 'link', n: name, k: this.client.idOf(node) });
  }

  unlink(name: string): void {
    this.op({ o: 'unlink', n: name });
  }

  removeDirectory(name: string): void {
    this.op({ o: 'removeDirectory', n: name });
  }

  rename(name: string, toDir: FsDirectory, toName: string): void {
    this.op({ o: 'rename', n: name, k: this.client.idOf(toDir), m: toName });
  }
}

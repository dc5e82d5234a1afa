// The container worker's end of one fs RPC channel: runs each request
// against the real file system and answers. Synchronous per request, so it
// can be served between other work (servePending) or from an idle event
// loop (serveForever).

import { FsError, type FsDirectory, type FsFile, type FsNode, type FsSymlink } from '../../fs/types';
import {
  CALL, ChannelMemory, CLOSED, DOFF, HOFF, KIND, MessageAssembly, PULL, REQUEST,
  RESPONSE, RSEQ, SEQ, SERVING, STATE, waitAsyncFor,
} from './FsRpcChannel';
import {
  decodeTime, encodeError, encodeRef, encodeStat, type Request, type Response,
} from './wire';

const EMPTY = new Uint8Array(0);
/** serveForever yields to the event loop after serving this long without a pause. */
export const MAX_BUSY_MS = 20;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface Outgoing {
  readonly header: Uint8Array;
  readonly data: Uint8Array;
}

export class FsRpcServer {
  private readonly mem: ChannelMemory;
  /** Node ids of this channel: the client keeps one proxy per id, so a node must keep its id. */
  private readonly ids = new Map<FsNode, number>();
  private readonly nodes = new Map<number, FsNode>();
  private nextId = 1;
  /** A request arriving in several frames. */
  private incoming: MessageAssembly | undefined;
  /** A response leaving in several frames. */
  private outgoing: Outgoing | undefined;
  private disposed = false;

  constructor(readonly buffer: SharedArrayBuffer, root: FsDirectory) {
    this.mem = new ChannelMemory(buffer);
    this.idOf(root); // the root is id 1: RemoteFs knows it without asking
  }

  /** Serves the request waiting on this channel, if any; true if one was served. Cheap when idle. */
  servePending(): boolean {
    const w = this.mem.words;
    if (Atomics.load(w, STATE) !== REQUEST || this.disposed) return false;
    // The client may withdraw a request we have not taken yet; take it atomically.
    if (Atomics.compareExchange(w, STATE, REQUEST, SERVING) !== REQUEST) return false;
    try {
      this.serveFrame();
    } catch (error) {
      // A malformed frame (a protocol bug, not an fs error): answer it as EIO so the client never hangs.
      this.incoming = undefined;
      this.respond(encodeError(error), EMPTY);
    }
    Atomics.store(w, RSEQ, Atomics.load(w, SEQ));
    Atomics.store(w, STATE, RESPONSE);
    Atomics.notify(w, STATE);
    return true;
  }

  /** Serves this channel until dispose(), waiting with Atomics.waitAsync (the event loop stays free). */
  async serveForever(): Promise<never> {
    const w = this.mem.words;
    let busySince = Date.now();
    while (!this.disposed) {
      if (this.servePending()) {
        // A client streaming a huge file must not starve the rest of the event loop.
        if (Date.now() - busySince < MAX_BUSY_MS) continue;
        await new Promise((resolve) => setTimeout(resolve, 0));
      } else {
        const state = Atomics.load(w, STATE);
        if (state !== REQUEST) await waitAsyncFor(w, STATE, state);
      }
      busySince = Date.now();
    }
    return new Promise<never>(() => {});
  }

  /**
   * Forgets every node id (releasing the nodes) and stops serving. The
   * channel is marked closed: its client's current and later requests fail
   * with EIO instead of waiting forever (a process outliving its channel).
   */
  dispose(): void {
    if (this.disposed) return;
    const w = this.mem.words;
    Atomics.store(w, CLOSED, 1);
    // Answer a request that is already waiting, so its client wakes now.
    if (Atomics.compareExchange(w, STATE, REQUEST, SERVING) === REQUEST) {
      this.respond({ e: 'EIO', m: 'fsRpc: channel closed' }, EMPTY);
      Atomics.store(w, RSEQ, Atomics.load(w, SEQ));
      Atomics.store(w, STATE, RESPONSE);
    }
    this.disposed = true;
    this.ids.clear();
    this.nodes.clear();
    this.incoming = undefined;
    this.outgoing = undefined;
    Atomics.notify(this.mem.words, STATE); // wake serveForever so it sees `disposed`
  }

  private serveFrame(): void {
    const mem = this.mem;
    const w = mem.words;
    if (w[KIND] === PULL) {
      const out = this.outgoing;
      if (!out) throw new FsError('EIO', 'fsRpc: nothing to pull');
      if (mem.putFrame(out.header, out.data, w[HOFF], w[DOFF])) this.outgoing = undefined;
      return;
    }
    if (w[KIND] !== CALL) throw new FsError('EIO', `fsRpc: bad frame kind ${w[KIND]}`);
    // A first frame starts a new request, dropping whatever an interrupted client left behind.
    if (w[HOFF] === 0 && w[DOFF] === 0) {
      this.outgoing = undefined;
      this.incoming = new MessageAssembly(mem);
    }
    const msg = this.incoming;
    if (!msg || !msg.take(mem)) throw new FsError('EIO', 'fsRpc: frame out of order');
    if (!msg.complete) {
      mem.putFrame(EMPTY, EMPTY, 0, 0); // acknowledge; more frames follow
      return;
    }
    this.incoming = undefined;
    const request = JSON.parse(decoder.decode(msg.header)) as Request;
    let data: Uint8Array = EMPTY;
    let response: Response;
    try {
      const result = this.run(request, msg.data);
      if (result instanceof Uint8Array) {
        data = result;
        response = { r: result.length };
      } else {
        response = { r: result === undefined ? null : result };
      }
    } catch (error) {
      response = encodeError(error);
    }
    this.respond(response, data);
  }

  private respond(response: Response, data: Uint8Array): void {
    const header = encoder.encode(JSON.stringify(response));
    if (!this.mem.putFrame(header, data, 0, 0)) this.outgoing = { header, data };
  }

  /** One fs operation. A Uint8Array result is a read's bytes (sent as data); anything else is JSON. */
  private run(q: Request, data: Uint8Array): unknown {
    switch (q.o) {
      case 'stat': return encodeStat(this.node(q.i).stat());
      case 'setTimes': return this.node(q.i).setTimes(decodeTime(q.a), decodeTime(q.b));
      case 'lookup': {
        const child = this.dir(q.i).lookup(str(q.n));
        return child ? this.ref(child) : null;
      }
      case 'parent': return this.ref(this.dir(q.i).parent());
      case 'entries': {
        // Flat [name, ref, name, ref, ...]: about half the JSON of pairs.
        const flat: Array<string | number> = [];
        for (const [name, node] of this.dir(q.i).entries()) flat.push(name, this.ref(node));
        return flat;
      }
      case 'removed': return this.dir(q.i).removed;
      case 'createFile': return this.ref(this.dir(q.i).createFile(str(q.n), q.p));
      case 'createDirectory': return this.ref(this.dir(q.i).createDirectory(str(q.n), q.p));
      case 'createSymlink': return this.ref(this.dir(q.i).createSymlink(str(q.n), str(q.g)));
      case 'link': return this.dir(q.i).link(str(q.n), this.node(num(q.k)) as FsFile | FsSymlink);
      case 'unlink': return this.dir(q.i).unlink(str(q.n));
      case 'removeDirectory': return this.dir(q.i).removeDirectory(str(q.n));
      case 'rename': return this.dir(q.i).rename(str(q.n), this.dir(num(q.k)), str(q.m));
      case 'read': {
        const file = this.file(q.i);
        const position = num(q.x);
        // Size the buffer by what the file holds, not by what the caller asked for.
        const want = Math.max(0, Math.min(num(q.l), file.size() - position));
        const buf = new Uint8Array(want);
        const n = file.read(buf, position);
        return n === want ? buf : buf.subarray(0, n);
      }
      case 'write': return this.file(q.i).write(data, num(q.x));
      case 'size': return this.file(q.i).size();
      case 'truncate': return this.file(q.i).truncate(num(q.l));
      case 'target': return this.symlink(q.i).target;
      default: throw new FsError('EIO', `fsRpc: unknown operation ${String((q as { o: unknown }).o)}`);
    }
  }

  private idOf(node: FsNode): number {
    let id = this.ids.get(node);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(node, id);
      this.nodes.set(id, node);
    }
    return id;
  }

  private ref(node: FsNode): number {
    return encodeRef(this.idOf(node), node.kind);
  }

  private node(id: number): FsNode {
    const node = this.nodes.get(id);
    if (!node) throw new FsError('EIO', `fsRpc: unknown node id ${id}`);
    return node;
  }

  private dir(id: number): FsDirectory {
    const node = this.node(id);
    if (node.kind !== 'directory') throw new FsError('EIO', `fsRpc: node ${id} is not a directory`);
    return node;
  }

  private file(id: number): FsFile {
    const node = this.node(id);
    if (node.kind !== 'file') throw new FsError('EIO', `fsRpc: node ${id} is not a file`);
    return node;
  }

  private symlink(id: number): FsSymlink {
    const node = this.node(id);
    if (node.kind !== 'symlink') throw new FsError('EIO', `fsRpc: node ${id} is not a symlink`);
    return node;
  }
}

function str(v: unknown): string {
  if (typeof v !== 'string') throw new FsError('EIO', 'fsRpc: missing string argument');
  return v;
}

function num(v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new FsError('EIO', 'fsRpc: missing number argument');
  return v;
}

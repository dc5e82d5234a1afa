// The shared memory of one RemoteFs (client, a process worker) ↔ FsRpcServer
// (the container worker that owns the file system) channel, and how a
// message travels through it.
//
// A message is a JSON header plus raw bytes. The buffer holds one frame of
// each: HEADER_CAPACITY bytes of header and FSRPC_CHUNK bytes of data, so a
// bigger message (a 10 MB write, entries() of a huge directory) travels as
// several frames, one round trip each. Small operations — nearly all — are
// one frame, one round trip.
//
// Ownership is a state word: the client owns the areas in IDLE and
// RESPONSE, the server in SERVING. The client publishes a frame by setting
// REQUEST; the server takes it with compareExchange(REQUEST → SERVING), so a
// client that gives up waiting can withdraw a request the server has not
// taken (compareExchange(REQUEST → IDLE)); once taken, the client must wait
// for that RESPONSE before writing again. Sequence numbers let the client
// check that the answer it reads is the one to its last request.

/** Bytes of raw data one frame carries (reads and writes are split into these). */
export const FSRPC_CHUNK = 64 * 1024;
/** Bytes of JSON header one frame carries. */
export const HEADER_CAPACITY = 16 * 1024;

// Word indices.
export const STATE = 0;
export const SEQ = 1; // sequence number of the request (client-written)
export const RSEQ = 2; // sequence number the response answers (server-written)
export const KIND = 3; // frame kind of a request: CALL or PULL
export const HLEN = 4; // header bytes in this frame
export const DLEN = 5; // data bytes in this frame
export const HOFF = 6; // offset of this frame's header bytes in the message
export const DOFF = 7; // offset of this frame's data bytes in the message
export const HTOTAL = 8; // header bytes of the whole message
export const DTOTAL = 9; // data bytes of the whole message
export const MAGIC = 10;
/** Set (1) by the server's dispose: the client fails fast instead of waiting for an answer that never comes. */
export const CLOSED = 11;
const WORDS = 16;
const MAGIC_VALUE = 0x46735250; // 'FsRP'

// States.
export const IDLE = 0;
export const REQUEST = 1;
export const SERVING = 2;
export const RESPONSE = 3;

// Request frame kinds.
/** A frame of the request message (the first has both offsets 0, the last completes it). */
export const CALL = 1;
/** Asks for the response frame at HOFF/DOFF of a response that did not fit one frame. */
export const PULL = 2;

const HEADER_START = WORDS * 4;
const DATA_START = HEADER_START + HEADER_CAPACITY;
const BYTES = DATA_START + FSRPC_CHUNK;

/** A fresh channel buffer (about 80 KiB): give it to one FsRpcServer (or FsRpcHub.add) and one RemoteFs. */
export function createFsRpcBuffer(): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(BYTES);
  new Int32Array(buffer, 0, WORDS)[MAGIC] = MAGIC_VALUE;
  return buffer;
}

/** A doorbell: one word every client of an FsRpcHub bumps and notifies after publishing a request. */
export function createFsRpcDoorbell(): SharedArrayBuffer {
  return new SharedArrayBuffer(4);
}

/** Typed views of a channel buffer, and frame copying shared by both ends. */
export class ChannelMemory {
  readonly words: Int32Array;
  readonly header: Uint8Array;
  readonly data: Uint8Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength !== BYTES) {
      throw new TypeError('fsRpc: not a channel buffer (use createFsRpcBuffer)');
    }
    this.words = new Int32Array(buffer, 0, WORDS);
    if (Atomics.load(this.words, MAGIC) !== MAGIC_VALUE) throw new TypeError('fsRpc: not a channel buffer');
    this.header = new Uint8Array(buffer, HEADER_START, HEADER_CAPACITY);
    this.data = new Uint8Array(buffer, DATA_START, FSRPC_CHUNK);
  }

  /**
   * Copies the frame of (header, data) starting at (hoff, doff) into the
   * areas and describes it in the words; returns whether it is the last.
   */
  putFrame(header: Uint8Array, data: Uint8Array, hoff: number, doff: number): boolean {
    const hlen = Math.min(HEADER_CAPACITY, header.length - hoff);
    const dlen = Math.min(FSRPC_CHUNK, data.length - doff);
    this.header.set(header.subarray(hoff, hoff + hlen));
    this.data.set(data.subarray(doff, doff + dlen));
    const w = this.words;
    w[HLEN] = hlen;
    w[DLEN] = dlen;
    w[HOFF] = hoff;
    w[DOFF] = doff;
    w[HTOTAL] = header.length;
    w[DTOTAL] = data.length;
    return hoff + hlen === header.length && doff + dlen === data.length;
  }
}

/**
 * Collects the frames of one message on the receiving end. A single-frame
 * message (the common case) is copied once; TextDecoder refuses views of a
 * SharedArrayBuffer in browsers, so the header is always copied out anyway.
 */
export class MessageAssembly {
  readonly header: Uint8Array;
  readonly data: Uint8Array;
  private hgot = 0;
  private dgot = 0;

  /** `sink`: where the data goes if it fits (a read's destination), saving a copy. */
  constructor(mem: ChannelMemory, sink?: Uint8Array) {
    const w = mem.words;
    this.header = new Uint8Array(w[HTOTAL]);
    const dtotal = w[DTOTAL];
    this.data = sink && sink.length >= dtotal ? sink.subarray(0, dtotal) : new Uint8Array(dtotal);
  }

  /** Takes the frame now in `mem`; false when its offsets are not where this message continues. */
  take(mem: ChannelMemory): boolean {
    const w = mem.words;
    const hlen = w[HLEN];
    const dlen = w[DLEN];
    if (w[HOFF] !== this.hgot || w[DOFF] !== this.dgot) return false;
    if (w[HTOTAL] !== this.header.length || w[DTOTAL] !== this.data.length) return false;
    if (this.hgot + hlen > this.header.length || this.dgot + dlen > this.data.length) return false;
    this.header.set(mem.header.subarray(0, hlen), this.hgot);
    this.data.set(mem.data.subarray(0, dlen), this.dgot);
    this.hgot += hlen;
    this.dgot += dlen;
    return true;
  }

  get complete(): boolean {
    return this.hgot === this.header.length && this.dgot === this.data.length;
  }

  get headerOffset(): number {
    return this.hgot;
  }

  get dataOffset(): number {
    return this.dgot;
  }
}

/** Waits (without blocking the thread) until words[index] is no longer `value`, or `timeoutMs` passed. */
export function waitAsyncFor(words: Int32Array, index: number, value: number, timeoutMs?: number): Promise<unknown> {
  // Atomics.waitAsync is missing in some browsers (Firefox before 145): poll there.
  const waitAsync = (Atomics as { waitAsync?: typeof Atomics.waitAsync }).waitAsync;
  if (typeof waitAsync === 'function') {
    const r = waitAsync(words, index, value, timeoutMs);
    return r.async ? r.value : Promise.resolve(r.value);
  }
  return new Promise((resolve) => setTimeout(resolve, Math.min(1, timeoutMs ?? 1)));
}

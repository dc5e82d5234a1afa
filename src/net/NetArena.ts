// The shared memory of one host's networks. Every container worker (and
// every process worker) of the host maps the same growable
// SharedArrayBuffer, so a connection set up by the supervisor is a pair of
// byte rings that both ends already see: bytes then flow directly between
// the two workers, never through the page.
//
// Why one arena instead of a buffer per connection: a guest blocked in
// accept() or recv() holds its thread in Atomics.wait and cannot receive a
// message, so a new buffer could never reach it. Memory it already maps can.
//
// Layout: a header, then one doorbell word per container (bumped and
// notified on every change that container may wait for), then fixed-size
// slots. A slot is either a stream connection or a listener's backlog.
// Only the control plane (the supervisor) allocates and frees slots and
// doorbells; workers only read and write inside slots they were given.

import { ByteRing } from './ByteRing';

const MAGIC = 0x464c4e54; // 'FLNT'
const HEADER_WORDS = 16;
const H_MAGIC = 0;
const H_SLOTS = 1; // slots currently backed by memory

export const MAX_DOORBELLS = 4096;
/** Doorbell 0 belongs to the page itself: connections it opens (rt.fetch) ring it. */
export const HOST_DOORBELL = 0;
const DOORBELLS_OFFSET = HEADER_WORDS * 4;
const SLOTS_OFFSET = DOORBELLS_OFFSET + MAX_DOORBELLS * 4;

/** Bytes each direction of a connection buffers before the writer blocks (backpressure). */
export const STREAM_CAPACITY = 64 * 1024;
const SLOT_HEADER_BYTES = 128;
const RING_BYTES = ByteRing.byteLength(STREAM_CAPACITY);
export const SLOT_BYTES = SLOT_HEADER_BYTES + 2 * RING_BYTES;
const INITIAL_SLOTS = 16;
export const MAX_SLOTS = 4096;

/** What a slot holds (word 0 of its header). */
export const SLOT_FREE = 0;
export const SLOT_STREAM = 1;
export const SLOT_LISTENER = 2;

export class NetArena {
  readonly buffer: SharedArrayBuffer;
  private readonly _doorbells: Int32Array;
  private readonly _header: Int32Array;

  /** Maps an arena made by `NetArena.create()` (in a worker: the buffer it was sent). */
  constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this._header = new Int32Array(buffer, 0, HEADER_WORDS);
    if (Atomics.load(this._header, H_MAGIC) !== MAGIC) throw new Error('not a network arena');
    this._doorbells = new Int32Array(buffer, DOORBELLS_OFFSET, MAX_DOORBELLS);
  }

  /** A new arena (control plane). Reserves address space for MAX_SLOTS; memory is committed as slots are added. */
  static create(): NetArena {
    const buffer = new SharedArrayBuffer(SLOTS_OFFSET + INITIAL_SLOTS * SLOT_BYTES, { maxByteLength: SLOTS_OFFSET + MAX_SLOTS * SLOT_BYTES });
    const header = new Int32Array(buffer, 0, HEADER_WORDS);
    header[H_MAGIC] = MAGIC;
    header[H_SLOTS] = INITIAL_SLOTS;
    return new NetArena(buffer);
  }

  get slotCount(): number {
    return Atomics.load(this._header, H_SLOTS);
  }

  /** Makes room for `count` slots (control plane). False when the arena is at its maximum. */
  ensureSlots(count: number): boolean {
    if (count <= this.slotCount) return true;
    if (count > MAX_SLOTS) return false;
    const slots = Math.min(MAX_SLOTS, Math.max(count, this.slotCount * 2));
    this.buffer.grow(SLOTS_OFFSET + slots * SLOT_BYTES);
    Atomics.store(this._header, H_SLOTS, slots);
    return true;
  }

  /** The header words of slot `index` (32 Int32 words). */
  slotWords(index: number): Int32Array {
    this._checkSlot(index);
    return new Int32Array(this.buffer, SLOTS_OFFSET + index * SLOT_BYTES, SLOT_HEADER_BYTES / 4);
  }

  /** The two byte rings of a stream slot: [0] carries end 0's bytes to end 1, [1] the reverse. */
  slotRings(index: number): [ByteRing, ByteRing] {
    this._checkSlot(index);
    const base = SLOTS_OFFSET + index * SLOT_BYTES + SLOT_HEADER_BYTES;
    return [new ByteRing(this.buffer, base, STREAM_CAPACITY), new ByteRing(this.buffer, base + RING_BYTES, STREAM_CAPACITY)];
  }

  /** A listener slot's backlog: Uint32 slot indices after the header. */
  slotBacklog(index: number): Uint32Array {
    this._checkSlot(index);
    const base = SLOTS_OFFSET + index * SLOT_BYTES + SLOT_HEADER_BYTES;
    return new Uint32Array(this.buffer, base, (SLOT_BYTES - SLOT_HEADER_BYTES) / 4);
  }

  /** Wakes whoever waits on doorbell `index` (a container's threads). */
  ring(index: number): void {
    Atomics.add(this._doorbells, index, 1);
    Atomics.notify(this._doorbells, index);
  }

  /** The doorbell's current count: pass it to `wait` to sleep until it changes. */
  doorbell(index: number): number {
    return Atomics.load(this._doorbells, index);
  }

  /** Blocks the calling worker thread until the doorbell moves past `seen` or `timeoutMs` passes. */
  wait(index: number, seen: number, timeoutMs: number): void {
    Atomics.wait(this._doorbells, index, seen, timeoutMs);
  }

  /** The same, for a thread that must not block (the page, a worker's event loop). */
  async waitAsync(index: number, seen: number, timeoutMs?: number): Promise<void> {
    const waited = Atomics.waitAsync(this._doorbells, index, seen, timeoutMs);
    if (waited.async) await waited.value;
  }

  private _checkSlot(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.slotCount) throw new RangeError(`network slot ${index} does not exist`);
  }
}

// What a container's writable layer holds, published by its worker in
// shared memory so that the supervisor's stats read it without a round
// trip. Plain Float64 stores (byte counts pass 2^31): a reader may see a
// value a moment old, never a value that was not written.

const DISK_BYTES = 0;
const DISK_INODES = 1;
const SLOTS = 2;

export class UsageGauges {
  readonly buffer: SharedArrayBuffer;
  private readonly _values: Float64Array;

  constructor(buffer?: SharedArrayBuffer) {
    this.buffer = buffer ?? new SharedArrayBuffer(SLOTS * 8);
    this._values = new Float64Array(this.buffer, 0, SLOTS);
  }

  publishDisk(bytes: number, inodes: number): void {
    this._values[DISK_BYTES] = bytes;
    this._values[DISK_INODES] = inodes;
  }

  disk(): { bytes: number; inodes: number } {
    return { bytes: this._values[DISK_BYTES]!, inodes: this._values[DISK_INODES]! };
  }
}

// A regular file of a ContainerFs.
//
// Contents live in the lower layer (a view into the image's shared buffer,
// read in place) until the first change, which copies them into a
// ByteStore of the writable layer. Every size change is checked against
// EFBIG and the quota before anything is touched, so a failed write or
// truncate leaves the file exactly as it was.

import { ByteStore } from './ByteStore';
import type { FsContext } from './context';
import { checkOffset, OverlayNode } from './OverlayNode';
import type { FsFile, LayerFileNode } from './types';

export class OverlayFile extends OverlayNode implements FsFile {
  readonly kind = 'file' as const;
  /** Contents in the writable layer; undefined while they are the lower layer's. */
  private store: ByteStore | undefined;
  /** Bytes of this file counted in the quota (0 for lower data and unlinked files). */
  private chargedBytes = 0;

  constructor(ctx: FsContext, ino: bigint, lower: LayerFileNode | undefined, mode = 0o644) {
    super(ctx, ino, lower, mode);
    if (!lower) this.store = new ByteStore();
  }

  private get lowerData(): Uint8Array {
    return (this.lower as LayerFileNode).data;
  }

  size(): number {
    return this.store ? this.store.size : this.lowerData.length;
  }

  protected statSize(): number {
    return this.size();
  }

  linkCount(): number {
    return this.meta ? this.meta.nlink : this.lower!.nlink;
  }

  read(dst: Uint8Array, position: number): number {
    checkOffset(position, 'position');
    // atime is not updated: it would force a copy-up on every read of the image.
    if (this.store) return this.store.read(dst, position);
    const data = this.lowerData;
    if (position >= data.length) return 0;
    const n = Math.min(dst.length, data.length - position);
    dst.set(data.subarray(position, position + n));
    return n;
  }

  write(src: Uint8Array, position: number): number {
    checkOffset(position, 'position');
    // Like Linux: a zero-length write changes nothing, not even mtime.
    if (src.length === 0) return 0;
    const store = this.prepare(Math.max(this.size(), position + src.length));
    store.write(src, position);
    this.touchContents();
    return src.length;
  }

  truncate(size: number): void {
    checkOffset(size, 'size');
    this.prepare(size).resize(size);
    this.touchContents();
  }

  /**
   * Makes the file writable at `newSize` bytes: checks EFBIG and the quota,
   * copies lower contents up, allocates, then commits the accounting. Any
   * throw happens before the file changes.
   */
  private prepare(newSize: number): ByteStore {
    const usage = this.ctx.meter;
    usage.checkFileSize(newSize);
    const live = this.linkCount() > 0;
    if (live) {
      usage.check(newSize - this.chargedBytes, this.copyUpCost());
    } else if (newSize > this.size()) {
      // Unlinked files are not counted (see OverlayNode.released) but may
      // not grow past the space that is left.
      usage.check(newSize, 0);
    }
    let store = this.store;
    if (!store) {
      const data = this.lowerData;
      store = new ByteStore(data, Math.min(newSize, data.length));
    }
    if (newSize > store.size) store.resize(newSize);
    this.store = store;
    this.copyUp();
    if (live) {
      usage.addBytes(newSize - this.chargedBytes);
      this.chargedBytes = newSize;
    }
    return store;
  }

  protected override released(): void {
    super.released();
    this.ctx.meter.addBytes(-this.chargedBytes);
    this.chargedBytes = 0;
  }
}

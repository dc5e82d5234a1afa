// Accounting of the writable layer against FsLimits.
//
// Only the writable layer counts: nodes created in it, lower nodes copied up
// into it, and the logical size of file contents it holds (lower data that
// has not been copied up is free). Callers check before they mutate, so a
// failed operation leaves nothing half done.

import { DEFAULT_MAX_FILE_SIZE, FsError, type FsLimits, type FsUsage } from './types';

export class UsageMeter {
  bytes = 0;
  inodes = 0;
  readonly maxFileSize: number;
  /** Called after every change of `bytes` or `inodes` (e.g. to publish them in shared memory). */
  onChange: ((meter: UsageMeter) => void) | undefined;

  constructor(private limits: FsLimits = {}) {
    this.maxFileSize = limits.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  }

  /**
   * Sets the quotas from now on (a container's limits apply to what it
   * writes, not to the files it was set up with); what is already held
   * stays even when it is past them. The largest file size does not change.
   */
  setLimits(limits: Omit<FsLimits, 'maxFileSize'>): void {
    this.limits = { ...limits, maxFileSize: this.maxFileSize };
  }

  get maxBytes(): number | undefined {
    return this.limits.maxBytes;
  }

  get maxInodes(): number | undefined {
    return this.limits.maxInodes;
  }

  snapshot(): FsUsage {
    return { bytes: this.bytes, inodes: this.inodes };
  }

  /** Throws unless `extraBytes` more bytes and `extraInodes` more nodes fit. */
  check(extraBytes: number, extraInodes: number): void {
    const { maxBytes, maxInodes } = this.limits;
    if (extraBytes > 0 && maxBytes !== undefined && this.bytes + extraBytes > maxBytes) {
      throw this.error(`writable layer would hold ${this.bytes + extraBytes} bytes (limit ${maxBytes})`);
    }
    if (extraInodes > 0 && maxInodes !== undefined && this.inodes + extraInodes > maxInodes) {
      throw this.error(`writable layer would hold ${this.inodes + extraInodes} nodes (limit ${maxInodes})`);
    }
  }

  /** Throws EFBIG past the largest file size. */
  checkFileSize(size: number): void {
    if (size > this.maxFileSize) {
      throw new FsError('EFBIG', `file size ${size} exceeds the maximum ${this.maxFileSize}`);
    }
  }

  addBytes(delta: number): void {
    this.bytes += delta;
    this.onChange?.(this);
  }

  /** `force` skips the limit: removals must succeed even when the quota is full. */
  addInode(force = false): void {
    if (!force) this.check(0, 1);
    this.inodes++;
    this.onChange?.(this);
  }

  releaseInode(): void {
    this.inodes--;
    this.onChange?.(this);
  }

  private error(message: string): FsError {
    return new FsError(this.limits.limitError ?? 'ENOSPC', message);
  }
}

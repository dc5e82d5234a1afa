// The vnode base class shared by files, symlinks and directories of a
// ContainerFs.
//
// A vnode is created once per container for each node (lower-layer nodes
// lazily, through the context's cache) and never replaced: copy-up fills in
// its writable-layer state in place. That is what keeps an FsFile held in a
// WASI fd table valid across copy-up, and what makes hard links (several
// names, one lower node) share one vnode.

import type { FsContext } from './context';
import { FsError, type LayerNode, type NodeKind, type NodeStat, type TimeSpec } from './types';

/** Metadata of a node in the writable layer. */
export interface UpperMeta {
  mode: number;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  /** Names of a file or symlink (directories compute theirs). */
  nlink: number;
}

export abstract class OverlayNode {
  abstract readonly kind: NodeKind;
  /** Writable-layer metadata; undefined while the node is only in a lower layer. */
  protected meta: UpperMeta | undefined;
  /** True while this node is counted in the quota's inodes. */
  private charged = false;

  /**
   * `lower` is the lower-layer node this vnode shows (undefined for a node
   * created in the writable layer, whose inode the creator already counted).
   * `countsInode` is false only for the root, which costs nothing.
   */
  constructor(
    readonly ctx: FsContext,
    readonly ino: bigint,
    protected readonly lower: LayerNode | undefined,
    mode: number,
    private readonly countsInode = true,
  ) {
    if (!lower) {
      const now = ctx.now();
      this.meta = { mode, atimeNs: now, mtimeNs: now, ctimeNs: now, nlink: 1 };
      this.charged = countsInode;
    }
  }

  /** True once the node has state in the writable layer. */
  get isUpper(): boolean {
    return this.meta !== undefined;
  }

  /** Nodes a copyUp() would add to the quota (0 or 1). */
  copyUpCost(): number {
    return this.meta || !this.countsInode ? 0 : 1;
  }

  /**
   * Copies the metadata up into the writable layer (contents stay in the
   * lower layer until they change: see OverlayFile). `force` ignores the
   * inode limit, for removals that must never fail on a full quota.
   */
  copyUp(force = false): UpperMeta {
    if (this.meta) return this.meta;
    const lower = this.lower!;
    if (this.countsInode) {
      this.ctx.meter.addInode(force);
      this.charged = true;
    }
    this.meta = {
      mode: lower.mode,
      atimeNs: lower.mtimeNs,
      mtimeNs: lower.mtimeNs,
      ctimeNs: lower.mtimeNs,
      nlink: lower.nlink,
    };
    return this.meta;
  }

  /** Number of names (0 once unlinked/removed). */
  abstract linkCount(): number;
  /** Size reported by stat. */
  protected abstract statSize(): number;

  stat(): NodeStat {
    const lower = this.lower;
    const m = this.meta;
    const mtimeNs = m ? m.mtimeNs : lower!.mtimeNs;
    return {
      dev: this.ctx.dev,
      ino: this.ino,
      kind: this.kind,
      nlink: BigInt(this.linkCount()),
      size: BigInt(this.statSize()),
      atimeNs: m ? m.atimeNs : mtimeNs,
      mtimeNs,
      ctimeNs: m ? m.ctimeNs : mtimeNs,
      mode: m ? m.mode : lower!.mode,
    };
  }

  setTimes(atime: TimeSpec | undefined, mtime: TimeSpec | undefined): void {
    const m = this.copyUp();
    const now = this.ctx.now();
    if (atime !== undefined) m.atimeNs = atime === 'now' ? now : atime;
    if (mtime !== undefined) m.mtimeNs = mtime === 'now' ? now : mtime;
    m.ctimeNs = now;
  }

  /** Contents changed: mtime and ctime become now (the node must be copied up). */
  protected touchContents(): void {
    const m = this.meta!;
    m.mtimeNs = m.ctimeNs = this.ctx.now();
  }

  /** Metadata changed (links, rename): ctime becomes now. */
  touchChange(): void {
    this.copyUp(true).ctimeNs = this.ctx.now();
  }

  /** A new name for this file or symlink (quota checked by the caller). */
  addLink(): void {
    if (this.linkCount() === 0) throw new FsError('ENOENT', 'cannot link a file that was removed');
    const m = this.copyUp();
    m.nlink++;
    m.ctimeNs = this.ctx.now();
  }

  /** A name of this file or symlink was removed; the last one releases its quota. */
  dropLink(): void {
    const m = this.copyUp(true);
    m.nlink--;
    m.ctimeNs = this.ctx.now();
    if (m.nlink === 0) this.released();
  }

  /**
   * The node has no name left. It stays usable through handles that hold
   * it (unlinked-but-open files), but stops counting against the quota:
   * src/fs cannot see when the last handle closes, and not freeing space at
   * unlink would make `rm big; write new` fail near a full quota.
   */
  protected released(): void {
    if (this.charged) {
      this.ctx.meter.releaseInode();
      this.charged = false;
    }
  }
}

/** Validates an offset/size argument. */
export function checkOffset(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new FsError('EINVAL', `invalid ${what} ${value}`);
  }
}

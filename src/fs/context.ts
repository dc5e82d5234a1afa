// What every vnode of one ContainerFs shares: device id, clock, quota
// meter, inode allocator and the cache that gives each lower-layer node
// exactly one vnode per container (node identity across copy-up and hard
// links depends on that cache). Implemented by ContainerFs; an interface
// here so the node classes do not import ContainerFs (no import cycle).

import type { NsClock } from './clock';
import { FsError } from './types';
import type { LayerDirectoryNode, LayerNode } from './types';
import type { UsageMeter } from './UsageMeter';
import type { OverlayDirectory } from './OverlayDirectory';
import type { OverlayFile } from './OverlayFile';
import type { OverlaySymlink } from './OverlaySymlink';

/** Any vnode of a ContainerFs (a discriminated union on `kind`, like FsNode). */
export type Vnode = OverlayFile | OverlayDirectory | OverlaySymlink;

/** A node of a lower layer together with its position in the stack (0 = bottom). */
export interface LowerRef<N extends LayerNode = LayerNode> {
  readonly node: N;
  readonly layer: number;
}

export interface FsContext {
  readonly dev: bigint;
  readonly now: NsClock;
  readonly meter: UsageMeter;
  /** A fresh inode number for a node created in the writable layer. */
  allocIno(): bigint;
  /**
   * The container's one vnode for lower node `ref` reached from `parent`.
   * `mergedDirs` lists, top first, the lower directories merged at that
   * path (only called when the vnode does not exist yet).
   */
  lowerVnode(
    parent: OverlayDirectory,
    ref: LowerRef,
    mergedDirs: () => LowerRef<LayerDirectoryNode>[],
  ): Vnode;
}

/** Validates a single path component handed to a create/link/rename. */
export function checkName(name: string): void {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
    throw new FsError('EINVAL', `invalid file name ${JSON.stringify(name)}`);
  }
  // NAME_MAX is in bytes; only long names need the (slower) exact count.
  if (name.length > 85 && new TextEncoder().encode(name).length > 255) {
    throw new FsError('ENAMETOOLONG', `file name longer than 255 bytes`);
  }
}

// A symbolic link of a ContainerFs: an immutable target string, plus the
// metadata every node has (times and link count change; the target never).

import type { FsContext } from './context';
import { OverlayNode } from './OverlayNode';
import type { FsSymlink, LayerSymlinkNode } from './types';

const encoder = new TextEncoder();

export class OverlaySymlink extends OverlayNode implements FsSymlink {
  readonly kind = 'symlink' as const;
  readonly target: string;
  /** stat's size is the target's length in bytes, as readlink returns it. */
  private readonly byteLength: number;

  constructor(ctx: FsContext, ino: bigint, lower: LayerSymlinkNode | undefined, target = lower?.target ?? '') {
    super(ctx, ino, lower, 0o777);
    this.target = target;
    this.byteLength = encoder.encode(target).length;
  }

  linkCount(): number {
    return this.meta ? this.meta.nlink : this.lower!.nlink;
  }

  protected statSize(): number {
    return this.byteLength;
  }
}

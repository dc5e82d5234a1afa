// A directory of a ContainerFs: the merged view of the lower directories
// at its path plus its own entries in the writable layer.
//
//   lookup(name) = upper entry ?? (whiteout ? nothing : first lower layer having name)
//
// Lower directories are never modified: removing a lower entry records a
// whiteout; a name re-created after that gets an upper node, which hides
// the lower one. A directory created in the writable layer has no lower
// directories at all, so it is opaque by construction even when it
// replaces a lower directory of the same name. A moved directory takes its
// lower directories with it (its vnode holds them), so contents follow it.
//
// Invariant: if a name is both an upper entry and in a lower directory, it
// is also whited out, so removing the upper entry never uncovers the lower.

import { checkName, type FsContext, type LowerRef, type Vnode } from './context';
import { OverlayFile } from './OverlayFile';
import { OverlayNode } from './OverlayNode';
import { OverlaySymlink } from './OverlaySymlink';
import {
  FsError,
  type FsDirectory,
  type FsFile,
  type FsNode,
  type FsSymlink,
  type LayerDirectoryNode,
} from './types';

/** What Linux reports as the size of a directory on most file systems. */
const DIRECTORY_SIZE = 4096;

export class OverlayDirectory extends OverlayNode implements FsDirectory {
  readonly kind = 'directory' as const;
  /** Entries created in (or moved into) the writable layer, in insertion order. */
  private upper: Map<string, Vnode> | undefined;
  /** Lower names that were removed. */
  private whiteouts: Set<string> | undefined;
  private parentDir: OverlayDirectory;
  private isRemoved = false;
  /**
   * Directories of other file systems mounted on names of this one (/proc).
   * They hide what the layers have under the name; they are not vnodes of
   * this file system, so every change to such a name fails with EBUSY.
   */
  private mounts: Map<string, FsDirectory> | undefined;
  /** Cached count of subdirectories (for nlink); undefined when stale. */
  private subdirCount: number | undefined;

  /**
   * `lowers`: the lower directories merged here, top layer first (empty for
   * a directory created in the writable layer). `parent` undefined = root.
   */
  constructor(
    ctx: FsContext,
    ino: bigint,
    private readonly lowers: readonly LowerRef<LayerDirectoryNode>[],
    parent: OverlayDirectory | undefined,
    mode = 0o755,
  ) {
    super(ctx, ino, lowers[0]?.node, mode, parent !== undefined);
    this.parentDir = parent ?? this;
  }

  get removed(): boolean {
    return this.isRemoved;
  }

  parent(): FsDirectory {
    return this.parentDir;
  }

  linkCount(): number {
    if (this.isRemoved) return 0;
    this.subdirCount ??= this.countSubdirs();
    return 2 + this.subdirCount;
  }

  /** Like counting directories in entries(), without creating vnodes for every lower child. */
  private countSubdirs(): number {
    let count = 0;
    const seen = this.lowers.length > 1 ? new Set<string>() : undefined;
    for (const { node } of this.lowers) {
      for (const [name, child] of node.children) {
        if (seen) {
          if (seen.has(name)) continue;
          seen.add(name);
        }
        if (child.kind === 'directory' && !this.whiteouts?.has(name) && !this.upper?.has(name)) count++;
      }
    }
    if (this.upper) for (const node of this.upper.values()) if (node.kind === 'directory') count++;
    return count;
  }

  protected statSize(): number {
    return DIRECTORY_SIZE;
  }

  /** Mounts `dir` on `name` (a mount point: it need not exist in the layers). */
  mount(name: string, dir: FsDirectory): void {
    this.checkLive();
    checkName(name);
    (this.mounts ??= new Map()).set(name, dir);
    this.subdirCount = undefined; // a mount is not a change of this directory's contents: no mtime update
  }

  lookup(name: string): Vnode | undefined {
    if (this.isRemoved) return undefined;
    // Callers that change entries check busy() first, so a mount never reaches vnode code.
    const mounted = this.mounts?.get(name);
    if (mounted) return mounted as unknown as Vnode;
    const own = this.upper?.get(name);
    if (own) return own;
    if (this.whiteouts?.has(name)) return undefined;
    return this.lowerChild(name);
  }

  /** The vnode of `name` in the merged lower directories, ignoring whiteouts. */
  private lowerChild(name: string): Vnode | undefined {
    const lowers = this.lowers;
    for (let i = 0; i < lowers.length; i++) {
      const child = lowers[i].node.children.get(name);
      if (!child) continue;
      return this.ctx.lowerVnode(this, { node: child, layer: lowers[i].layer }, () => {
        // A directory merges with same-named directories of the layers below,
        // down to the first non-directory, which hides everything under it.
        const merged: LowerRef<LayerDirectoryNode>[] = [];
        for (let j = i; j < lowers.length; j++) {
          const c = lowers[j].node.children.get(name);
          if (!c) continue;
          if (c.kind !== 'directory') break;
          merged.push({ node: c, layer: lowers[j].layer });
        }
        return merged;
      });
    }
    return undefined;
  }

  entries(): Array<[name: string, node: FsNode]> {
    if (this.isRemoved) return [];
    const out: Array<[string, FsNode]> = [];
    const lowers = this.lowers;
    // Lower names first (layer order, deduplicated across layers), then upper
    // ones in creation order: stable while the directory does not change.
    const seen = lowers.length > 1 ? new Set<string>() : undefined;
    for (const { node } of lowers) {
      for (const name of node.children.keys()) {
        if (seen) {
          if (seen.has(name)) continue;
          seen.add(name);
        }
        if (this.whiteouts?.has(name) || this.upper?.has(name)) continue;
        out.push([name, this.lowerChild(name)!]);
      }
    }
    if (this.upper) for (const [name, node] of this.upper) out.push([name, node]);
    if (this.mounts) {
      for (const [name, dir] of this.mounts) {
        const index = out.findIndex(([existing]) => existing === name);
        if (index >= 0) out[index] = [name, dir];
        else out.push([name, dir]);
      }
    }
    return out;
  }

  /** True if the merged view has no entries. */
  isEmpty(): boolean {
    if (this.upper && this.upper.size > 0) return false;
    for (const { node } of this.lowers) {
      for (const name of node.children.keys()) if (!this.whiteouts?.has(name)) return false;
    }
    return true;
  }

  createFile(name: string, mode = 0o644): FsFile {
    this.prepareCreate(name);
    const file = new OverlayFile(this.ctx, this.ctx.allocIno(), undefined, mode);
    this.insert(name, file);
    return file;
  }

  createDirectory(name: string, mode = 0o755): FsDirectory {
    this.prepareCreate(name);
    const dir = new OverlayDirectory(this.ctx, this.ctx.allocIno(), [], this, mode);
    this.insert(name, dir);
    return dir;
  }

  createSymlink(name: string, target: string): FsSymlink {
    // Like Linux's symlinkat: an empty target names nothing.
    if (target === '') throw new FsError('ENOENT', 'empty symlink target');
    this.prepareCreate(name);
    const link = new OverlaySymlink(this.ctx, this.ctx.allocIno(), undefined, target);
    this.insert(name, link);
    return link;
  }

  link(name: string, node: FsFile | FsSymlink): void {
    this.checkLive();
    checkName(name);
    // Checked at run time: callers may hand in anything typed as a node.
    const target = node as FsNode;
    if (target.kind === 'directory') throw new FsError('EPERM', 'cannot hard-link a directory');
    if (!(target instanceof OverlayFile || target instanceof OverlaySymlink) || target.ctx !== this.ctx) {
      throw new FsError('EXDEV', 'cannot link across file systems');
    }
    if (target.linkCount() === 0) throw new FsError('ENOENT', 'cannot link a file that was removed');
    this.busy(name);
    if (this.lookup(name)) throw new FsError('EEXIST', `${name} exists`);
    this.ctx.meter.check(0, this.copyUpCost() + target.copyUpCost());
    target.addLink();
    this.insert(name, target);
  }

  unlink(name: string): void {
    this.checkLive();
    this.busy(name);
    const node = this.lookup(name);
    if (!node) throw new FsError('ENOENT', `${name} does not exist`);
    if (node.kind === 'directory') throw new FsError('EISDIR', `${name} is a directory`);
    this.remove(name);
    node.dropLink();
  }

  removeDirectory(name: string): void {
    this.checkLive();
    this.busy(name);
    const node = this.lookup(name);
    if (!node) throw new FsError('ENOENT', `${name} does not exist`);
    if (!(node instanceof OverlayDirectory)) throw new FsError('ENOTDIR', `${name} is not a directory`);
    if (!node.isEmpty()) throw new FsError('ENOTEMPTY', `${name} is not empty`);
    this.remove(name);
    node.markRemoved();
  }

  rename(name: string, toDir: FsDirectory, toName: string): void {
    this.checkLive();
    if (!(toDir instanceof OverlayDirectory) || toDir.ctx !== this.ctx) {
      throw new FsError('EXDEV', 'cannot rename across file systems');
    }
    toDir.checkLive();
    checkName(name);
    checkName(toName);
    this.busy(name);
    toDir.busy(toName);
    const src = this.lookup(name);
    if (!src) throw new FsError('ENOENT', `${name} does not exist`);
    const dst = toDir.lookup(toName);
    // The same entry, or two hard links of one file: POSIX says do nothing.
    if (dst === src) return;
    if (src instanceof OverlayDirectory) {
      for (let d = toDir; ; d = d.parentDir) {
        if (d === src) throw new FsError('EINVAL', `cannot move ${name} into itself`);
        if (d.parentDir === d) break;
      }
    }
    if (dst) {
      if (src.kind === 'directory' && dst.kind !== 'directory') {
        throw new FsError('ENOTDIR', `${toName} is not a directory`);
      }
      if (src.kind !== 'directory' && dst.kind === 'directory') {
        throw new FsError('EISDIR', `${toName} is a directory`);
      }
      if (dst instanceof OverlayDirectory && !dst.isEmpty()) {
        throw new FsError('ENOTEMPTY', `${toName} is not empty`);
      }
    }
    // All quota checks before the first change.
    const touched = new Set<OverlayNode>([this, toDir, src]);
    let cost = 0;
    for (const n of touched) cost += n.copyUpCost();
    this.ctx.meter.check(0, cost);
    for (const n of touched) n.copyUp();

    if (dst) {
      toDir.remove(toName);
      if (dst instanceof OverlayDirectory) dst.markRemoved();
      else dst.dropLink();
    }
    this.remove(name);
    toDir.insert(toName, src);
    if (src instanceof OverlayDirectory) src.parentDir = toDir;
    src.touchChange();
  }

  // -- internals ------------------------------------------------------------

  /** EBUSY for a mount point. */
  private busy(name: string): void {
    if (this.mounts?.has(name)) throw new FsError('EBUSY', `${name} is a mount point`);
  }

  private checkLive(): void {
    if (this.isRemoved) throw new FsError('ENOENT', 'directory was removed');
  }

  /** Checks that `name` can be created here and the quota has room for it. */
  private prepareCreate(name: string): void {
    this.checkLive();
    checkName(name);
    if (this.lookup(name)) throw new FsError('EEXIST', `${name} exists`);
    this.ctx.meter.check(0, 1 + this.copyUpCost());
    this.ctx.meter.addInode();
  }

  /** Adds an entry to the writable layer (the caller made sure `name` is free). */
  private insert(name: string, node: Vnode): void {
    this.copyUp();
    (this.upper ??= new Map()).set(name, node);
    this.changed();
  }

  /** Removes entry `name`, whiting it out if it comes from a lower layer. Never fails on quota. */
  private remove(name: string): void {
    this.copyUp(true);
    if (!this.upper?.delete(name)) (this.whiteouts ??= new Set()).add(name);
    this.changed();
  }

  private changed(): void {
    this.subdirCount = undefined;
    this.touchContents();
  }

  private markRemoved(): void {
    this.touchChange();
    this.isRemoved = true;
    this.parentDir = this;
    this.released();
  }
}

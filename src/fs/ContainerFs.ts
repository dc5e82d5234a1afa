// The file system of one container: a writable in-memory layer over a
// stack of read-only image layers (copy-on-write overlay).
//
// Each ContainerFs owns its vnodes; the layers below are plain immutable
// data shared by every container of an image. Lower nodes get their vnode
// on first lookup, cached here by lower node, so a path always yields the
// same object and writes to it (which copy it up in place) are never seen
// by another container. See OverlayDirectory for the merge rules.

import { monotonicClock, type NsClock } from './clock';
import type { FsContext, LowerRef, Vnode } from './context';
import { OverlayDirectory } from './OverlayDirectory';
import { OverlayFile } from './OverlayFile';
import { OverlaySymlink } from './OverlaySymlink';
import {
  FsError,
  type FsDirectory,
  type FsLimits,
  type FsNode,
  type FsUsage,
  type LayerDirectoryNode,
  type ReadonlyLayer,
} from './types';
import { UsageMeter } from './UsageMeter';

export interface ContainerFsOptions {
  /** Read-only layers, bottom first. None: a plain empty writable file system. */
  readonly layers?: readonly ReadonlyLayer[];
  readonly limits?: FsLimits;
  /** Nanosecond clock for timestamps; default: wall clock, strictly increasing. */
  readonly now?: () => bigint;
  /** Device id reported by stat; default: a fresh id per ContainerFs. */
  readonly dev?: bigint;
}

export interface WriteFileOptions {
  /** Permission bits when the file is created (an existing file keeps its mode). */
  readonly mode?: number;
}

/** Symlinks followed while resolving one path (Linux's MAXSYMLINKS). */
const MAX_SYMLINKS = 40;

// The only state shared between containers: an id allocator for `dev`.
let nextDev = 1n;

export class ContainerFs implements FsContext {
  readonly root: FsDirectory;
  readonly dev: bigint;
  readonly now: NsClock;
  readonly meter: UsageMeter;
  private nextIno = 1n;
  /** One vnode per lower node, for identity (see the header comment). */
  private readonly lowerVnodes = new Map<object, Vnode>();

  constructor(options: ContainerFsOptions = {}) {
    this.dev = options.dev ?? nextDev++;
    this.now = options.now ?? monotonicClock();
    this.meter = new UsageMeter(options.limits);
    const layers = options.layers ?? [];
    const roots: LowerRef<LayerDirectoryNode>[] = layers
      .map((layer, index) => ({ node: layer.root, layer: index }))
      .reverse();
    const ino = roots.length > 0 ? lowerIno(roots[0]) : this.allocIno();
    this.root = new OverlayDirectory(this, ino, roots, undefined);
  }

  /**
   * Mounts a directory of another file system (e.g. a synthetic /proc) at
   * `path`, creating the parent directories. The mount point hides what the
   * layers hold there and cannot be removed or renamed (EBUSY).
   */
  mount(path: string, dir: FsDirectory): void {
    const slash = path.lastIndexOf('/');
    const parent = this.mkdirp(path.slice(0, slash) || '/');
    if (!(parent instanceof OverlayDirectory)) throw new FsError('EINVAL', `${path}: cannot mount here`);
    parent.mount(path.slice(slash + 1), dir);
  }

  /** What the writable layer holds (counted against FsLimits). */
  usage(): FsUsage {
    return this.meter.snapshot();
  }

  allocIno(): bigint {
    return this.nextIno++;
  }

  lowerVnode(
    parent: OverlayDirectory,
    ref: LowerRef,
    mergedDirs: () => LowerRef<LayerDirectoryNode>[],
  ): Vnode {
    let vnode = this.lowerVnodes.get(ref.node);
    if (vnode) return vnode;
    const ino = lowerIno(ref);
    const node = ref.node;
    if (node.kind === 'file') vnode = new OverlayFile(this, ino, node);
    else if (node.kind === 'symlink') vnode = new OverlaySymlink(this, ino, node);
    else vnode = new OverlayDirectory(this, ino, mergedDirs(), parent);
    this.lowerVnodes.set(node, vnode);
    return vnode;
  }

  // -- path helpers for the supervisor (the WASI layer resolves paths itself) --

  /** The node at absolute `path` (symlinks followed, also in the last component), or undefined. */
  lookupPath(path: string, followLast = true): FsNode | undefined {
    try {
      return this.resolve(path, followLast);
    } catch (error) {
      if (error instanceof FsError && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) return undefined;
      throw error;
    }
  }

  readFile(path: string): Uint8Array {
    const node = this.resolve(path, true);
    if (node.kind === 'directory') throw new FsError('EISDIR', `${path} is a directory`);
    if (node.kind !== 'file') throw new FsError('EINVAL', `${path} is not a file`);
    const out = new Uint8Array(node.size());
    node.read(out, 0);
    return out;
  }

  /** Creates or replaces the file at `path`, creating missing parent directories. */
  writeFile(path: string, data: Uint8Array | string, options: WriteFileOptions = {}): void {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    const { dir, name } = this.parentOf(path);
    let node = dir.lookup(name);
    if (node?.kind === 'symlink') node = this.resolve(path, true);
    if (!node) node = dir.createFile(name, options.mode);
    if (node.kind === 'directory') throw new FsError('EISDIR', `${path} is a directory`);
    if (node.kind !== 'file') throw new FsError('EINVAL', `${path} is not a file`);
    // Write before truncating: if the quota refuses the growth, the old
    // contents are still there; shrinking afterwards cannot fail.
    node.write(bytes, 0);
    node.truncate(bytes.length);
  }

  /** Creates directory `path` and any missing parents; returns it. */
  mkdirp(path: string, mode?: number): FsDirectory {
    let dir = this.root;
    for (const name of components(path)) {
      if (name === '..') {
        dir = dir.parent();
        continue;
      }
      let node = dir.lookup(name);
      if (node?.kind === 'symlink') node = this.follow(node.target, dir, 0);
      if (!node) node = dir.createDirectory(name, mode);
      if (node.kind !== 'directory') throw new FsError('ENOTDIR', `${name} in ${path} is not a directory`);
      dir = node;
    }
    return dir;
  }

  /** Names in directory `path`, in entries() order. */
  list(path: string): string[] {
    const node = this.resolve(path, true);
    if (node.kind !== 'directory') throw new FsError('ENOTDIR', `${path} is not a directory`);
    return node.entries().map(([name]) => name);
  }

  // -- internals ------------------------------------------------------------

  private resolve(path: string, followLast: boolean): FsNode {
    return this.walk(this.root, components(path), followLast, 0);
  }

  private walk(start: FsDirectory, names: string[], followLast: boolean, hops: number): FsNode {
    let node: FsNode = start;
    for (let i = 0; i < names.length; i++) {
      if (node.kind !== 'directory') throw new FsError('ENOTDIR', `${names[i - 1]} is not a directory`);
      const dir: FsDirectory = node;
      const name = names[i];
      const next = name === '..' ? dir.parent() : dir.lookup(name);
      if (!next) throw new FsError('ENOENT', `${name} does not exist`);
      node = next;
      if (node.kind === 'symlink' && (followLast || i < names.length - 1)) {
        node = this.follow(node.target, dir, hops + 1);
      }
    }
    return node;
  }

  private follow(target: string, from: FsDirectory, hops: number): FsNode {
    if (hops > MAX_SYMLINKS) throw new FsError('ELOOP', 'too many symbolic links');
    return this.walk(target.startsWith('/') ? this.root : from, components(target), true, hops);
  }

  /** The (created if missing) parent directory of `path` and the last component. */
  private parentOf(path: string): { dir: FsDirectory; name: string } {
    const names = components(path);
    const name = names.pop();
    if (name === undefined || name === '..') throw new FsError('EINVAL', `${path} names no entry`);
    return { dir: this.mkdirp(names.join('/')), name };
  }
}

/** Lower inodes: layer position in the high bits, so layers never collide with each other or with upper inodes. */
function lowerIno(ref: LowerRef): bigint {
  return (BigInt(ref.layer + 1) << 32n) | BigInt(ref.node.ino);
}

/** Path components without '' and '.' (paths are taken relative to the root). */
function components(path: string): string[] {
  return path.split('/').filter((c) => c !== '' && c !== '.');
}

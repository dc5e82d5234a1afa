// A read-only image layer: the immutable file tree of LayerEntry[].
//
// Built once per image (per thread) and shared by every ContainerFs of that
// image, which is safe because nothing here changes after construction:
// containers keep all their state in their own vnodes. File contents are
// the entries' own Uint8Array views (usually into a SharedArrayBuffer
// shared by all workers): never copied, never sliced. The build is one pass
// with a path map, so a few hundred entries take a few microseconds.

import {
  FsError,
  type LayerDirectoryNode,
  type LayerEntry,
  type LayerNode,
  type ReadonlyLayer,
} from './types';

/** The same node types while the build may still change them. */
type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type BuildDir = Mutable<LayerDirectoryNode> & { children: Map<string, LayerNode> };

const EMPTY = new Uint8Array(0);
const ROOT_INO = 1;

export class ImageLayer implements ReadonlyLayer {
  readonly root: LayerDirectoryNode;
  /** Number of distinct nodes (root included). */
  readonly nodeCount: number;

  /** Builds the tree; throws FsError (EINVAL, EEXIST, ENOENT, ENOTDIR, EPERM) on a malformed list. */
  constructor(entries: readonly LayerEntry[]) {
    let nextIno = ROOT_INO;
    const newDir = (mode: number, mtimeNs: bigint): BuildDir => ({
      kind: 'directory', ino: nextIno++, mode, mtimeNs, nlink: 2, children: new Map(),
    });
    const root = newDir(0o755, 0n);
    const byPath = new Map<string, LayerNode>([['/', root]]);
    // Directories created because a child came first; a later entry may describe them.
    const implicit = new Set<LayerNode>();

    const dirAt = (path: string): BuildDir => {
      const found = byPath.get(path);
      if (found) {
        if (found.kind !== 'directory') throw new FsError('ENOTDIR', `${path} is not a directory`);
        return found as BuildDir;
      }
      const slash = path.lastIndexOf('/');
      const parent = dirAt(slash === 0 ? '/' : path.slice(0, slash));
      const dir = newDir(0o755, 0n);
      implicit.add(dir);
      parent.children.set(path.slice(slash + 1), dir);
      parent.nlink++;
      byPath.set(path, dir);
      return dir;
    };

    for (const entry of entries) {
      const path = normalise(entry.path);
      if (path === '/') {
        if (entry.kind !== 'directory') throw new FsError('EINVAL', 'the root must be a directory');
        root.mode = entry.mode;
        root.mtimeNs = entry.mtimeNs;
        continue;
      }
      const slash = path.lastIndexOf('/');
      const name = path.slice(slash + 1);
      const parent = dirAt(slash === 0 ? '/' : path.slice(0, slash));
      const existing = byPath.get(path);
      if (existing) {
        if (entry.kind === 'directory' && !entry.linkTo && implicit.delete(existing)) {
          const dir = existing as BuildDir;
          dir.mode = entry.mode;
          dir.mtimeNs = entry.mtimeNs;
          continue;
        }
        throw new FsError('EEXIST', `layer lists ${path} twice`);
      }
      let node: LayerNode;
      if (entry.linkTo !== undefined) {
        const target = byPath.get(normalise(entry.linkTo));
        if (!target) throw new FsError('ENOENT', `${path} links to missing ${entry.linkTo}`);
        if (target.kind === 'directory') throw new FsError('EPERM', `${path} links to directory ${entry.linkTo}`);
        (target as Mutable<LayerNode>).nlink++;
        node = target;
      } else if (entry.kind === 'file') {
        node = { kind: 'file', ino: nextIno++, mode: entry.mode, mtimeNs: entry.mtimeNs, nlink: 1, data: entry.data ?? EMPTY };
      } else if (entry.kind === 'symlink') {
        if (entry.target === undefined) throw new FsError('EINVAL', `symlink ${path} has no target`);
        node = { kind: 'symlink', ino: nextIno++, mode: entry.mode, mtimeNs: entry.mtimeNs, nlink: 1, target: entry.target };
      } else {
        node = newDir(entry.mode, entry.mtimeNs);
        parent.nlink++;
      }
      parent.children.set(name, node);
      byPath.set(path, node);
    }
    this.root = root;
    this.nodeCount = nextIno - ROOT_INO;
  }

  /** Same as `new ImageLayer(entries)`. */
  static fromEntries(entries: readonly LayerEntry[]): ImageLayer {
    return new ImageLayer(entries);
  }

  /** The node at absolute `path` (no symlinks followed), for tools and tests. */
  get(path: string): LayerNode | undefined {
    let node: LayerNode = this.root;
    for (const name of normalise(path).split('/')) {
      if (name === '') continue;
      if (node.kind !== 'directory') return undefined;
      const next = node.children.get(name);
      if (!next) return undefined;
      node = next;
    }
    return node;
  }
}

/** '/a/b' stays as is (the common case, checked cheaply); './a//b/' becomes '/a/b'; '..' is refused. */
function normalise(path: string): string {
  if (path.startsWith('/') && !path.endsWith('/') && !path.includes('//') && !path.includes('/.')) return path;
  if (path === '/') return path;
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') throw new FsError('EINVAL', `layer path ${path} contains '..'`);
    parts.push(part);
  }
  return '/' + parts.join('/');
}

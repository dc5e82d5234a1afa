// A read-only file tree whose contents are computed when read, for files
// that describe the system rather than store data (a container's /proc).
// Mounted into a ContainerFs with ContainerFs.mount. Every change fails with
// EROFS; a file's contents are generated again each time it is read from
// the start, so `cat /proc/uptime` twice gives two readings.

import { FsError, type FsDirectory, type FsFile, type FsNode, type FsSymlink, type NodeStat, type TimeSpec } from './types';

export type SyntheticSpec =
  | { readonly kind: 'file'; readonly content: () => string | Uint8Array }
  | { readonly kind: 'directory'; readonly children: () => ReadonlyMap<string, SyntheticSpec> }
  | { readonly kind: 'symlink'; readonly target: () => string };

interface TreeContext {
  readonly dev: bigint;
  readonly now: () => bigint;
  nextIno: bigint;
}

const encoder = new TextEncoder();

function readOnly(): never {
  throw new FsError('EROFS', 'read-only file system');
}

abstract class SyntheticNode {
  readonly ino: bigint;

  constructor(protected readonly ctx: TreeContext) {
    this.ino = ctx.nextIno++;
  }

  protected baseStat(kind: NodeStat['kind'], size: number, mode: number, nlink = 1): NodeStat {
    const now = this.ctx.now();
    return { dev: this.ctx.dev, ino: this.ino, kind, nlink: BigInt(nlink), size: BigInt(size), atimeNs: now, mtimeNs: now, ctimeNs: now, mode };
  }

  setTimes(_atime: TimeSpec | undefined, _mtime: TimeSpec | undefined): void {
    readOnly();
  }
}

class SyntheticFile extends SyntheticNode implements FsFile {
  readonly kind = 'file' as const;
  private _snapshot: Uint8Array | undefined;

  constructor(ctx: TreeContext, private readonly _content: () => string | Uint8Array) {
    super(ctx);
  }

  stat(): NodeStat {
    return this.baseStat('file', this._generate().length, 0o444);
  }

  read(dst: Uint8Array, position: number): number {
    // A read from the start takes a fresh snapshot; later reads continue it.
    const data = position === 0 || !this._snapshot ? this._generate() : this._snapshot;
    if (position >= data.length) return 0;
    const count = Math.min(dst.length, data.length - position);
    dst.set(data.subarray(position, position + count));
    return count;
  }

  size(): number {
    return this._generate().length;
  }

  write(): number {
    return readOnly();
  }

  truncate(): void {
    readOnly();
  }

  private _generate(): Uint8Array {
    const content = this._content();
    this._snapshot = typeof content === 'string' ? encoder.encode(content) : content;
    return this._snapshot;
  }
}

class SyntheticSymlink extends SyntheticNode implements FsSymlink {
  readonly kind = 'symlink' as const;

  constructor(ctx: TreeContext, private readonly _target: () => string) {
    super(ctx);
  }

  get target(): string {
    return this._target();
  }

  stat(): NodeStat {
    return this.baseStat('symlink', encoder.encode(this.target).length, 0o777);
  }
}

export class SyntheticDirectory extends SyntheticNode implements FsDirectory {
  readonly kind = 'directory' as const;
  readonly removed = false;
  /** Nodes keep their identity while their name exists (open descriptors, `..`). */
  private readonly _nodes = new Map<string, { spec: SyntheticSpec; node: FsNode }>();

  private constructor(ctx: TreeContext, private readonly _children: () => ReadonlyMap<string, SyntheticSpec>, private readonly _parent: () => FsDirectory) {
    super(ctx);
  }

  /** The root of a synthetic tree; `parent` is the directory it is mounted in. */
  static root(children: () => ReadonlyMap<string, SyntheticSpec>, options: { parent: () => FsDirectory; dev: bigint; now: () => bigint }): SyntheticDirectory {
    return new SyntheticDirectory({ dev: options.dev, now: options.now, nextIno: 1n }, children, options.parent);
  }

  stat(): NodeStat {
    const subdirectories = [...this._children().values()].filter((spec) => spec.kind === 'directory').length;
    return this.baseStat('directory', 0, 0o555, 2 + subdirectories);
  }

  lookup(name: string): FsNode | undefined {
    const spec = this._children().get(name);
    if (!spec) {
      this._nodes.delete(name);
      return undefined;
    }
    const known = this._nodes.get(name);
    if (known && known.spec.kind === spec.kind) return known.node;
    const node = this._make(spec);
    this._nodes.set(name, { spec, node });
    return node;
  }

  parent(): FsDirectory {
    return this._parent();
  }

  entries(): Array<[name: string, node: FsNode]> {
    const names = [...this._children().keys()];
    for (const name of this._nodes.keys()) if (!names.includes(name)) this._nodes.delete(name);
    return names.map((name) => [name, this.lookup(name)!]);
  }

  createFile(): FsFile {
    return readOnly();
  }

  createDirectory(): FsDirectory {
    return readOnly();
  }

  createSymlink(): FsSymlink {
    return readOnly();
  }

  link(): void {
    readOnly();
  }

  unlink(): void {
    readOnly();
  }

  removeDirectory(): void {
    readOnly();
  }

  rename(): void {
    readOnly();
  }

  private _make(spec: SyntheticSpec): FsNode {
    switch (spec.kind) {
      case 'file':
        return new SyntheticFile(this.ctx, spec.content);
      case 'symlink':
        return new SyntheticSymlink(this.ctx, spec.target);
      case 'directory':
        return new SyntheticDirectory(this.ctx, spec.children, () => this);
    }
  }
}

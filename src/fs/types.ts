// The file-system contract between src/fs (the in-memory, layered file
// system of one container) and the layers above it (src/wasi, src/kernel).
//
// Objects are vnodes: a node keeps its identity across renames and hard
// links, so an open directory handle stays valid when its path changes.
// Path resolution, preopen confinement and symlink following live in
// src/wasi (they are capability rules); this module only knows single
// path components.

/** POSIX-style error codes thrown by file-system operations. src/wasi maps them to errno in one place. */
export type FsErrorCode =
  | 'ENOENT' | 'EEXIST' | 'ENOTDIR' | 'EISDIR' | 'ENOTEMPTY' | 'EINVAL' | 'ELOOP'
  | 'EXDEV' | 'ENOSPC' | 'EDQUOT' | 'EROFS' | 'EPERM' | 'EACCES' | 'ENAMETOOLONG'
  | 'EFBIG' | 'EMLINK' | 'EBUSY' | 'ENOTSUP' | 'EIO';

export class FsError extends Error {
  override readonly name = 'FsError';
  constructor(readonly code: FsErrorCode, message: string) {
    super(`${code}: ${message}`);
  }
}

export type NodeKind = 'file' | 'directory' | 'symlink';

export interface NodeStat {
  /** Device id: one per file system (container partition). */
  readonly dev: bigint;
  /** Inode number, unique within `dev`, stable for the node's life. */
  readonly ino: bigint;
  readonly kind: NodeKind;
  readonly nlink: bigint;
  readonly size: bigint;
  readonly atimeNs: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
  /** POSIX permission bits (e.g. 0o755); informational in WASI preview1. */
  readonly mode: number;
}

/** A time to set: nanoseconds since the epoch, or 'now' (the file system's clock). */
export type TimeSpec = bigint | 'now';

interface FsNodeBase {
  readonly kind: NodeKind;
  stat(): NodeStat;
  /** Sets atime and/or mtime (undefined leaves it unchanged); ctime becomes now. */
  setTimes(atime: TimeSpec | undefined, mtime: TimeSpec | undefined): void;
}

export interface FsFile extends FsNodeBase {
  readonly kind: 'file';
  /** Copies up to dst.length bytes from `position`; returns the count (0 at or past EOF). */
  read(dst: Uint8Array, position: number): number;
  /** Writes all of src at `position`, growing the file (zero-filling any gap); returns src.length. */
  write(src: Uint8Array, position: number): number;
  size(): number;
  /** Sets the size, zero-filling when it grows. */
  truncate(size: number): void;
}

export interface FsSymlink extends FsNodeBase {
  readonly kind: 'symlink';
  readonly target: string;
}

export interface FsDirectory extends FsNodeBase {
  readonly kind: 'directory';
  /** The child named `name` (one component: never '', '.', '..' or containing '/'), or undefined. */
  lookup(name: string): FsNode | undefined;
  /** The parent directory; the root is its own parent. A removed directory returns itself. */
  parent(): FsDirectory;
  /** Entries without '.' and '..', in an order that is stable while the directory is unchanged. */
  entries(): Array<[name: string, node: FsNode]>;
  /** True once the directory has been removed (operations on it then fail with ENOENT). */
  readonly removed: boolean;
  createFile(name: string, mode?: number): FsFile;
  createDirectory(name: string, mode?: number): FsDirectory;
  createSymlink(name: string, target: string): FsSymlink;
  /** Adds a hard link to an existing file or symlink (EPERM for directories, EEXIST if taken). */
  link(name: string, node: FsFile | FsSymlink): void;
  /** Removes a non-directory entry (EISDIR for a directory, ENOENT if missing). */
  unlink(name: string): void;
  /** Removes an empty directory entry (ENOTDIR, ENOTEMPTY, ENOENT). */
  removeDirectory(name: string): void;
  /**
   * Moves entry `name` to `toDir/toName` with POSIX rename semantics: replaces a
   * file, or an empty directory with a directory; EISDIR/ENOTDIR on kind
   * mismatch; EINVAL when moving a directory into itself; same node is a no-op.
   */
  rename(name: string, toDir: FsDirectory, toName: string): void;
}

export type FsNode = FsFile | FsDirectory | FsSymlink;

/** Limits on what a container's writable layer may hold (issue: quotas). */
export interface FsLimits {
  /** Bytes of file data in the writable layer; past it writes fail with `limitError`. */
  readonly maxBytes?: number;
  /** Number of nodes created in the writable layer. */
  readonly maxInodes?: number;
  /** The error a write past a limit raises: ENOSPC (default) or EDQUOT. */
  readonly limitError?: 'ENOSPC' | 'EDQUOT';
  /** Largest size of one file; growing past it raises EFBIG. Default DEFAULT_MAX_FILE_SIZE (4 GiB). */
  readonly maxFileSize?: number;
}

/** 4 GiB: the default largest file (JS engines cap one ArrayBuffer near this anyway). */
export const DEFAULT_MAX_FILE_SIZE = 2 ** 32;

export interface FsUsage {
  readonly bytes: number;
  readonly inodes: number;
}

/** One entry of a read-only image layer (see src/fs/layer and src/images). */
export interface LayerEntry {
  /** Absolute, normalised path ('/bin/hello'); '/' itself is implicit. */
  readonly path: string;
  readonly kind: NodeKind;
  readonly mode: number;
  readonly mtimeNs: bigint;
  /** File contents: usually a view into a SharedArrayBuffer shared by every container of the image. */
  readonly data?: Uint8Array;
  /** Symlink target. */
  readonly target?: string;
  /** Hard link: path of an earlier entry this one is another name for. */
  readonly linkTo?: string;
}

// ---------------------------------------------------------------------------
// Read-only layers (added by src/fs): what ContainerFs stacks under its
// writable layer. Plain immutable data, so one layer object can be shared by
// every container of an image in a thread; containers keep their own vnodes.

interface LayerNodeBase {
  /** Inode number within the layer (ContainerFs combines it with the layer's position). */
  readonly ino: number;
  readonly mode: number;
  readonly mtimeNs: bigint;
  /** Names of this node in its layer (directories: 2 + subdirectories). */
  readonly nlink: number;
}

export interface LayerFileNode extends LayerNodeBase {
  readonly kind: 'file';
  /** Never copied: a view into the image's (shared) buffer. */
  readonly data: Uint8Array;
}

export interface LayerSymlinkNode extends LayerNodeBase {
  readonly kind: 'symlink';
  readonly target: string;
}

export interface LayerDirectoryNode extends LayerNodeBase {
  readonly kind: 'directory';
  readonly children: ReadonlyMap<string, LayerNode>;
}

export type LayerNode = LayerFileNode | LayerSymlinkNode | LayerDirectoryNode;

/** An immutable file tree: what ContainerFs stacks (ImageLayer.fromEntries in src/fs/ImageLayer builds one). */
export interface ReadonlyLayer {
  readonly root: LayerDirectoryNode;
}

// Per-process table of open handles (file descriptors). No static state.
import type { FsDirectory, FsFile } from '../fs/types';
import type { Socket } from '../net/SocketStack';
import type { InputStream, OutputStream } from './host';
import { ERRNO_BADF, ERRNO_NOTCAPABLE, ERRNO_NOTDIR, ERRNO_NOTSOCK, ERRNO_SPIPE, ERRNO_MFILE } from './constants';
import { fail } from './errors';

interface HandleBase {
  rightsBase: bigint;
  rightsInheriting: bigint;
  fdflags: number;
}

export interface InputHandle extends HandleBase { readonly type: 'input'; readonly stream: InputStream }
export interface OutputHandle extends HandleBase { readonly type: 'output'; readonly stream: OutputStream }
export interface DirectoryHandle extends HandleBase {
  readonly type: 'directory';
  readonly dir: FsDirectory;
  /** Set for preopens: the name fd_prestat_dir_name reports. */
  readonly preopenPath?: string;
}
export interface FileHandle extends HandleBase {
  readonly type: 'file';
  readonly node: FsFile;
  position: number;
}

export interface SocketHandle extends HandleBase {
  readonly type: 'socket';
  readonly socket: Socket;
}

export type Handle = InputHandle | OutputHandle | DirectoryHandle | FileHandle | SocketHandle;
export type StreamHandle = InputHandle | OutputHandle;

/** The default open-file limit: fd numbers stay below it (matches wasi-libc's int fds; keeps numbers small). */
export const MAX_FDS = 1 << 20;

export class HandleTable {
  private readonly used = new Map<number, Handle>();
  /** Numbers below `next` that are free, kept sorted ascending so the lowest is reused first. */
  private readonly free: number[] = [];
  private next = 0;

  /**
   * `limit` is the process's open-file limit (RLIMIT_NOFILE, `ulimit -n`):
   * fd numbers stay below it, so opening past it fails with MFILE and
   * renumbering to it with BADF, as on Linux. `onChange` hears the number
   * of open handles after every change (published for stats).
   */
  constructor(readonly limit = MAX_FDS, private readonly onChange?: (open: number) => void) {}

  get size(): number {
    return this.used.size;
  }

  /** Inserts at the lowest free number. */
  add(handle: Handle): number {
    let fd: number;
    if (this.free.length > 0) {
      fd = this.free.shift()!;
    } else {
      if (this.next >= this.limit) fail(ERRNO_MFILE);
      fd = this.next++;
    }
    this.used.set(fd, handle);
    this.onChange?.(this.used.size);
    return fd;
  }

  get(fd: number): Handle {
    const h = this.used.get(fd >>> 0);
    if (!h) return fail(ERRNO_BADF, `bad fd ${fd >>> 0}`);
    return h;
  }

  has(fd: number): boolean {
    return this.used.has(fd >>> 0);
  }

  close(fd: number): Handle {
    const n = fd >>> 0;
    const h = this.get(n);
    this.used.delete(n);
    this.insertFree(n);
    this.onChange?.(this.used.size);
    return h;
  }

  /** Moves `from` to `to`, closing what `to` held. BADF if `from` is not open. */
  renumber(from: number, to: number): void {
    const f = from >>> 0;
    const t = to >>> 0;
    const h = this.get(f);
    if (f === t) return;
    if (t >= this.limit) fail(ERRNO_BADF);
    this.used.delete(f);
    this.insertFree(f);
    // Claim `to`: drop it from the free list, or extend `next` past it.
    const i = this.free.indexOf(t);
    if (i >= 0) this.free.splice(i, 1);
    else if (t >= this.next) {
      for (let k = this.next; k < t; k++) this.insertFree(k);
      this.next = t + 1;
    }
    this.used.set(t, h);
    this.onChange?.(this.used.size);
  }

  entries(): IterableIterator<[number, Handle]> {
    return this.used.entries();
  }

  private insertFree(fd: number): void {
    let lo = 0;
    let hi = this.free.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.free[mid]! < fd) lo = mid + 1;
      else hi = mid;
    }
    this.free.splice(lo, 0, fd);
  }

  // Typed getters. `rights` must all be present in the handle's base rights (NOTCAPABLE otherwise).

  any(fd: number, rights: bigint = 0n): Handle {
    const h = this.get(fd);
    requireRights(h, rights);
    return h;
  }

  /** A directory handle: BADF for streams, NOTDIR for files (as wasmtime). */
  dir(fd: number, rights: bigint = 0n): DirectoryHandle {
    const h = this.get(fd);
    if (h.type === 'file') fail(ERRNO_NOTDIR);
    if (h.type !== 'directory') fail(ERRNO_BADF);
    requireRights(h, rights);
    return h;
  }

  /** A regular-file handle: BADF for directories and streams (as wasmtime), then NOTCAPABLE when rights are missing. */
  file(fd: number, rights: bigint = 0n): FileHandle {
    const h = this.get(fd);
    if (h.type !== 'file') fail(ERRNO_BADF);
    requireRights(h, rights);
    return h;
  }

  /** A socket handle: NOTSOCK for anything else that is open. */
  socket(fd: number, rights: bigint = 0n): SocketHandle {
    const h = this.get(fd);
    if (h.type !== 'socket') fail(ERRNO_NOTSOCK);
    requireRights(h, rights);
    return h;
  }

  /** A seekable handle: a file. Streams → SPIPE, directories → BADF (wasmtime's get_seekable). */
  seekable(fd: number, rights: bigint): FileHandle {
    const h = this.get(fd);
    if (h.type === 'input' || h.type === 'output' || h.type === 'socket') fail(ERRNO_SPIPE);
    if (h.type === 'directory') fail(ERRNO_BADF);
    requireRights(h, rights);
    return h;
  }
}

export function requireRights(h: Handle, rights: bigint): void {
  if ((h.rightsBase & rights) !== rights) fail(ERRNO_NOTCAPABLE, 'missing rights');
}

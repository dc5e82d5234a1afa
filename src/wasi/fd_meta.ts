// Descriptor metadata and lifetime: fd_advise, fd_allocate, fd_close,
// fd_datasync, fd_sync, fd_fdstat_*, fd_filestat_*, fd_prestat_*,
// fd_readdir, fd_renumber.
import type { FsNode } from '../fs/types';
import {
  ADVICE_NOREUSE, DIRENT_SIZE, ERRNO_BADF, ERRNO_FBIG, ERRNO_INVAL, ERRNO_NAMETOOLONG, ERRNO_NOTCAPABLE,
  ERRNO_SUCCESS, FDFLAGS_APPEND, FDFLAGS_DSYNC, FDFLAGS_NONBLOCK, FDFLAGS_RSYNC, FDFLAGS_SYNC,
  FILETYPE_CHARACTER_DEVICE, FILETYPE_DIRECTORY, FILETYPE_REGULAR_FILE, FILETYPE_SOCKET_STREAM, FILETYPE_UNKNOWN, PREOPENTYPE_DIR,
  RIGHTS_FD_ADVISE, RIGHTS_FD_ALLOCATE, RIGHTS_FD_DATASYNC, RIGHTS_FD_FDSTAT_SET_FLAGS, RIGHTS_FD_FILESTAT_GET,
  RIGHTS_FD_FILESTAT_SET_SIZE, RIGHTS_FD_FILESTAT_SET_TIMES, RIGHTS_FD_READDIR, RIGHTS_FD_SYNC,
} from './constants';
import type { SyscallContext, SyscallFamily } from './context';
import { fail } from './errors';
import { requireRights, type Handle } from './HandleTable';
import { encodeUtf8 } from './memory';
import { filestatOf, filetypeOf, timesFromFlags, writeFilestat } from './stat';

const MAX_SIZE = BigInt(Number.MAX_SAFE_INTEGER);

export function handleFiletype(h: Handle): number {
  switch (h.type) {
    case 'file': return FILETYPE_REGULAR_FILE;
    case 'directory': return FILETYPE_DIRECTORY;
    case 'socket': return FILETYPE_SOCKET_STREAM;
    // wasmtime: character_device for a terminal, unknown otherwise (a pipe).
    default: return h.stream.isTerminal ? FILETYPE_CHARACTER_DEVICE : FILETYPE_UNKNOWN;
  }
}

export const fdMetaSyscalls = {
  fd_advise(ctx: SyscallContext, fd: number, _offset: bigint, _len: bigint, advice: number) {
    ctx.fds.file(fd, RIGHTS_FD_ADVISE);
    if ((advice & 0xff) > ADVICE_NOREUSE) fail(ERRNO_INVAL);
    return ERRNO_SUCCESS; // advisory only
  },

  fd_allocate(ctx: SyscallContext, fd: number, offset: bigint, len: bigint) {
    const h = ctx.fds.file(fd, RIGHTS_FD_ALLOCATE);
    const end = BigInt.asUintN(64, offset) + BigInt.asUintN(64, len);
    if (end > MAX_SIZE) fail(ERRNO_FBIG);
    if (Number(end) > h.node.size()) h.node.truncate(Number(end));
    return ERRNO_SUCCESS;
  },

  fd_close(ctx: SyscallContext, fd: number) {
    const h = ctx.fds.close(fd);
    if (h.type === 'socket') h.socket.close();
    return ERRNO_SUCCESS;
  },

  fd_datasync(ctx: SyscallContext, fd: number) {
    const h = ctx.fds.get(fd);
    if (h.type === 'directory' || h.type === 'input' || h.type === 'socket') fail(ERRNO_BADF);
    requireRights(h, RIGHTS_FD_DATASYNC);
    return ERRNO_SUCCESS; // memory is as durable as it gets
  },

  fd_sync(ctx: SyscallContext, fd: number) {
    const h = ctx.fds.get(fd);
    if (h.type === 'input' || h.type === 'socket') fail(ERRNO_BADF);
    requireRights(h, RIGHTS_FD_SYNC);
    return ERRNO_SUCCESS;
  },

  fd_fdstat_get(ctx: SyscallContext, fd: number, statPtr: number) {
    const h = ctx.fds.get(fd);
    const mem = ctx.mem;
    mem.check(statPtr, 24);
    mem.zero(statPtr, 24);
    mem.setU8(statPtr, handleFiletype(h));
    mem.setU16(statPtr + 2, h.fdflags);
    mem.setU64(statPtr + 8, h.rightsBase);
    mem.setU64(statPtr + 16, h.rightsInheriting);
    return ERRNO_SUCCESS;
  },

  /** Only APPEND and NONBLOCK can change (wasmtime: the sync flags → INVAL). */
  fd_fdstat_set_flags(ctx: SyscallContext, fd: number, flags: number) {
    const h = ctx.fds.get(fd);
    requireRights(h, RIGHTS_FD_FDSTAT_SET_FLAGS);
    const f = flags & 0xffff;
    if (f & (FDFLAGS_DSYNC | FDFLAGS_RSYNC | FDFLAGS_SYNC) || f & ~0x1f) fail(ERRNO_INVAL);
    if (h.type === 'directory' && f & FDFLAGS_APPEND) fail(ERRNO_INVAL);
    h.fdflags = (h.fdflags & ~(FDFLAGS_APPEND | FDFLAGS_NONBLOCK)) | f;
    return ERRNO_SUCCESS;
  },

  /** Rights can only shrink: asking for one not held → NOTCAPABLE. */
  fd_fdstat_set_rights(ctx: SyscallContext, fd: number, base: bigint, inheriting: bigint) {
    const h = ctx.fds.get(fd);
    const b = BigInt.asUintN(64, base);
    const i = BigInt.asUintN(64, inheriting);
    if ((b & ~h.rightsBase) !== 0n || (i & ~h.rightsInheriting) !== 0n) fail(ERRNO_NOTCAPABLE);
    h.rightsBase = b;
    h.rightsInheriting = i;
    return ERRNO_SUCCESS;
  },

  fd_filestat_get(ctx: SyscallContext, fd: number, bufPtr: number) {
    const h = ctx.fds.get(fd);
    requireRights(h, RIGHTS_FD_FILESTAT_GET);
    if (h.type === 'file' || h.type === 'directory') {
      const node = h.type === 'file' ? h.node : h.dir;
      writeFilestat(ctx.mem, bufPtr, filestatOf(node.stat()));
    } else {
      writeFilestat(ctx.mem, bufPtr, {
        dev: 0n, ino: 0n, filetype: handleFiletype(h), nlink: 0n, size: 0n, atim: 0n, mtim: 0n, ctim: 0n,
      });
    }
    return ERRNO_SUCCESS;
  },

  fd_filestat_set_size(ctx: SyscallContext, fd: number, size: bigint) {
    const h = ctx.fds.file(fd, RIGHTS_FD_FILESTAT_SET_SIZE);
    const s = BigInt.asUintN(64, size);
    if (s > MAX_SIZE) fail(ERRNO_FBIG);
    h.node.truncate(Number(s));
    return ERRNO_SUCCESS;
  },

  fd_filestat_set_times(ctx: SyscallContext, fd: number, atim: bigint, mtim: bigint, fstFlags: number) {
    const h = ctx.fds.get(fd);
    if (h.type !== 'file' && h.type !== 'directory') fail(ERRNO_BADF);
    requireRights(h, RIGHTS_FD_FILESTAT_SET_TIMES);
    const [a, m] = timesFromFlags(atim, mtim, fstFlags);
    (h.type === 'file' ? h.node : h.dir).setTimes(a, m);
    return ERRNO_SUCCESS;
  },

  fd_prestat_get(ctx: SyscallContext, fd: number, bufPtr: number) {
    const h = ctx.fds.get(fd);
    if (h.type !== 'directory' || h.preopenPath === undefined) fail(ERRNO_BADF);
    ctx.mem.check(bufPtr, 8);
    ctx.mem.zero(bufPtr, 8);
    ctx.mem.setU8(bufPtr, PREOPENTYPE_DIR);
    ctx.mem.setU32(bufPtr + 4, encodeUtf8(h.preopenPath).length);
    return ERRNO_SUCCESS;
  },

  /** Buffer shorter than the name → NAMETOOLONG (wasmtime); not NUL-terminated. */
  fd_prestat_dir_name(ctx: SyscallContext, fd: number, pathPtr: number, pathLen: number) {
    const h = ctx.fds.get(fd);
    if (h.type !== 'directory' || h.preopenPath === undefined) fail(ERRNO_BADF);
    const name = encodeUtf8(h.preopenPath);
    if (name.length > pathLen >>> 0) fail(ERRNO_NAMETOOLONG);
    ctx.mem.write(pathPtr, name);
    return ERRNO_SUCCESS;
  },

  fd_renumber(ctx: SyscallContext, from: number, to: number) {
    const replaced = from >>> 0 !== to >>> 0 && ctx.fds.has(from) && ctx.fds.has(to) ? ctx.fds.get(to) : undefined;
    ctx.fds.renumber(from, to);
    if (replaced?.type === 'socket') replaced.socket.close(); // dup2 over a socket closes it
    return ERRNO_SUCCESS;
  },

  /**
   * Entries are '.', '..', then the directory's own; cookie n resumes at entry
   * n. Each is a 24-byte dirent then the name; when the buffer fills, the last
   * entry is cut off mid-header or mid-name and buf_len is returned, which
   * wasi-libc takes as "buffer full, grow or call again".
   */
  fd_readdir(ctx: SyscallContext, fd: number, bufPtr: number, bufLen: number, cookie: bigint, bufUsedPtr: number) {
    const h = ctx.fds.dir(fd, RIGHTS_FD_READDIR);
    const mem = ctx.mem;
    const cap = bufLen >>> 0;
    const base = mem.check(bufPtr, cap);
    mem.check(bufUsedPtr, 4);
    const dir = h.dir;
    const entries: Array<[string, FsNode]> = [['.', dir], ['..', dir.parent()], ...dir.entries()];
    const start = BigInt.asUintN(64, cookie);
    let used = 0;
    const header = new Uint8Array(DIRENT_SIZE);
    const hv = new DataView(header.buffer);
    for (let i = start > BigInt(entries.length) ? entries.length : Number(start); i < entries.length; i++) {
      const [name, node] = entries[i]!;
      const nameBytes = encodeUtf8(name);
      const st = node.stat();
      hv.setBigUint64(0, BigInt(i + 1), true);
      hv.setBigUint64(8, st.ino, true);
      hv.setUint32(16, nameBytes.length, true);
      hv.setUint32(20, filetypeOf(node.kind), true); // d_type u8 + padding
      const h1 = Math.min(DIRENT_SIZE, cap - used);
      mem.write(base + used, header.subarray(0, h1));
      used += h1;
      if (used === cap) break;
      const n1 = Math.min(nameBytes.length, cap - used);
      mem.write(base + used, nameBytes.subarray(0, n1));
      used += n1;
      if (used === cap) break;
    }
    mem.setU32(bufUsedPtr, used);
    return ERRNO_SUCCESS;
  },
} satisfies SyscallFamily;

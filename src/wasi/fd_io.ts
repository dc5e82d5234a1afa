// fd_read, fd_write, fd_pread, fd_pwrite, fd_seek, fd_tell.
import {
  ERRNO_AGAIN, ERRNO_BADF, ERRNO_FBIG, ERRNO_INVAL, ERRNO_NOTCAPABLE, ERRNO_SPIPE, ERRNO_SUCCESS,
  FDFLAGS_APPEND, FDFLAGS_NONBLOCK, RIGHTS_FD_READ, RIGHTS_FD_SEEK, RIGHTS_FD_TELL, RIGHTS_FD_WRITE,
  WHENCE_CUR, WHENCE_END, WHENCE_SET,
} from './constants';
import type { SyscallContext, SyscallFamily } from './context';
import { fail } from './errors';
import { requireRights, type FileHandle, type InputHandle, type OutputHandle } from './HandleTable';
import { recvIntoIovecs, sendIovecs } from './sock';

const MAX_POSITION = BigInt(Number.MAX_SAFE_INTEGER);

/** A u64 file offset as a JS number; beyond 2^53 nothing can be stored (FBIG). */
function toPosition(offset: bigint): number {
  const u = BigInt.asUintN(64, offset);
  if (u > MAX_POSITION) fail(ERRNO_FBIG);
  return Number(u);
}

function readFile(ctx: SyscallContext, h: FileHandle, iovsPtr: number, iovsLen: number, position: number): number {
  const iovs = ctx.mem.readIovecs(iovsPtr, iovsLen);
  let total = 0;
  for (const iov of iovs) {
    if (iov.len === 0) continue;
    const n = h.node.read(ctx.mem.bytes(iov.buf, iov.len), position + total);
    total += n;
    if (n < iov.len) break;
  }
  return total;
}

function writeFile(ctx: SyscallContext, h: FileHandle, iovsPtr: number, iovsLen: number, position: number): number {
  const iovs = ctx.mem.readIovecs(iovsPtr, iovsLen);
  let total = 0;
  for (const iov of iovs) if (position + total + iov.len > Number.MAX_SAFE_INTEGER) fail(ERRNO_FBIG);
  for (const iov of iovs) {
    if (iov.len === 0) continue;
    total += h.node.write(ctx.mem.bytes(iov.buf, iov.len), position + total);
  }
  return total;
}

/**
 * Reads into the first non-empty iovec. The stream itself blocks until data
 * or end of input (on the word its writer notifies: a pipe's, the stdin
 * ring's), re-checking signals; a non-blocking handle gets AGAIN instead.
 */
function readStream(ctx: SyscallContext, h: InputHandle, iovsPtr: number, iovsLen: number): number {
  const iov = ctx.mem.readIovecs(iovsPtr, iovsLen).find((v) => v.len > 0);
  if (!iov) return 0;
  const { stream } = h;
  if (h.fdflags & FDFLAGS_NONBLOCK && !ctx.host(() => stream.readable())) fail(ERRNO_AGAIN);
  const tmp = new Uint8Array(iov.len);
  const n = ctx.host(() => stream.read(tmp));
  ctx.mem.write(iov.buf, tmp.subarray(0, Math.min(n, iov.len)));
  return Math.min(n, iov.len);
}

function writeStream(ctx: SyscallContext, h: OutputHandle, iovsPtr: number, iovsLen: number): number {
  const iovs = ctx.mem.readIovecs(iovsPtr, iovsLen);
  let total = 0;
  for (const iov of iovs) {
    if (iov.len === 0) continue;
    const bytes = ctx.mem.bytes(iov.buf, iov.len);
    const n = ctx.host(() => h.stream.write(bytes));
    total += n;
    if (n < iov.len) break;
  }
  return total;
}

export const fdIoSyscalls = {
  fd_read(ctx: SyscallContext, fd: number, iovsPtr: number, iovsLen: number, nreadPtr: number) {
    const h = ctx.fds.get(fd);
    requireRights(h, RIGHTS_FD_READ);
    let n: number;
    if (h.type === 'file') {
      n = readFile(ctx, h, iovsPtr, iovsLen, h.position);
      h.position += n;
    } else if (h.type === 'input') {
      n = readStream(ctx, h, iovsPtr, iovsLen);
    } else if (h.type === 'socket') {
      n = recvIntoIovecs(ctx, h, iovsPtr, iovsLen);
    } else {
      return fail(ERRNO_BADF);
    }
    ctx.mem.setU32(nreadPtr, n);
    return ERRNO_SUCCESS;
  },

  fd_pread(ctx: SyscallContext, fd: number, iovsPtr: number, iovsLen: number, offset: bigint, nreadPtr: number) {
    const h = ctx.fds.get(fd);
    if (h.type === 'input' || h.type === 'output' || h.type === 'socket') fail(ERRNO_SPIPE);
    if (h.type !== 'file') fail(ERRNO_BADF);
    requireRights(h, RIGHTS_FD_READ | RIGHTS_FD_SEEK);
    const u = BigInt.asUintN(64, offset);
    const n = u > MAX_POSITION ? 0 : readFile(ctx, h, iovsPtr, iovsLen, Number(u));
    ctx.mem.setU32(nreadPtr, n);
    return ERRNO_SUCCESS;
  },

  fd_write(ctx: SyscallContext, fd: number, iovsPtr: number, iovsLen: number, nwrittenPtr: number) {
    const h = ctx.fds.get(fd);
    requireRights(h, RIGHTS_FD_WRITE);
    let n: number;
    if (h.type === 'file') {
      const start = h.fdflags & FDFLAGS_APPEND ? h.node.size() : h.position;
      n = writeFile(ctx, h, iovsPtr, iovsLen, start);
      h.position = start + n;
    } else if (h.type === 'output') {
      n = writeStream(ctx, h, iovsPtr, iovsLen);
    } else if (h.type === 'socket') {
      n = sendIovecs(ctx, h, iovsPtr, iovsLen);
    } else {
      return fail(ERRNO_BADF);
    }
    ctx.mem.setU32(nwrittenPtr, n);
    return ERRNO_SUCCESS;
  },

  /** Writes at `offset` even with APPEND (wasmtime; Linux would append). */
  fd_pwrite(ctx: SyscallContext, fd: number, iovsPtr: number, iovsLen: number, offset: bigint, nwrittenPtr: number) {
    const h = ctx.fds.get(fd);
    if (h.type === 'input' || h.type === 'output' || h.type === 'socket') fail(ERRNO_SPIPE);
    if (h.type !== 'file') fail(ERRNO_BADF);
    requireRights(h, RIGHTS_FD_WRITE | RIGHTS_FD_SEEK);
    const n = writeFile(ctx, h, iovsPtr, iovsLen, toPosition(offset));
    ctx.mem.setU32(nwrittenPtr, n);
    return ERRNO_SUCCESS;
  },

  fd_seek(ctx: SyscallContext, fd: number, offset: bigint, whence: number, newOffsetPtr: number) {
    const w = whence & 0xff;
    const needed = offset === 0n && w === WHENCE_CUR ? RIGHTS_FD_TELL : RIGHTS_FD_SEEK;
    const h = ctx.fds.seekable(fd, 0n);
    if ((h.rightsBase & needed) === 0n) fail(ERRNO_NOTCAPABLE);
    const delta = BigInt.asIntN(64, offset);
    let base: bigint;
    if (w === WHENCE_SET) base = 0n;
    else if (w === WHENCE_CUR) base = BigInt(h.position);
    else if (w === WHENCE_END) base = BigInt(h.node.size());
    else return fail(ERRNO_INVAL);
    const pos = base + delta;
    if (pos < 0n) fail(ERRNO_INVAL);
    if (pos > MAX_POSITION) fail(ERRNO_INVAL);
    h.position = Number(pos);
    ctx.mem.setU64(newOffsetPtr, pos);
    return ERRNO_SUCCESS;
  },

  fd_tell(ctx: SyscallContext, fd: number, offsetPtr: number) {
    const h = ctx.fds.seekable(fd, RIGHTS_FD_TELL);
    ctx.mem.setU64(offsetPtr, BigInt(h.position));
    return ERRNO_SUCCESS;
  },
} satisfies SyscallFamily;

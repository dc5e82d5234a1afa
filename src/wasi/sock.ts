// Sockets. Preview1's four calls (sock_accept, sock_recv, sock_send,
// sock_shutdown) work on any socket: the listeners the runtime pre-opens
// for a container (as wasmtime's --tcplisten) and those a program opens
// itself through WASIX (sock_wasix.ts). The socket objects live in src/net.
import {
  ERRNO_INVAL, ERRNO_SUCCESS, FDFLAGS_NONBLOCK, RIFLAGS_RECV_PEEK, RIFLAGS_RECV_WAITALL, RIGHTS_FD_READ,
  RIGHTS_FD_WRITE, RIGHTS_SOCK_ACCEPT, RIGHTS_SOCK_SHUTDOWN, RIGHTS_SOCKET_BASE, SDFLAGS_RD, SDFLAGS_WR,
} from './constants';
import type { SyscallContext, SyscallFamily } from './context';
import { fail } from './errors';
import type { SocketHandle } from './HandleTable';
import type { Socket } from '../net/SocketStack';

/** Adds an accepted or opened socket to the table. */
export function addSocket(ctx: SyscallContext, socket: Socket, fdflags = 0): number {
  return ctx.fds.add({ type: 'socket', socket, rightsBase: RIGHTS_SOCKET_BASE, rightsInheriting: 0n, fdflags: fdflags & FDFLAGS_NONBLOCK });
}

export function isNonblocking(h: SocketHandle): boolean {
  return (h.fdflags & FDFLAGS_NONBLOCK) !== 0;
}

/** Reads into the iovecs: waits for the first bytes (unless non-blocking), then takes what is there. */
export function recvIntoIovecs(ctx: SyscallContext, h: SocketHandle, iovsPtr: number, iovsLen: number, flags = 0): number {
  const iovs = ctx.mem.readIovecs(iovsPtr, iovsLen).filter((iov) => iov.len > 0);
  const peek = (flags & RIFLAGS_RECV_PEEK) !== 0;
  const waitAll = (flags & RIFLAGS_RECV_WAITALL) !== 0 && !peek;
  let total = 0;
  for (const iov of iovs) {
    let filled = 0;
    while (filled < iov.len) {
      const mustWait = (total === 0 || waitAll) && !isNonblocking(h);
      const view = ctx.mem.bytes(iov.buf + filled, iov.len - filled);
      let count: number;
      try {
        count = h.socket.recv(view, !mustWait, peek);
      } catch (error) {
        if (total + filled > 0) return total + filled; // what arrived counts; the error comes with the next call
        throw error;
      }
      if (count === 0) return total + filled; // end of stream
      filled += count;
      if (peek || !waitAll) break;
    }
    total += filled;
    if (peek || filled < iov.len) break;
  }
  return total;
}

/** Writes the iovecs, waiting while the peer is slow unless non-blocking. */
export function sendIovecs(ctx: SyscallContext, h: SocketHandle, iovsPtr: number, iovsLen: number): number {
  const iovs = ctx.mem.readIovecs(iovsPtr, iovsLen);
  let total = 0;
  for (const iov of iovs) {
    if (iov.len === 0) continue;
    let sent: number;
    try {
      sent = h.socket.send(ctx.mem.bytes(iov.buf, iov.len), isNonblocking(h));
    } catch (error) {
      if (total > 0) return total;
      throw error;
    }
    total += sent;
    if (sent < iov.len) break;
  }
  return total;
}

export const sockSyscalls = {
  sock_accept(ctx: SyscallContext, fd: number, flags: number, fdPtr: number) {
    const h = ctx.fds.socket(fd, RIGHTS_SOCK_ACCEPT);
    if ((flags & 0xffff) & ~FDFLAGS_NONBLOCK) fail(ERRNO_INVAL);
    ctx.mem.check(fdPtr, 4);
    const accepted = h.socket.accept(isNonblocking(h));
    ctx.mem.setU32(fdPtr, addSocket(ctx, accepted, flags));
    return ERRNO_SUCCESS;
  },

  sock_recv(ctx: SyscallContext, fd: number, riData: number, riDataLen: number, riFlags: number, roDataLenPtr: number, roFlagsPtr: number) {
    const h = ctx.fds.socket(fd, RIGHTS_FD_READ);
    ctx.mem.check(roDataLenPtr, 4);
    ctx.mem.check(roFlagsPtr, 2);
    const count = recvIntoIovecs(ctx, h, riData, riDataLen, riFlags & 0xffff);
    ctx.mem.setU32(roDataLenPtr, count);
    ctx.mem.setU16(roFlagsPtr, 0);
    return ERRNO_SUCCESS;
  },

  sock_send(ctx: SyscallContext, fd: number, siData: number, siDataLen: number, _siFlags: number, soDataLenPtr: number) {
    const h = ctx.fds.socket(fd, RIGHTS_FD_WRITE);
    ctx.mem.check(soDataLenPtr, 4);
    ctx.mem.setU32(soDataLenPtr, sendIovecs(ctx, h, siData, siDataLen));
    return ERRNO_SUCCESS;
  },

  sock_shutdown(ctx: SyscallContext, fd: number, how: number) {
    const h = ctx.fds.socket(fd, RIGHTS_SOCK_SHUTDOWN);
    const flags = how & 0xff;
    if (flags === 0 || flags & ~(SDFLAGS_RD | SDFLAGS_WR)) fail(ERRNO_INVAL);
    h.socket.shutdown((flags & SDFLAGS_RD) !== 0, (flags & SDFLAGS_WR) !== 0);
    return ERRNO_SUCCESS;
  },
} satisfies SyscallFamily;

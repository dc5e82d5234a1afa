// The WASIX socket calls (import module "wasix_32v1") with their published
// signatures, so programs written for WASIX sockets run unchanged:
// sock_open, sock_bind, sock_listen, sock_connect, sock_accept(_v2),
// sock_addr_local/peer, sock_status, sock_set/get_opt_flag/size/time, resolve.
//
// __wasi_addr_port_t (20 bytes): u8 family @0 (1 inet4, 2 inet6), 0 @1,
// u16 port @2 as a little-endian number (wasix-libc stores ntohs(sin_port)
// and probes which way a runtime answers: we answer the same way we read),
// address bytes @4 in network order. __wasi_addr_t (resolve): family @0,
// 0 @1, address @2 (18 bytes).
import { ipv4Bytes, ipv4FromBytes } from '../net/address';
import { STREAM_CAPACITY } from '../net/NetArena';
import type { Endpoint } from '../net/Stream';
import {
  ERRNO_AFNOSUPPORT, ERRNO_INVAL, ERRNO_NOTSUP, ERRNO_SUCCESS, FDFLAGS_NONBLOCK, RIGHTS_SOCK_ACCEPT,
} from './constants';
import type { SyscallContext, SyscallFamily } from './context';
import { fail } from './errors';
import { addSocket, isNonblocking } from './sock';

export const WASIX_MODULE = 'wasix_32v1';

const AF_INET4 = 1;
const AF_INET6 = 2;
const SOCKTYPE_UNKNOWN = 0;
const SOCKTYPE_STREAM = 1;
const SOCKTYPE_DGRAM = 2;
const ADDR_PORT_SIZE = 20;
const ADDR_SIZE = 18;

// Sockoption numbers (wasix Sockoption, repr u8).
const OPT_REUSE_PORT = 1;
const OPT_REUSE_ADDR = 2;
const OPT_NO_DELAY = 3;
const OPT_DONT_ROUTE = 4;
const OPT_ONLY_V6 = 5;
const OPT_BROADCAST = 6;
const OPT_KEEP_ALIVE = 12;
const OPT_LISTENING = 10;
const OPT_LAST_ERROR = 11;
const OPT_RECV_BUF_SIZE = 15;
const OPT_SEND_BUF_SIZE = 16;
const OPT_TYPE = 25;
const FLAG_OPTIONS = new Set([OPT_REUSE_PORT, OPT_REUSE_ADDR, OPT_NO_DELAY, OPT_DONT_ROUTE, OPT_ONLY_V6, OPT_BROADCAST, OPT_KEEP_ALIVE]);
const TIME_OPTIONS = new Set([13, 19, 20, 21, 22]); // linger, recv/send/connect/accept timeout

// Sockstatus.
const STATUS_OPENING = 0;
const STATUS_OPENED = 1;
const STATUS_CLOSED = 2;

function readEndpoint(ctx: SyscallContext, ptr: number): Endpoint {
  const mem = ctx.mem;
  mem.check(ptr, ADDR_PORT_SIZE);
  const family = mem.getU8(ptr);
  if (family !== AF_INET4) fail(family === AF_INET6 ? ERRNO_AFNOSUPPORT : ERRNO_INVAL);
  return { port: mem.getU16(ptr + 2), address: ipv4FromBytes(mem.bytes(ptr + 4, 4)) };
}

function writeEndpoint(ctx: SyscallContext, ptr: number, endpoint: Endpoint): void {
  const mem = ctx.mem;
  mem.check(ptr, ADDR_PORT_SIZE);
  mem.zero(ptr, ADDR_PORT_SIZE);
  mem.setU8(ptr, AF_INET4);
  mem.setU16(ptr + 2, endpoint.port);
  mem.bytes(ptr + 4, 4).set(ipv4Bytes(endpoint.address));
}

function stack(ctx: SyscallContext) {
  const sockets = ctx.options.sockets;
  if (!sockets) return fail(ERRNO_NOTSUP, 'this process has no network');
  return sockets;
}

export const wasixSocketSyscalls = {
  sock_open(ctx: SyscallContext, af: number, socktype: number, proto: number, fdPtr: number) {
    ctx.mem.check(fdPtr, 4);
    const family = af & 0xff;
    const type = socktype & 0xff;
    if (family !== AF_INET4 && family !== AF_INET6) fail(ERRNO_AFNOSUPPORT);
    if (type !== SOCKTYPE_STREAM && type !== SOCKTYPE_DGRAM && type !== SOCKTYPE_UNKNOWN) fail(ERRNO_INVAL);
    const protocol = proto & 0xffff;
    if (protocol !== 0 && protocol !== (type === SOCKTYPE_DGRAM ? 17 : 6)) fail(ERRNO_INVAL);
    const socket = stack(ctx).open(family === AF_INET4 ? 'inet4' : 'inet6', type === SOCKTYPE_DGRAM ? 'dgram' : 'stream');
    ctx.mem.setU32(fdPtr, addSocket(ctx, socket));
    return ERRNO_SUCCESS;
  },

  sock_bind(ctx: SyscallContext, fd: number, addrPtr: number) {
    const h = ctx.fds.socket(fd);
    h.socket.bind(readEndpoint(ctx, addrPtr));
    return ERRNO_SUCCESS;
  },

  sock_listen(ctx: SyscallContext, fd: number, backlog: number) {
    ctx.fds.socket(fd).socket.listen(backlog | 0);
    return ERRNO_SUCCESS;
  },

  sock_connect(ctx: SyscallContext, fd: number, addrPtr: number) {
    const h = ctx.fds.socket(fd);
    h.socket.connect(readEndpoint(ctx, addrPtr));
    return ERRNO_SUCCESS;
  },

  /** wasix_32v1's sock_accept is sock_accept_v2 (four parameters: the peer's address too). */
  sock_accept_v2(ctx: SyscallContext, fd: number, fdflags: number, fdPtr: number, addrPtr: number) {
    const h = ctx.fds.socket(fd, RIGHTS_SOCK_ACCEPT);
    if ((fdflags & 0xffff) & ~FDFLAGS_NONBLOCK) fail(ERRNO_INVAL);
    ctx.mem.check(fdPtr, 4);
    ctx.mem.check(addrPtr, ADDR_PORT_SIZE);
    const accepted = h.socket.accept(isNonblocking(h));
    const newFd = addSocket(ctx, accepted, fdflags);
    ctx.mem.setU32(fdPtr, newFd);
    writeEndpoint(ctx, addrPtr, accepted.remote());
    return ERRNO_SUCCESS;
  },

  sock_addr_local(ctx: SyscallContext, fd: number, addrPtr: number) {
    writeEndpoint(ctx, addrPtr, ctx.fds.socket(fd).socket.local());
    return ERRNO_SUCCESS;
  },

  sock_addr_peer(ctx: SyscallContext, fd: number, addrPtr: number) {
    const remote = ctx.fds.socket(fd).socket.remote();
    writeEndpoint(ctx, addrPtr, remote);
    return ERRNO_SUCCESS;
  },

  sock_status(ctx: SyscallContext, fd: number, statusPtr: number) {
    const socket = ctx.fds.socket(fd).socket;
    ctx.mem.check(statusPtr, 1);
    const status = socket.state === 'closed' ? STATUS_CLOSED : socket.state === 'fresh' ? STATUS_OPENING : STATUS_OPENED;
    ctx.mem.setU8(statusPtr, status);
    return ERRNO_SUCCESS;
  },

  sock_set_opt_flag(ctx: SyscallContext, fd: number, option: number, flag: number) {
    const socket = ctx.fds.socket(fd).socket;
    const opt = option & 0xff;
    if (!FLAG_OPTIONS.has(opt)) fail(ERRNO_INVAL);
    socket.flags.set(opt, (flag & 0xff) !== 0);
    return ERRNO_SUCCESS;
  },

  sock_get_opt_flag(ctx: SyscallContext, fd: number, option: number, flagPtr: number) {
    const socket = ctx.fds.socket(fd).socket;
    const opt = option & 0xff;
    ctx.mem.check(flagPtr, 1);
    if (opt === OPT_LISTENING) ctx.mem.setU8(flagPtr, socket.isListening ? 1 : 0);
    else if (FLAG_OPTIONS.has(opt)) ctx.mem.setU8(flagPtr, socket.flags.get(opt) ? 1 : 0);
    else fail(ERRNO_INVAL);
    return ERRNO_SUCCESS;
  },

  /** Buffer sizes are fixed (the stream rings); setting one is accepted and changes nothing. */
  sock_set_opt_size(ctx: SyscallContext, fd: number, option: number, _size: bigint) {
    ctx.fds.socket(fd);
    const opt = option & 0xff;
    if (opt !== OPT_RECV_BUF_SIZE && opt !== OPT_SEND_BUF_SIZE && opt !== 23 && opt !== 24) fail(ERRNO_INVAL);
    return ERRNO_SUCCESS;
  },

  sock_get_opt_size(ctx: SyscallContext, fd: number, option: number, sizePtr: number) {
    ctx.fds.socket(fd);
    const opt = option & 0xff;
    ctx.mem.check(sizePtr, 8);
    if (opt === OPT_RECV_BUF_SIZE || opt === OPT_SEND_BUF_SIZE) ctx.mem.setU64(sizePtr, BigInt(STREAM_CAPACITY));
    else if (opt === OPT_LAST_ERROR) ctx.mem.setU64(sizePtr, 0n); // connect completes or fails synchronously
    else if (opt === OPT_TYPE) ctx.mem.setU64(sizePtr, BigInt(SOCKTYPE_STREAM));
    else if (opt === 23 || opt === 24) ctx.mem.setU64(sizePtr, 64n);
    else fail(ERRNO_INVAL);
    return ERRNO_SUCCESS;
  },

  /** Timeouts and linger are accepted; blocking calls end by data, peer state or a signal. */
  sock_set_opt_time(ctx: SyscallContext, fd: number, option: number, _timePtr: number) {
    ctx.fds.socket(fd);
    if (!TIME_OPTIONS.has(option & 0xff)) fail(ERRNO_INVAL);
    return ERRNO_SUCCESS;
  },

  sock_get_opt_time(ctx: SyscallContext, fd: number, option: number, timePtr: number) {
    ctx.fds.socket(fd);
    if (!TIME_OPTIONS.has(option & 0xff)) fail(ERRNO_INVAL);
    ctx.mem.check(timePtr, 16);
    ctx.mem.zero(timePtr, 16); // OptionTimestamp: none
    return ERRNO_SUCCESS;
  },

  /**
   * Looks a name up as the container sees it (container names and aliases
   * on shared networks, localhost, dotted quads). An unknown name is success
   * with no addresses. A name has one address per container.
   */
  resolve(ctx: SyscallContext, hostPtr: number, hostLen: number, _port: number, addrsPtr: number, naddrs: number, countPtr: number) {
    const mem = ctx.mem;
    const name = new TextDecoder().decode(mem.bytes(hostPtr, hostLen >>> 0).slice());
    const max = naddrs >>> 0;
    mem.check(addrsPtr, max * ADDR_SIZE);
    mem.check(countPtr, 4);
    const addresses = stack(ctx).resolve(name).slice(0, max);
    addresses.forEach((address, i) => {
      const p = addrsPtr + i * ADDR_SIZE;
      mem.zero(p, ADDR_SIZE);
      mem.setU8(p, AF_INET4);
      mem.bytes(p + 2, 4).set(ipv4Bytes(address));
    });
    mem.setU32(countPtr, addresses.length);
    return ERRNO_SUCCESS;
  },
} satisfies SyscallFamily;

/** The wasix_32v1 imports, as the module names them (sock_accept is the v2 call there). */
export const WASIX_SOCKET_IMPORTS: Readonly<Record<string, keyof typeof wasixSocketSyscalls>> = {
  sock_open: 'sock_open',
  sock_bind: 'sock_bind',
  sock_listen: 'sock_listen',
  sock_connect: 'sock_connect',
  sock_accept: 'sock_accept_v2',
  sock_accept_v2: 'sock_accept_v2',
  sock_addr_local: 'sock_addr_local',
  sock_addr_peer: 'sock_addr_peer',
  sock_status: 'sock_status',
  sock_set_opt_flag: 'sock_set_opt_flag',
  sock_get_opt_flag: 'sock_get_opt_flag',
  sock_set_opt_size: 'sock_set_opt_size',
  sock_get_opt_size: 'sock_get_opt_size',
  sock_set_opt_time: 'sock_set_opt_time',
  sock_get_opt_time: 'sock_get_opt_time',
  resolve: 'resolve',
};

// sock_accept, sock_recv, sock_send, sock_shutdown. No socket handles exist
// yet: a bad fd is BADF, any other fd NOTSOCK.
import { ERRNO_NOTSOCK } from './constants';
import type { SyscallContext, SyscallFamily } from './context';
import { fail } from './errors';

function notSocket(ctx: SyscallContext, fd: number): never {
  ctx.fds.get(fd); // BADF when not open
  return fail(ERRNO_NOTSOCK);
}

export const sockSyscalls = {
  sock_accept: (ctx: SyscallContext, fd: number, _flags: number, _fdPtr: number) => notSocket(ctx, fd),
  sock_recv: (ctx: SyscallContext, fd: number, _riData: number, _riDataLen: number, _riFlags: number,
    _roDataLenPtr: number, _roFlagsPtr: number) => notSocket(ctx, fd),
  sock_send: (ctx: SyscallContext, fd: number, _siData: number, _siDataLen: number, _siFlags: number,
    _soDataLenPtr: number) => notSocket(ctx, fd),
  sock_shutdown: (ctx: SyscallContext, fd: number, _how: number) => notSocket(ctx, fd),
} satisfies SyscallFamily;

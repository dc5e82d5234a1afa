// args_get, args_sizes_get, environ_get, environ_sizes_get.
import { ERRNO_SUCCESS } from './constants';
import type { SyscallContext, SyscallFamily } from './context';
import { encodeUtf8 } from './memory';

function sizes(ctx: SyscallContext, list: readonly string[], countPtr: number, sizePtr: number): number {
  let size = 0;
  for (const s of list) size += encodeUtf8(s).length + 1;
  ctx.mem.setU32(countPtr, list.length);
  ctx.mem.setU32(sizePtr, size);
  return ERRNO_SUCCESS;
}

function get(ctx: SyscallContext, list: readonly string[], ptrsPtr: number, bufPtr: number): number {
  const mem = ctx.mem;
  let buf = bufPtr >>> 0;
  let ptrs = ptrsPtr >>> 0;
  for (const s of list) {
    const bytes = encodeUtf8(s);
    mem.setU32(ptrs, buf);
    mem.write(buf, bytes);
    mem.setU8(buf + bytes.length, 0);
    ptrs += 4;
    buf += bytes.length + 1;
  }
  return ERRNO_SUCCESS;
}

export const argsEnvSyscalls = {
  args_sizes_get: (ctx: SyscallContext, argcPtr: number, bufSizePtr: number) =>
    sizes(ctx, ctx.options.args, argcPtr, bufSizePtr),
  args_get: (ctx: SyscallContext, argvPtr: number, bufPtr: number) => get(ctx, ctx.options.args, argvPtr, bufPtr),
  environ_sizes_get: (ctx: SyscallContext, countPtr: number, bufSizePtr: number) =>
    sizes(ctx, ctx.options.env, countPtr, bufSizePtr),
  environ_get: (ctx: SyscallContext, environPtr: number, bufPtr: number) =>
    get(ctx, ctx.options.env, environPtr, bufPtr),
} satisfies SyscallFamily;

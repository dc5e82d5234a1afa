// random_get: fills guest memory from options.randomFill or crypto.getRandomValues
// (through a private buffer: getRandomValues rejects shared memory views and caps at 64 KiB).
import { ERRNO_SUCCESS } from './constants';
import type { SyscallContext, SyscallFamily } from './context';

const CHUNK = 65536;

export const randomSyscalls = {
  random_get(ctx: SyscallContext, bufPtr: number, bufLen: number) {
    const len = bufLen >>> 0;
    const base = ctx.mem.check(bufPtr, len);
    const fill = ctx.options.randomFill ?? ((dst: Uint8Array) => { globalThis.crypto.getRandomValues(dst as Uint8Array<ArrayBuffer>); });
    const tmp = new Uint8Array(Math.min(len, CHUNK));
    for (let off = 0; off < len; off += CHUNK) {
      const n = Math.min(CHUNK, len - off);
      const chunk = tmp.subarray(0, n);
      ctx.host(() => fill(chunk));
      ctx.mem.write(base + off, chunk);
    }
    return ERRNO_SUCCESS;
  },
} satisfies SyscallFamily;

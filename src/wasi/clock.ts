// clock_res_get, clock_time_get. Realtime from performance.timeOrigin +
// performance.now() (sub-millisecond), monotonic from performance.now() kept
// non-decreasing; the cputime clocks are approximated by time since process
// start (a worker has no CPU accounting).
import {
  CLOCKID_MONOTONIC, CLOCKID_PROCESS_CPUTIME_ID, CLOCKID_REALTIME, CLOCKID_THREAD_CPUTIME_ID, ERRNO_INVAL,
  ERRNO_SUCCESS,
} from './constants';
import type { SyscallContext, SyscallFamily } from './context';
import { fail } from './errors';

/** Resolution we claim for every clock: 1 µs (browsers coarsen performance.now further). */
export const CLOCK_RESOLUTION_NS = 1000n;

let lastMonotonic = 0n;

export function monotonicNs(): bigint {
  const t = BigInt(Math.floor(performance.now() * 1e6));
  if (t > lastMonotonic) lastMonotonic = t;
  return lastMonotonic;
}

export function realtimeNs(): bigint {
  const ms = performance.timeOrigin + performance.now();
  const whole = Math.floor(ms);
  return BigInt(whole) * 1_000_000n + BigInt(Math.floor((ms - whole) * 1e6));
}

/** The current time of clock `id` in ns; INVAL for an unknown clock. */
export function clockNow(ctx: SyscallContext, id: number): bigint {
  switch (id >>> 0) {
    case CLOCKID_REALTIME: return realtimeNs();
    case CLOCKID_MONOTONIC: return monotonicNs();
    case CLOCKID_PROCESS_CPUTIME_ID:
    case CLOCKID_THREAD_CPUTIME_ID: {
      const d = monotonicNs() - ctx.startNs;
      return d > 0n ? d : 0n;
    }
    default: return fail(ERRNO_INVAL, 'unknown clock id');
  }
}

export const clockSyscalls = {
  clock_res_get(ctx: SyscallContext, id: number, resPtr: number) {
    clockNow(ctx, id); // validates id
    ctx.mem.setU64(resPtr, CLOCK_RESOLUTION_NS);
    return ERRNO_SUCCESS;
  },
  clock_time_get(ctx: SyscallContext, id: number, _precision: bigint, timePtr: number) {
    ctx.mem.setU64(timePtr, clockNow(ctx, id));
    return ERRNO_SUCCESS;
  },
} satisfies SyscallFamily;

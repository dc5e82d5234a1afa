// proc_exit, proc_raise, sched_yield.
import { ERRNO_INVAL, ERRNO_SUCCESS, SIGNAL_NONE, SIGNAL_SYS } from './constants';
import type { SyscallContext, SyscallFamily } from './context';
import { defaultSignalAction, fail, ProcessKilled, ProcExit, wasiSignalToPosix } from './errors';

export const procSyscalls = {
  proc_exit(_ctx: SyscallContext, code: number): number {
    throw new ProcExit(code >>> 0);
  },

  /** Default actions only (a guest cannot install handlers in preview1): most signals terminate (128+N), CHLD/CONT/URG/WINCH and the stop signals are ignored. */
  proc_raise(_ctx: SyscallContext, sig: number) {
    const s = sig & 0xff;
    if (s === SIGNAL_NONE) return ERRNO_SUCCESS;
    if (s > SIGNAL_SYS) fail(ERRNO_INVAL);
    if (defaultSignalAction(s) === 'ignore') return ERRNO_SUCCESS;
    throw new ProcessKilled(wasiSignalToPosix(s)!, `raised signal ${wasiSignalToPosix(s)}`);
  },

  sched_yield(_ctx: SyscallContext) {
    return ERRNO_SUCCESS; // signals were checked on entry
  },
} satisfies SyscallFamily;

// What every syscall implementation receives: the process's options, its
// handle table and its guest memory.
import type { WasiOptions } from './host';
import type { HandleTable } from './HandleTable';
import type { GuestMemory } from './memory';

export interface SyscallContext {
  readonly options: WasiOptions;
  readonly fds: HandleTable;
  /** Guest memory (a trap if the instance is not attached yet). */
  readonly mem: GuestMemory;
  /**
   * Runs a host callback (streams, waiter, checkSignals): whatever it throws
   * passes through to the host untouched instead of becoming an errno.
   */
  host<T>(fn: () => T): T;
  /** Monotonic time at process start, ns (for the cputime clocks). */
  readonly startNs: bigint;
}

/** One syscall: arguments as the wasm ABI delivers them (i32 → number, i64 → bigint); returns an errno. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Syscall = (ctx: SyscallContext, ...args: any[]) => number | void;
export type SyscallFamily = Record<string, Syscall>;

/** Wraps an exception from a host callback so the dispatcher rethrows it as is. */
export class HostPassthrough {
  constructor(readonly error: unknown) {}
}

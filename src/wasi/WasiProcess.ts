// One WASI preview1 process: its handle table, its imports, and run().
import { argsEnvSyscalls } from './args_env';
import { clockSyscalls, monotonicNs } from './clock';
import {
  RIGHTS_DIRECTORY_BASE, RIGHTS_DIRECTORY_INHERITING, RIGHTS_STDIN_BASE, RIGHTS_STDOUT_BASE,
} from './constants';
import { HostPassthrough, type Syscall, type SyscallContext } from './context';
import { fsErrorToErrno } from './errno';
import { ProcessKilled, ProcExit, SyscallError, WasiHostTrap } from './errors';
import { fdIoSyscalls } from './fd_io';
import { fdMetaSyscalls } from './fd_meta';
import { HandleTable } from './HandleTable';
import type { WasiOptions } from './host';
import { GuestMemory } from './memory';
import { pathSyscalls } from './path';
import { pollSyscalls } from './poll';
import { procSyscalls } from './proc';
import { randomSyscalls } from './random';
import { sockSyscalls } from './sock';

const SYSCALLS = {
  ...argsEnvSyscalls,
  ...clockSyscalls,
  ...randomSyscalls,
  ...fdIoSyscalls,
  ...fdMetaSyscalls,
  ...pathSyscalls,
  ...pollSyscalls,
  ...procSyscalls,
  ...sockSyscalls,
} as const satisfies Record<string, Syscall>;

export type WasiFunctionName = keyof typeof SYSCALLS;

/** Every wasi_snapshot_preview1 import this module provides (all 46 of the witx). */
export const WASI_PREVIEW1_FUNCTIONS: readonly WasiFunctionName[] = Object.freeze(
  Object.keys(SYSCALLS).sort() as WasiFunctionName[],
);

export const WASI_PREVIEW1_MODULE = 'wasi_snapshot_preview1';

export class WasiProcess {
  readonly imports: WebAssembly.Imports;
  private readonly fds = new HandleTable();
  private memory: GuestMemory | undefined;

  constructor(private readonly options: WasiOptions) {
    const fds = this.fds;
    fds.add({ type: 'input', stream: options.stdin, rightsBase: RIGHTS_STDIN_BASE, rightsInheriting: 0n, fdflags: 0 });
    fds.add({ type: 'output', stream: options.stdout, rightsBase: RIGHTS_STDOUT_BASE, rightsInheriting: 0n, fdflags: 0 });
    fds.add({ type: 'output', stream: options.stderr, rightsBase: RIGHTS_STDOUT_BASE, rightsInheriting: 0n, fdflags: 0 });
    for (const p of options.preopens) {
      fds.add({
        type: 'directory', dir: p.dir, preopenPath: p.guestPath,
        rightsBase: RIGHTS_DIRECTORY_BASE, rightsInheriting: RIGHTS_DIRECTORY_INHERITING, fdflags: 0,
      });
    }

    const self = this;
    const ctx: SyscallContext = {
      options,
      fds,
      get mem(): GuestMemory {
        if (!self.memory) throw new WebAssembly.RuntimeError('wasi: guest memory is not attached');
        return self.memory;
      },
      host<T>(fn: () => T): T {
        try {
          return fn();
        } catch (error) {
          throw error instanceof HostPassthrough ? error : new HostPassthrough(error);
        }
      },
      startNs: monotonicNs(),
    };

    const table: Record<string, (...args: unknown[]) => number> = {};
    for (const name of WASI_PREVIEW1_FUNCTIONS) {
      const impl = SYSCALLS[name] as Syscall;
      table[name] = (...args: unknown[]): number => {
        try {
          ctx.host(options.checkSignals);
          return impl(ctx, ...args) ?? 0;
        } catch (error) {
          return settle(name, error);
        }
      };
    }
    this.imports = { [WASI_PREVIEW1_MODULE]: table };
  }

  /** Binds guest memory (done by run; call it yourself for a reactor or to call imports directly). */
  attach(target: WebAssembly.Instance | WebAssembly.Memory): void {
    const memory = target instanceof WebAssembly.Memory ? target : target.exports.memory;
    if (!(memory instanceof WebAssembly.Memory)) throw new TypeError('wasi: the module exports no memory');
    this.memory = new GuestMemory(memory);
  }

  /**
   * Calls `_start`. Returns 0 when it returns, proc_exit's code when the guest
   * exits. Traps (WebAssembly.RuntimeError), ProcessKilled and anything the
   * host callbacks throw propagate.
   */
  run(instance: WebAssembly.Instance): number {
    this.attach(instance);
    const start = instance.exports._start;
    if (typeof start !== 'function') throw new TypeError('wasi: the module exports no _start');
    try {
      (start as () => unknown)();
      return 0;
    } catch (error) {
      if (error instanceof ProcExit) return error.code;
      throw error;
    }
  }
}

/** Turns what a syscall threw into its result: an errno, or a rethrow (exit, kill, trap, host exception). */
function settle(name: string, error: unknown): number {
  if (error instanceof HostPassthrough) throw error.error;
  if (error instanceof SyscallError) return error.errno;
  const errno = fsErrorToErrno(error);
  if (errno !== undefined) return errno;
  if (error instanceof WebAssembly.RuntimeError || error instanceof ProcExit || error instanceof ProcessKilled) {
    throw error;
  }
  throw new WasiHostTrap(name, error);
}

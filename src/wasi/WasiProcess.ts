// One WASI preview1 process: its handle table, its imports, and run().
import { argsEnvSyscalls } from './args_env';
import { clockSyscalls, monotonicNs } from './clock';
import {
  RIGHTS_DIRECTORY_BASE, RIGHTS_DIRECTORY_INHERITING, RIGHTS_STDIN_BASE, RIGHTS_STDOUT_BASE,
} from './constants';
import { HostPassthrough, type Syscall, type SyscallContext } from './context';
import { fsErrorToErrno, netErrorToErrno } from './errno';
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
import { addSocket, sockSyscalls } from './sock';
import { WASIX_MODULE, WASIX_SOCKET_IMPORTS, wasixSocketSyscalls } from './sock_wasix';

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

/** The WASIX socket imports this module provides (module wasix_32v1). */
export const WASIX_SOCKET_FUNCTIONS: readonly string[] = Object.freeze([...Object.keys(WASIX_SOCKET_IMPORTS), 'sock_recv', 'sock_send', 'sock_shutdown'].sort());
export { WASIX_MODULE };

export class WasiProcess {
  readonly imports: WebAssembly.Imports;
  private readonly fds: HandleTable;
  private memory: GuestMemory | undefined;

  constructor(private readonly options: WasiOptions) {
    const fds = this.fds = new HandleTable(options.maxFds, options.onOpenFiles);
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

    for (const listener of options.listeners ?? []) addSocket(ctx, listener);

    const dispatch = (name: string, impl: Syscall) => (...args: unknown[]): number => {
      try {
        ctx.host(options.checkSignals);
        return impl(ctx, ...args) ?? 0;
      } catch (error) {
        return settle(name, error);
      }
    };
    const table: Record<string, (...args: unknown[]) => number> = {};
    for (const name of WASI_PREVIEW1_FUNCTIONS) table[name] = dispatch(name, SYSCALLS[name] as Syscall);
    const wasix: Record<string, (...args: unknown[]) => number> = {};
    for (const [name, implName] of Object.entries(WASIX_SOCKET_IMPORTS)) wasix[name] = dispatch(name, wasixSocketSyscalls[implName] as Syscall);
    for (const name of ['sock_recv', 'sock_send', 'sock_shutdown'] as const) wasix[name] = table[name]!;
    this.imports = { [WASI_PREVIEW1_MODULE]: table, [WASIX_MODULE]: wasix };
  }

  /**
   * Closes the process's sockets (its peers see the connection end, its
   * listeners stop taking connections). Runtimes call it when the process
   * has ended, however it ended; `abort` when it died (killed, trapped):
   * its connections are reset instead of ended in order.
   */
  closeSockets(abort = false): void {
    for (const [fd, handle] of [...this.fds.entries()]) {
      if (handle.type !== 'socket') continue;
      this.fds.close(fd);
      try {
        handle.socket.close(abort);
      } catch {
        // the network is already gone
      }
    }
  }

  /** Binds guest memory (done by run; call it yourself for a reactor or to call imports directly). */
  /**
   * Binds a plain buffer as guest memory, to run the syscall code without a
   * wasm instance (a worker's warm-up: a WebAssembly.Memory would count
   * against the renderer's budget until collected).
   */
  attachBuffer(buffer: ArrayBuffer): void {
    this.memory = new GuestMemory({ buffer });
  }

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
  const errno = fsErrorToErrno(error) ?? netErrorToErrno(error);
  if (errno !== undefined) return errno;
  if (error instanceof WebAssembly.RuntimeError || error instanceof ProcExit || error instanceof ProcessKilled) {
    throw error;
  }
  throw new WasiHostTrap(name, error);
}

// The three ways a syscall can end besides success:
//  - an errno returned to the guest (SyscallError, internal to src/wasi);
//  - the process stops: ProcExit (proc_exit) or ProcessKilled (a signal);
//  - a trap: a WebAssembly.RuntimeError, which the host classifies.

import {
  SIGNAL_ABRT, SIGNAL_ALRM, SIGNAL_BUS, SIGNAL_CHLD, SIGNAL_CONT, SIGNAL_FPE, SIGNAL_HUP, SIGNAL_ILL,
  SIGNAL_INT, SIGNAL_KILL, SIGNAL_PIPE, SIGNAL_POLL, SIGNAL_PROF, SIGNAL_PWR, SIGNAL_QUIT, SIGNAL_SEGV,
  SIGNAL_STOP, SIGNAL_SYS, SIGNAL_TERM, SIGNAL_TRAP, SIGNAL_TSTP, SIGNAL_TTIN, SIGNAL_TTOU, SIGNAL_URG,
  SIGNAL_USR1, SIGNAL_USR2, SIGNAL_VTALRM, SIGNAL_WINCH, SIGNAL_XCPU, SIGNAL_XFSZ,
} from './constants';

/** Thrown by proc_exit; unwinds the guest. WasiProcess.run returns `code`. */
export class ProcExit extends Error {
  override readonly name = 'ProcExit';
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/**
 * The process was terminated by a signal (thrown by the host's checkSignals,
 * or by proc_raise for a signal whose default action terminates).
 * `signal` is the POSIX/Linux signal number (SIGINT = 2, SIGKILL = 9,
 * SIGTERM = 15, SIGCHLD = 17, ...); `exitCode` is 128 + signal, as a shell reports it.
 */
export class ProcessKilled extends Error {
  override readonly name = 'ProcessKilled';
  readonly exitCode: number;
  constructor(readonly signal: number, message?: string) {
    super(message ?? `killed by signal ${signal}`);
    this.exitCode = 128 + signal;
  }
}

/** An errno for the guest, thrown inside a syscall implementation and caught by the dispatcher. */
export class SyscallError extends Error {
  override readonly name = 'SyscallError';
  constructor(readonly errno: number, message?: string) {
    super(message ?? `errno ${errno}`);
  }
}

/** Throws SyscallError(errno). */
export function fail(errno: number, message?: string): never {
  throw new SyscallError(errno, message);
}

/**
 * A bug in the host side of a syscall (an unexpected JS exception): surfaced
 * as a trap so nothing but RuntimeError/ProcExit/ProcessKilled reaches the host.
 */
export class WasiHostTrap extends WebAssembly.RuntimeError {
  constructor(readonly syscall: string, override readonly cause: unknown) {
    super(`wasi ${syscall}: host error: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'WasiHostTrap';
  }
}

/** WASI signal numbers → POSIX (Linux) numbers. WASI lacks SIGSTKFLT, so from SIGCHLD on they differ by one. */
const WASI_TO_POSIX: Record<number, number> = {
  [SIGNAL_HUP]: 1, [SIGNAL_INT]: 2, [SIGNAL_QUIT]: 3, [SIGNAL_ILL]: 4, [SIGNAL_TRAP]: 5,
  [SIGNAL_ABRT]: 6, [SIGNAL_BUS]: 7, [SIGNAL_FPE]: 8, [SIGNAL_KILL]: 9, [SIGNAL_USR1]: 10,
  [SIGNAL_SEGV]: 11, [SIGNAL_USR2]: 12, [SIGNAL_PIPE]: 13, [SIGNAL_ALRM]: 14, [SIGNAL_TERM]: 15,
  [SIGNAL_CHLD]: 17, [SIGNAL_CONT]: 18, [SIGNAL_STOP]: 19, [SIGNAL_TSTP]: 20, [SIGNAL_TTIN]: 21,
  [SIGNAL_TTOU]: 22, [SIGNAL_URG]: 23, [SIGNAL_XCPU]: 24, [SIGNAL_XFSZ]: 25, [SIGNAL_VTALRM]: 26,
  [SIGNAL_PROF]: 27, [SIGNAL_WINCH]: 28, [SIGNAL_POLL]: 29, [SIGNAL_PWR]: 30, [SIGNAL_SYS]: 31,
};

export function wasiSignalToPosix(signal: number): number | undefined {
  return WASI_TO_POSIX[signal];
}

/** Default action of a WASI signal: 'ignore' (CHLD, CONT, URG, WINCH; and the stop signals, which cannot stop a worker), else 'terminate'. */
export function defaultSignalAction(signal: number): 'ignore' | 'terminate' {
  switch (signal) {
    case SIGNAL_CHLD: case SIGNAL_CONT: case SIGNAL_URG: case SIGNAL_WINCH:
    case SIGNAL_STOP: case SIGNAL_TSTP: case SIGNAL_TTIN: case SIGNAL_TTOU:
      return 'ignore';
    default:
      return 'terminate';
  }
}

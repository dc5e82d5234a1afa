// What a WASI process needs from the runtime that hosts it (src/workers).
// The WASI layer itself is synchronous: a guest call runs to completion on
// the worker's thread, so anything that waits (stdin, poll_oneoff, sleep)
// blocks here through these interfaces (Atomics.wait on shared memory).

import type { FsDirectory } from '../fs/types';
import type { Socket, SocketStack } from '../net/SocketStack';

/** A byte source the guest reads, e.g. stdin. */
export interface InputStream {
  /**
   * Copies available bytes into dst and returns the count. Blocks until at
   * least one byte or end of input is available; returns 0 at end of input.
   * May throw ProcessInterrupt (via the host) when a signal arrives while waiting.
   */
  read(dst: Uint8Array): number;
  /** True when a read would not block (data buffered or end of input). */
  readable(): boolean;
  /** Bytes a read would return without blocking (for poll_oneoff's nbytes). */
  available(): number;
  /** True if this stream is a terminal (fd_fdstat_get reports character_device). */
  readonly isTerminal: boolean;
}

/** A byte sink the guest writes, e.g. stdout/stderr. */
export interface OutputStream {
  /** Takes a copy of the bytes (the view is into guest memory); returns the count accepted. */
  write(bytes: Uint8Array): number;
  readonly isTerminal: boolean;
}

/** Waiting and wake-ups, backed by shared memory in the worker. */
export interface Waiter {
  /**
   * Blocks the thread until something may have changed (input arrived, a
   * signal was sent) or `timeoutMs` passed; Infinity waits forever.
   * Returns after every wake-up: callers re-check their condition.
   */
  wait(timeoutMs: number): void;
}

export interface Preopen {
  /** The path the guest sees (fd_prestat_dir_name), e.g. '/'. */
  readonly guestPath: string;
  readonly dir: FsDirectory;
}

export interface WasiOptions {
  readonly args: readonly string[];
  /** 'KEY=VALUE' strings, in order. */
  readonly env: readonly string[];
  /** Directories granted to the guest, numbered from fd 3 in order. */
  readonly preopens: readonly Preopen[];
  readonly stdin: InputStream;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly waiter: Waiter;
  /**
   * Called at the start of every syscall. Throws (e.g. a ProcessKilled from
   * src/wasi/errors) when the process must stop now; it unwinds the guest.
   */
  readonly checkSignals: () => void;
  /**
   * The process's open-file limit (`ulimit -n`): fd numbers stay below it,
   * so an open past it fails with EMFILE. Default: MAX_FDS (HandleTable).
   */
  readonly maxFds?: number;
  /** Hears the number of open descriptors after every change (the runtime publishes it for stats). */
  readonly onOpenFiles?: (count: number) => void;
  /** The container's network, for the socket calls; without it they fail with NOTSUP. */
  readonly sockets?: SocketStack;
  /**
   * Listening sockets the runtime opened for the program (as wasmtime's
   * --tcplisten), numbered after the preopened directories.
   */
  readonly listeners?: readonly Socket[];
  /** Fills `dst` with cryptographically secure random bytes. Default: crypto.getRandomValues. */
  readonly randomFill?: (dst: Uint8Array) => void;
}

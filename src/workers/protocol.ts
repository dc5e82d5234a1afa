// Messages between the supervisor (src/kernel) and a container worker.
// Requests go through comlink (ContainerWorkerApi); the hot path, the
// process's output and its exit, is posted directly on the same port so
// that output always arrives before the exit that follows it.

import type { FsLimits, LayerEntry } from '../fs/types';

export const PROTOCOL_VERSION = 1;

/** Everything a fresh worker needs to become one container. */
export interface AttachSpec {
  readonly version: typeof PROTOCOL_VERSION;
  readonly containerId: string;
  /** The ControlBlock's memory (signals, wake-ups, stdin ring). */
  readonly control: SharedArrayBuffer;
  /** The FileMailbox's memory: file access from outside while a program runs. */
  readonly mailbox: SharedArrayBuffer;
  /** Read-only image layers, bottom first; file data are views into shared memory. */
  readonly layers: ReadonlyArray<{ readonly digest: string; readonly entries: readonly LayerEntry[] }>;
  /** Files written into the writable layer before the first start. */
  readonly files: ReadonlyArray<{ readonly path: string; readonly data: Uint8Array; readonly mode?: number }>;
  /** Directories created in the writable layer before the first start. */
  readonly directories: readonly string[];
  /** Quotas of the writable layer (ContainerOptions.disk); they apply after the set-up files. */
  readonly limits?: FsLimits;
  /** Limits of the container's processes (ContainerOptions.pids and .fds). */
  readonly processLimits?: ProcessLimits;
  /** Where the worker publishes what its writable layer holds, for the supervisor's stats (UsageGauges). */
  readonly gauges?: SharedArrayBuffer;
  /** Present stdin/stdout as a terminal. */
  readonly tty: boolean;
  /** The container's hostname, written to /etc/hostname. */
  readonly hostname: string;
  /** A port on which the supervisor exposes KernelServices (comlink). */
  readonly services: MessagePort;
  /** The host's network arena, this container's doorbell in it, and its port to the network control plane. */
  readonly net: { readonly arena: SharedArrayBuffer; readonly bell: number; readonly port: MessagePort };
}

export interface ProcessLimits {
  /** Processes at once (the cgroup pids.max); proc_spawn and the shell's fork fail with EAGAIN past it. */
  readonly pids: number;
  /** Open descriptors per process (ulimit -n); opening past it fails with EMFILE. */
  readonly fds: number;
}

/** One `exec` into a running container. */
export interface ExecSpec {
  /** The session's terminal number (> 0), unique in the container. */
  readonly terminal: number;
  readonly argv: readonly string[];
  readonly env: readonly string[];
  readonly cwd: string;
  readonly tty: boolean;
  /** The session's ControlBlock: its stdin ring, Ctrl-D, Ctrl-C, size, and signals for the program. */
  readonly control: SharedArrayBuffer;
}

/** What a container worker may ask of the supervisor. */
export interface KernelServices {
  /** The compiled program of another image (e.g. `#!flotilla:program ruby`), compiled once per runtime. */
  loadImageProgram(image: string): Promise<{ module: WebAssembly.Module; driver?: 'ruby' }>;
  /**
   * A WASI program from the container's files, by the sha-256 of its bytes:
   * instrumented, capped at the container's memory limit and compiled once
   * per runtime, so every container of an image shares its compiled
   * programs. Rejects what the runtime cannot run (invalid wasm, imports
   * it does not provide, more memory at start than the limit).
   */
  compileProgram(sha256: string, bytes: Uint8Array): Promise<WebAssembly.Module>;
}

/** What a container's main process is. */
export type InitProgram =
  /** A WASI command, run on the container worker's own thread (the fast path). */
  | { readonly kind: 'wasm'; readonly module: WebAssembly.Module; readonly driver?: 'ruby' }
  /** Flotilla's built-in shell (`#!flotilla:sh`), run on the worker's event loop; its programs get process workers. */
  | { readonly kind: 'shell' };

/** One run of a program inside the attached container. */
export interface ProcessSpec {
  readonly runId: number;
  readonly program: InitProgram;
  readonly args: readonly string[];
  readonly env: readonly string[];
  /** Guest directories granted as preopens, in fd order from 3 ('/' first). */
  readonly preopens: readonly string[];
  /** Working directory (PWD) of the main process. */
  readonly cwd: string;
  /** The linear-memory cap in 64 KiB pages, when the runtime set one (out-of-memory detection). */
  readonly memoryLimitPages?: number;
  /** Ports to listen on for the program before it starts (pre-opened sockets after the preopens). */
  readonly listen?: readonly number[];
}

/** How a process ended, as seen inside the worker. */
export type ProcessExit =
  | { readonly kind: 'exit'; readonly code: number }
  | { readonly kind: 'signal'; readonly signal: number }
  | { readonly kind: 'trap'; readonly message: string; readonly stack?: string; readonly outOfMemory: boolean }
  | { readonly kind: 'error'; readonly message: string };

export type WorkerMessage =
  | { readonly flotilla: typeof PROTOCOL_VERSION; readonly type: 'ready'; readonly runId: 0 }
  /** `terminal`: absent or 0 for the container's own output (its log), else an exec session's. */
  | { readonly flotilla: typeof PROTOCOL_VERSION; readonly type: 'output'; readonly runId: number; readonly fd: 1 | 2; readonly data: Uint8Array; readonly terminal?: number }
  | { readonly flotilla: typeof PROTOCOL_VERSION; readonly type: 'stdin-space'; readonly runId: number }
  /**
   * A process of the run started (for stats): `control` is the block where it publishes its
   * memory, blocked time and open fds; absent for the shell, which runs as TypeScript.
   */
  | { readonly flotilla: typeof PROTOCOL_VERSION; readonly type: 'process'; readonly runId: number; readonly pid: number; readonly startedAt: number; readonly control?: SharedArrayBuffer }
  | { readonly flotilla: typeof PROTOCOL_VERSION; readonly type: 'process-exit'; readonly runId: number; readonly pid: number; readonly endedAt: number }
  | { readonly flotilla: typeof PROTOCOL_VERSION; readonly type: 'exit'; readonly runId: number; readonly exit: ProcessExit };

/** The worker's RPC surface, exposed with comlink. File access goes through FileMailbox instead. */
export interface ContainerWorkerApi {
  attach(spec: AttachSpec): void;
  /** Starts a process; its output and exit arrive as WorkerMessages. Resolves when it has ended. */
  run(spec: ProcessSpec): void | Promise<void>;
  /** Runs the start path once on nothing, so the first real start does not pay for compiling it. */
  warm(): void;
  /** Completions from the shell that owns a terminal (0: the container's own; else an exec session). */
  complete(line: string, cursor: number, terminal?: number): Promise<string[]>;
  /** Runs a program in the running container on a terminal of its own (docker exec); resolves with its status. */
  exec(spec: ExecSpec): Promise<number>;
}

/** Checks the shape of a message from a worker before the supervisor trusts it. */
export function isWorkerMessage(data: unknown): data is WorkerMessage {
  if (typeof data !== 'object' || data === null) return false;
  const message = data as { flotilla?: unknown; type?: unknown; runId?: unknown };
  return message.flotilla === PROTOCOL_VERSION && typeof message.type === 'string' && typeof message.runId === 'number';
}

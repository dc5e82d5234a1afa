// Messages between a container's kernel (in the container worker) and one
// of its process workers. A process worker runs one guest program whose
// file system is the container's, reached through RemoteFs.

export const PROCESS_PROTOCOL_VERSION = 1;

/** Where one of a process's standard streams goes. */
export type StdioDescriptor =
  /** One end of a kernel Pipe (see kernel/Pipe.ts); the kernel holds the reference for the process. */
  | { readonly kind: 'pipe'; readonly buffer: SharedArrayBuffer; readonly end: 'read' | 'write' }
  /** The stdin of the process's terminal: the container's own (terminal 0) or an exec session's. */
  | { readonly kind: 'container-in'; readonly terminal: number }
  /** The stdout or stderr of the process's terminal (terminal 0: the container's log). */
  | { readonly kind: 'container-out'; readonly terminal: number; readonly fd: 1 | 2 }
  | { readonly kind: 'null' };

export interface ProcessWorkerSpec {
  readonly version: typeof PROCESS_PROTOCOL_VERSION;
  readonly pid: number;
  readonly module: WebAssembly.Module;
  readonly argv: readonly string[];
  readonly env: readonly string[];
  /** Channel of the container's file-system server (RemoteFs). */
  readonly fsChannel: import('../fsRpc/FsRpcHub').FsRpcEndpoint;
  /** The channel of the process's calls to its kernel (proc_spawn, proc_wait, proc_kill). */
  readonly kernelCalls: SharedArrayBuffer;
  /** This process's ControlBlock: its signals. */
  readonly control: SharedArrayBuffer;
  /** The ControlBlock of the process's terminal: its stdin ring and size. */
  readonly terminalControl: SharedArrayBuffer;
  readonly stdio: readonly [StdioDescriptor, StdioDescriptor, StdioDescriptor];
  /** Whether the process's terminal is a terminal (not plain stdin/stdout). */
  readonly tty: boolean;
  /** The container's own ControlBlock: its quotas (memory, CPU time, cpus share) and the run's CPU totals. */
  readonly quota?: SharedArrayBuffer;
  /** Runs a WASI reactor through a language driver instead of calling _start. */
  readonly driver?: 'ruby';
  /** The process's open-file limit (ulimit -n): opening past it fails with EMFILE. */
  readonly fdLimit?: number;
  /** The container's network arena, its doorbell, and this process's port to the network control plane. */
  readonly net?: { readonly arena: SharedArrayBuffer; readonly bell: number; readonly port: MessagePort };
}

export type ProcessWorkerRequest = { readonly type: 'run'; readonly spec: ProcessWorkerSpec };

export type ProcessWorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'output'; readonly pid: number; readonly fd: 1 | 2; readonly data: Uint8Array }
  | { readonly type: 'exit'; readonly pid: number; readonly exit: import('../protocol').ProcessExit };

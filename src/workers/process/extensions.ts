// Flotilla's documented WASI extensions (docs/PROC.md, module flotilla_v1)
// as seen from a process worker: process calls go to the container kernel
// through a KernelCallClient; the terminal size is in the container's
// ControlBlock.

import type { ControlBlock } from '../ControlBlock';
import { KernelCallClient, type KernelAnswer } from '../kernel/KernelCalls';

// WASI errno values (wasi_snapshot_preview1 typenames.witx).
const ERRNO = { SUCCESS: 0, ACCES: 2, AGAIN: 6, CHILD: 12, FAULT: 21, INVAL: 28, IO: 29, NOENT: 44, NOEXEC: 45, NOSYS: 52, NOTTY: 59, SRCH: 71 } as const;

export interface ExtensionContext {
  readonly pid: number;
  /** The guest's memory, once instantiated. */
  readonly memory: () => WebAssembly.Memory | undefined;
  readonly containerControl: ControlBlock;
  /** Absent for a program running alone on the container worker's thread (it imports no proc_* call but getpid). */
  readonly kernelCalls?: SharedArrayBuffer;
  /** Throws to end the process when a terminating signal is pending. */
  readonly check: () => void;
}

export function flotillaExtensions(context: ExtensionContext): Record<string, (...args: number[]) => number> {
  const client = context.kernelCalls ? new KernelCallClient(context.kernelCalls) : undefined;
  const view = (): DataView | undefined => {
    const memory = context.memory();
    return memory ? new DataView(memory.buffer) : undefined;
  };
  const inBounds = (pointer: number, length: number): boolean => {
    const memory = context.memory();
    return !!memory && pointer >= 0 && length >= 0 && pointer + length <= memory.buffer.byteLength;
  };
  const writeU32 = (pointer: number, value: number): boolean => {
    if (!inBounds(pointer >>> 0, 4)) return false;
    view()!.setUint32(pointer >>> 0, value >>> 0, true);
    return true;
  };
  /** A buffer of NUL-terminated strings. */
  const readStrings = (pointer: number, length: number): string[] | undefined => {
    if (!inBounds(pointer >>> 0, length >>> 0)) return undefined;
    const bytes = new Uint8Array(context.memory()!.buffer, pointer >>> 0, length >>> 0).slice();
    const text = new TextDecoder().decode(bytes);
    return text.split('\0').slice(0, text.endsWith('\0') ? -1 : undefined);
  };
  const answer = (result: KernelAnswer, out?: number): number => {
    if (!result.ok) return errnoOf(result.code);
    if (out !== undefined && !writeU32(out, result.value)) return ERRNO.FAULT;
    return ERRNO.SUCCESS;
  };
  return {
    proc_getpid: (pidOut) => (writeU32(pidOut, context.pid) ? ERRNO.SUCCESS : ERRNO.FAULT),
    tty_get_size: (fd, columnsOut, rowsOut) => {
      const size = context.containerControl.terminalSize();
      if (!size || fd < 0 || fd > 2) return ERRNO.NOTTY;
      return writeU32(columnsOut, size.columns) && writeU32(rowsOut, size.rows) ? ERRNO.SUCCESS : ERRNO.FAULT;
    },
    proc_spawn: (argvBuf, argvLen, envBuf, envLen, cwdPtr, cwdLen, pidOut) => {
      context.check();
      const argv = readStrings(argvBuf, argvLen);
      const env = readStrings(envBuf, envLen);
      const cwd = readStrings(cwdPtr, cwdLen);
      if (!argv || !env || !cwd) return ERRNO.FAULT;
      if (argv.length === 0) return ERRNO.INVAL;
      if (!inBounds(pidOut >>> 0, 4)) return ERRNO.FAULT;
      if (!client) return ERRNO.NOSYS;
      return answer(client.call({ op: 'spawn', argv, env, cwd: cwd.join('') || '/' }, context.check), pidOut);
    },
    proc_wait: (pid, statusOut) => {
      context.check();
      if (!inBounds(statusOut >>> 0, 4)) return ERRNO.FAULT;
      if (!client) return ERRNO.NOSYS;
      return answer(client.call({ op: 'wait', pid }, context.check), statusOut);
    },
    proc_kill: (pid, signal) => {
      context.check();
      if (signal < 0 || signal > 64) return ERRNO.INVAL;
      if (!client) return ERRNO.NOSYS;
      return answer(client.call({ op: 'kill', pid, signal }, context.check));
    },
  };
}

function errnoOf(code: string): number {
  switch (code) {
    case 'ENOENT': return ERRNO.NOENT;
    case 'ENOEXEC': return ERRNO.NOEXEC;
    case 'EACCES': return ERRNO.ACCES;
    case 'EAGAIN': return ERRNO.AGAIN;
    case 'ESRCH': return ERRNO.SRCH;
    case 'ECHILD': return ERRNO.CHILD;
    case 'EINVAL': return ERRNO.INVAL;
    default: return ERRNO.IO;
  }
}

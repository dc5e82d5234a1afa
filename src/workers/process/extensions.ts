// Flotilla's documented WASI extensions (docs/PROC.md, module flotilla_v1)
// as seen from a process worker.

import type { ControlBlock } from '../ControlBlock';

const ERRNO_SUCCESS = 0;
const ERRNO_FAULT = 21;
const ERRNO_NOSYS = 52;
const ERRNO_NOTTY = 59;

export interface ExtensionContext {
  readonly pid: number;
  /** The guest's memory, once instantiated. */
  readonly memory: () => WebAssembly.Memory | undefined;
  readonly containerControl: ControlBlock;
}

export function flotillaExtensions(context: ExtensionContext): Record<string, (...args: number[]) => number> {
  const writeU32 = (pointer: number, value: number): boolean => {
    const memory = context.memory();
    if (!memory || pointer < 0 || pointer + 4 > memory.buffer.byteLength) return false;
    new DataView(memory.buffer).setUint32(pointer, value >>> 0, true);
    return true;
  };
  return {
    proc_getpid: (pidOut) => (writeU32(pidOut, context.pid) ? ERRNO_SUCCESS : ERRNO_FAULT),
    tty_get_size: (fd, columnsOut, rowsOut) => {
      const size = context.containerControl.terminalSize();
      if (!size || fd < 0 || fd > 2) return ERRNO_NOTTY;
      return writeU32(columnsOut, size.columns) && writeU32(rowsOut, size.rows) ? ERRNO_SUCCESS : ERRNO_FAULT;
    },
    // Spawning, waiting and killing need the container kernel: see the kernel channel (issue 6 follow-up).
    proc_spawn: () => ERRNO_NOSYS,
    proc_wait: () => ERRNO_NOSYS,
    proc_kill: () => ERRNO_NOSYS,
  };
}

// From how a process ended inside its worker to Docker-style exit status.

import type { ExitStatus } from '../api/types';
import type { ProcessExit } from '../workers/protocol';
import { signalName } from '../workers/signals';

/** Exit code for a trap, as wasmtime reports it on Unix (128 + SIGABRT). */
export const TRAP_EXIT_CODE = 134;
/** Exit code of a container killed for memory, as Docker reports OOMKilled. */
export const OOM_EXIT_CODE = 137;
/** Exit code when the program could not be run at all (as a shell's 126). */
export const CANNOT_RUN_EXIT_CODE = 126;

export function toExitStatus(exit: ProcessExit, startedAt: number, finishedAt: number): ExitStatus {
  const times = { startedAt, finishedAt };
  switch (exit.kind) {
    case 'exit':
      return { exitCode: exit.code & 0xff, reason: 'exited', oomKilled: false, ...times };
    case 'signal':
      return { exitCode: 128 + exit.signal, reason: 'killed', signal: signalName(exit.signal), oomKilled: false, ...times };
    case 'trap':
      return exit.outOfMemory
        ? { exitCode: OOM_EXIT_CODE, reason: 'oom', oomKilled: true, message: `out of memory: ${exit.message}`, stack: exit.stack, ...times }
        : { exitCode: TRAP_EXIT_CODE, reason: 'trapped', oomKilled: false, message: exit.message, stack: exit.stack, ...times };
    case 'error':
      return { exitCode: CANNOT_RUN_EXIT_CODE, reason: 'error', oomKilled: false, message: exit.message, ...times };
  }
}

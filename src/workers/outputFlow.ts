// Output of a container's processes on its way to the supervisor, with flow
// control: each chunk is counted against its terminal's window before it is
// posted (ControlBlock.reserveOutput), and the supervisor gives the room back
// when it takes the chunk. A guest writing a gigabyte to stdout therefore
// waits for the page instead of queueing the gigabyte in messages.

import type { ControlBlock } from './ControlBlock';

/** Largest chunk posted at once: a huge write goes in pieces, each within the window. */
export const OUTPUT_CHUNK = 64 * 1024;

export interface OutputFlow {
  /** The terminal's control block (the container's own, or an exec session's): its window. */
  readonly terminal: ControlBlock;
  /** Throws to end the writer when a terminating signal is pending. */
  readonly check: () => void;
  /** Runs a blocking wait, accounted to the writing process as sleeping. */
  readonly block: (wait: () => void) => void;
}

/** Posts a copy of `bytes` (a view into guest memory) in chunks, waiting for room before each. */
export function writeOutput(flow: OutputFlow, bytes: Uint8Array, post: (data: Uint8Array) => void): void {
  for (let offset = 0; offset < bytes.length; offset += OUTPUT_CHUNK) {
    const chunk = bytes.slice(offset, offset + OUTPUT_CHUNK);
    flow.terminal.reserveOutput(chunk.length, flow.check, flow.block);
    post(chunk);
  }
}

/** writeOutput for a writer on an event loop; `bytes` must not change meanwhile (it is copied per chunk). */
export async function writeOutputAsync(terminal: ControlBlock, bytes: Uint8Array, post: (data: Uint8Array) => void): Promise<void> {
  for (let offset = 0; offset < bytes.length; offset += OUTPUT_CHUNK) {
    const chunk = bytes.slice(offset, offset + OUTPUT_CHUNK);
    await terminal.reserveOutputAsync(chunk.length);
    post(chunk);
  }
}

// Prepares a guest program's bytes before they are compiled: instrumented
// (src/wasm: interrupt checks at loop headers, memory.grow results seen)
// and its memory capped at the container's limit. A module the rewriter
// cannot decode still runs, capped but uninstrumented (a kill then has to
// wait for its next syscall, or terminate its worker); why is kept.

import { capMemory, instrument, MemoryLimitError, ReservedImportError, WasmRewriteError } from '../wasm';

export interface PreparedGuest {
  readonly bytes: Uint8Array;
  readonly instrumented: boolean;
  /** Why the program runs uninstrumented. */
  readonly note?: string;
}

/**
 * Instruments `bytes` and caps its memories at `memoryPages` (64 KiB pages;
 * undefined: no cap). Throws MemoryLimitError when the program needs more
 * memory at start than the cap, and ReservedImportError when it imports the
 * runtime's internal module; otherwise never fails (malformed bytes come
 * back unchanged, for the engine to report).
 */
export function prepareGuest(bytes: Uint8Array, memoryPages?: number): PreparedGuest {
  try {
    return { bytes: instrument(bytes, { maxMemoryPages: memoryPages }), instrumented: true };
  } catch (error) {
    if (error instanceof MemoryLimitError || error instanceof ReservedImportError || !(error instanceof WasmRewriteError)) throw error;
    let capped = bytes;
    if (memoryPages !== undefined) {
      try {
        capped = capMemory(bytes, memoryPages);
      } catch (capError) {
        if (capError instanceof MemoryLimitError) throw capError;
      }
    }
    return { bytes: capped, instrumented: false, note: `not instrumented: ${error.message}` };
  }
}

const notes = new WeakMap<WebAssembly.Module, string>();

/** Records why a compiled program runs uninstrumented. */
export function noteUninstrumented(module: WebAssembly.Module, note: string): void {
  notes.set(module, note);
}

/** Why `module` runs uninstrumented, if it was recorded (in this realm). */
export function uninstrumentedNote(module: WebAssembly.Module): string | undefined {
  return notes.get(module);
}

/** The sha-256 of `bytes` in hex (the key under which the supervisor caches a compiled program). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

// Turns whatever ended a guest abnormally into a ProcessExit: a signal, a
// WebAssembly trap (with the engine's message and wasm stack), running out
// of memory, or a failure to start. Nothing a guest does may escape the
// worker as an exception.

import type { ProcessExit } from './protocol';
import { ProcessKilled, ProcExit } from '../wasi/errors';

const WASM_PAGE = 65536;

/**
 * `maximumPages`: the memory cap the runtime enforces (quotas), else wasm32's
 * 4 GiB. `growFailed`: a memory.grow of the guest failed (instrumented
 * guests report it): a trap after that is the guest's allocator giving up.
 */
export function classifyFailure(error: unknown, memory: WebAssembly.Memory | undefined, maximumPages = 65536, growFailed = false): ProcessExit {
  if (error instanceof ProcessKilled) return { kind: 'signal', signal: error.signal };
  if (error instanceof ProcExit) return { kind: 'exit', code: error.code };
  if (error instanceof WebAssembly.RuntimeError || isStackOverflow(error)) {
    const message = errorMessage(error);
    return { kind: 'trap', message, stack: wasmStack(error), outOfMemory: growFailed || memoryExhausted(memory, maximumPages) };
  }
  if (error instanceof RangeError && /memory/i.test(error.message)) {
    // The engine refused to allocate a linear memory (e.g. the per-process wasm memory budget).
    return { kind: 'trap', message: error.message, outOfMemory: true };
  }
  if (error instanceof WebAssembly.LinkError) return { kind: 'error', message: `cannot link the program: ${error.message}` };
  return { kind: 'error', message: `runtime error: ${errorMessage(error)}` };
}

function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Keeps only the wasm frames of an engine stack: that is the guest's call chain. */
function wasmStack(error: unknown): string | undefined {
  if (!(error instanceof Error) || !error.stack) return undefined;
  const frames = error.stack.split('\n').filter((line) => /wasm-function|\.wasm|wasm:\/\//.test(line)).map((line) => line.trim());
  return frames.length > 0 ? frames.join('\n') : undefined;
}

/** True when the guest's memory cannot grow any further: the trap followed a failed allocation. */
function memoryExhausted(memory: WebAssembly.Memory | undefined, maximumPages: number): boolean {
  return memory !== undefined && memory.buffer.byteLength >= maximumPages * WASM_PAGE;
}

// Typed errors of the wasm rewriter. A caller that gets one of these for a
// module it wanted to instrument may still run the module unchanged (and
// record why); MemoryLimitError means the module cannot run under the cap.

export type WasmRewriteErrorCode =
  | 'MALFORMED'               // the bytes are not a well-formed module (the engine will say more)
  | 'UNSUPPORTED_INSTRUCTION' // an opcode this rewriter cannot decode
  | 'RESERVED_IMPORT'         // the module already imports from the internal module name
  | 'MEMORY_LIMIT';           // the module's initial memory exceeds the cap

export class WasmRewriteError extends Error {
  override readonly name: string = 'WasmRewriteError';
  constructor(readonly code: WasmRewriteErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class MalformedWasmError extends WasmRewriteError {
  override readonly name = 'MalformedWasmError';
  constructor(reason: string, readonly offset: number) {
    super('MALFORMED', `malformed module at byte ${offset}: ${reason}`);
  }
}

export class UnsupportedInstructionError extends WasmRewriteError {
  override readonly name = 'UnsupportedInstructionError';
  /** The opcode as written in the text format's notation, e.g. '0xfd 0x1f0'. */
  readonly opcode: string;
  constructor(prefix: number | undefined, opcode: number, readonly offset: number, readonly functionIndex?: number) {
    const text = prefix === undefined ? hex(opcode) : `${hex(prefix)} ${hex(opcode)}`;
    super('UNSUPPORTED_INSTRUCTION', `cannot decode opcode ${text} at byte ${offset}${functionIndex === undefined ? '' : ` (function ${functionIndex})`}`);
    this.opcode = text;
  }
}

export class ReservedImportError extends WasmRewriteError {
  override readonly name = 'ReservedImportError';
  constructor(readonly importName: string) {
    super('RESERVED_IMPORT', `the module imports ${importName}: the import module "${importName.split('.')[0]}" is reserved for the runtime`);
  }
}

export class MemoryLimitError extends WasmRewriteError {
  override readonly name = 'MemoryLimitError';
  constructor(readonly neededPages: number, readonly limitPages: number) {
    super('MEMORY_LIMIT', `the program needs ${neededPages} pages (${mib(neededPages)}) of memory at start, limit ${limitPages} pages (${mib(limitPages)})`);
  }
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(2, '0')}`;
}

function mib(pages: number): string {
  const bytes = pages * 65536;
  return bytes >= 1024 * 1024 ? `${Number((bytes / (1024 * 1024)).toFixed(2))} MiB` : `${bytes / 1024} KiB`;
}

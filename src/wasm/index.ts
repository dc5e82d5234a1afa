// src/wasm: rewriting WebAssembly binaries (no DOM, no Node). Instruments
// guests so the runtime regains control from loops that make no calls
// (instrument), and caps the memory they may grow to (capMemory).
export { instrument, instrumentWithStats, isInstrumented, INTERNAL_MODULE, CHECK_IMPORT, GROW_IMPORT, type InstrumentOptions, type InstrumentStats } from './instrument';
export { capMemory, WASM_PAGE_BYTES, MAX_PAGES_32 } from './memory';
export { readSections, outline, type ModuleOutline, type Section, type MemoryLimits } from './module';
export { WasmRewriteError, MalformedWasmError, UnsupportedInstructionError, ReservedImportError, MemoryLimitError, type WasmRewriteErrorCode } from './errors';

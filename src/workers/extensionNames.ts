// The import module of Flotilla's documented WASI extensions (docs/PROC.md).
// Programs may import these besides wasi_snapshot_preview1; nothing else.
export const FLOTILLA_EXTENSION_MODULE = 'flotilla_v1';

export const FLOTILLA_EXTENSION_FUNCTIONS = ['proc_spawn', 'proc_wait', 'proc_kill', 'proc_getpid', 'tty_get_size'] as const;

/** True when a program needs the container kernel (it starts or signals other processes). */
export function usesProcessExtensions(module: WebAssembly.Module): boolean {
  return WebAssembly.Module.imports(module).some((entry) => entry.module === FLOTILLA_EXTENSION_MODULE && entry.name.startsWith('proc_') && entry.name !== 'proc_getpid');
}

// Checks a container's program before it runs, so a bad binary fails as a
// clear 'error' exit (InvalidWasmError, MissingImportsError) rather than as
// a LinkError deep inside instantiation.
import { InvalidWasmError, MissingImportsError } from './errors';

export type ModuleKind = 'command' | 'reactor';

/** Compiles a module, turning the engine's CompileError into InvalidWasmError (message kept). */
export async function compileWasm(bytes: Uint8Array | ArrayBuffer, what = 'module'): Promise<WebAssembly.Module> {
  try {
    // Views over a SharedArrayBuffer (image layers) are not accepted by
    // WebAssembly.compile, so those are copied.
    const source = bytes instanceof ArrayBuffer ? bytes : bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice();
    return await WebAssembly.compile(source);
  } catch (error) {
    if (error instanceof WebAssembly.CompileError) throw new InvalidWasmError(error.message, what, { cause: error });
    throw error;
  }
}

/** 'module.name' of every import, in module order. */
export function importNames(module: WebAssembly.Module): string[] {
  return WebAssembly.Module.imports(module).map((item) => `${item.module}.${item.name}`);
}

/** The imports `supported` (a set of 'module.name') does not contain, sorted and unique. */
export function checkImports(module: WebAssembly.Module, supported: ReadonlySet<string>): string[] {
  return [...new Set(importNames(module).filter((name) => !supported.has(name)))].sort();
}

/** Throws MissingImportsError listing every import the host lacks. */
export function assertImports(module: WebAssembly.Module, supported: ReadonlySet<string>, what = 'module'): void {
  const missing = checkImports(module, supported);
  if (missing.length) throw new MissingImportsError(missing, what);
}

/**
 * A WASI command exports `_start` (run once, exit code from proc_exit or
 * return); a reactor exports `_initialize` and functions to call, and is not
 * something a container can run.
 */
export function moduleKind(module: WebAssembly.Module): ModuleKind {
  return WebAssembly.Module.exports(module).some((item) => item.name === '_start' && item.kind === 'function') ? 'command' : 'reactor';
}

/** The function imports of WASI preview1 (wasi_snapshot_preview1), as 'module.name'. */
export const WASI_PREVIEW1_IMPORTS: ReadonlySet<string> = new Set([
  'args_get', 'args_sizes_get', 'environ_get', 'environ_sizes_get', 'clock_res_get', 'clock_time_get',
  'fd_advise', 'fd_allocate', 'fd_close', 'fd_datasync', 'fd_fdstat_get', 'fd_fdstat_set_flags',
  'fd_fdstat_set_rights', 'fd_filestat_get', 'fd_filestat_set_size', 'fd_filestat_set_times', 'fd_pread',
  'fd_prestat_get', 'fd_prestat_dir_name', 'fd_pwrite', 'fd_read', 'fd_readdir', 'fd_renumber', 'fd_seek',
  'fd_sync', 'fd_tell', 'fd_write', 'path_create_directory', 'path_filestat_get', 'path_filestat_set_times',
  'path_link', 'path_open', 'path_readlink', 'path_remove_directory', 'path_rename', 'path_symlink',
  'path_unlink_file', 'poll_oneoff', 'proc_exit', 'proc_raise', 'sched_yield', 'random_get', 'sock_accept',
  'sock_recv', 'sock_send', 'sock_shutdown',
].map((name) => `wasi_snapshot_preview1.${name}`));

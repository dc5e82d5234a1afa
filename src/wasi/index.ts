// Public surface of src/wasi: a WASI preview1 process over the container fs.
export { WasiProcess, WASI_PREVIEW1_FUNCTIONS, WASI_PREVIEW1_MODULE, WASIX_MODULE, WASIX_SOCKET_FUNCTIONS, type WasiFunctionName } from './WasiProcess';
export { ProcExit, ProcessKilled, WasiHostTrap, wasiSignalToPosix, defaultSignalAction } from './errors';
export type { WasiOptions, InputStream, OutputStream, Waiter, Preopen } from './host';

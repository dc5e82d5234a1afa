// Runs a pooled worker's start path once before any container needs it.
// A fresh worker has never executed the file system, the WASI layer or
// the messaging code, so its first container would pay for parsing and
// compiling all of them (several milliseconds). A module without a memory
// is used on purpose: finished instances' memories count against the
// renderer's wasm memory budget until they are collected (PLATFORM.md).

import { ContainerFs } from '../fs/ContainerFs';
import { ImageLayer } from '../fs/ImageLayer';
import { WasiProcess } from '../wasi';
import { ControlBlock } from './ControlBlock';
import { GuestGovernor } from './GuestGovernor';
import { MessageOutput, ProcessStdin } from './stdio';

// (module (import "wasi_snapshot_preview1" "sched_yield" (func (result i32)))
//         (func (export "_start") (drop (call 0))))
const TINY_COMMAND = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x08, 0x02, 0x60, 0x00, 0x01, 0x7f, 0x60, 0x00, 0x00,
  0x02, 0x26, 0x01, 0x16, ...new TextEncoder().encode('wasi_snapshot_preview1'), 0x0b, ...new TextEncoder().encode('sched_yield'), 0x00, 0x00,
  0x03, 0x02, 0x01, 0x01,
  0x07, 0x0a, 0x01, 0x06, ...new TextEncoder().encode('_start'), 0x00, 0x01,
  0x0a, 0x07, 0x01, 0x05, 0x00, 0x10, 0x00, 0x1a, 0x0b,
]);

export function warmUp(): void {
  const data = new Uint8Array(16);
  const layer = ImageLayer.fromEntries([
    { path: '/bin', kind: 'directory', mode: 0o755, mtimeNs: 0n },
    { path: '/bin/tool', kind: 'file', mode: 0o755, mtimeNs: 0n, data },
    { path: '/etc/link', kind: 'symlink', mode: 0o777, mtimeNs: 0n, target: '../bin/tool' },
  ]);
  const fs = new ContainerFs({ layers: [layer] });
  fs.writeFile('/etc/hostname', 'warm\n');
  fs.readFile('/etc/hostname');
  fs.list('/bin');
  // The real stdio and control block of a container, posting nowhere.
  const control = new ControlBlock();
  const check = (): void => { control.beat(); control.takeSignal(); };
  const flow = { terminal: control, check, block: (wait: () => void) => control.blocked(wait) };
  const post = (message: { type: string; data?: Uint8Array }): void => {
    if (message.type === 'output' && message.data) control.releaseOutput(message.data.length);
  };
  const process = new WasiProcess({
    args: ['warm'],
    env: ['A=b'],
    preopens: [{ guestPath: '/', dir: fs.root }],
    stdin: new ProcessStdin(control, false, () => {}, check),
    stdout: new MessageOutput(post, 0, 1, false, flow),
    stderr: new MessageOutput(post, 0, 2, false, flow),
    waiter: { wait: () => {} },
    checkSignals: check,
  });
  const governor = new GuestGovernor({ process: control, container: control, poll: check, memory: () => undefined });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(TINY_COMMAND), { ...process.imports, ...governor.importsFor(new WebAssembly.Module(TINY_COMMAND)) });
  (instance.exports._start as () => void)();
  governor.check();
  governor.finish();
  startupCalls(process);
}

/** The calls a C program makes on its way to its first output (wasi-libc's start-up, printf, a file read). */
function startupCalls(process: WasiProcess): void {
  const memory = new ArrayBuffer(4096);
  process.attachBuffer(memory);
  const bytes = new Uint8Array(memory);
  const words = new DataView(memory);
  const wasi = process.imports.wasi_snapshot_preview1 as Record<string, (...args: unknown[]) => number>;
  wasi.args_sizes_get!(0, 4);
  wasi.args_get!(8, 64);
  wasi.environ_sizes_get!(0, 4);
  wasi.environ_get!(8, 64);
  wasi.fd_prestat_get!(3, 128);
  wasi.fd_prestat_dir_name!(3, 136, 1);
  wasi.fd_fdstat_get!(1, 160);
  wasi.clock_time_get!(1, 0n, 192);
  wasi.random_get!(200, 16);
  // Open, read and close /etc/hostname; write a line to stdout (posted nowhere).
  const path = new TextEncoder().encode('etc/hostname');
  bytes.set(path, 256);
  wasi.path_open!(3, 1, 256, path.length, 0, 0x1fffffffn, 0x1fffffffn, 0, 300);
  const fd = words.getUint32(300, true);
  words.setUint32(320, 400, true); // one iovec at 320: [400, 400 + 64)
  words.setUint32(324, 64, true);
  wasi.fd_read!(fd, 320, 1, 340);
  wasi.fd_close!(fd);
  bytes.set(new TextEncoder().encode('warm\n'), 400);
  words.setUint32(324, 5, true);
  wasi.fd_write!(1, 320, 1, 340);
  wasi.fd_seek!(fd, 0n, 0, 344); // closed by now: the error path too
}

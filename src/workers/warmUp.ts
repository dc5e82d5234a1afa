// Runs a pooled worker's start path once before any container needs it.
// A fresh worker has never executed the file system, the WASI layer or
// the messaging code, so its first container would pay for parsing and
// compiling all of them (several milliseconds). A module without a memory
// is used on purpose: finished instances' memories count against the
// renderer's wasm memory budget until they are collected (PLATFORM.md).

import { ContainerFs } from '../fs/ContainerFs';
import { ImageLayer } from '../fs/ImageLayer';
import { WasiProcess } from '../wasi';

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
  const silent = { isTerminal: false, write: (bytes: Uint8Array) => bytes.length };
  const process = new WasiProcess({
    args: ['warm'],
    env: ['A=b'],
    preopens: [{ guestPath: '/', dir: fs.root }],
    stdin: { isTerminal: false, read: () => 0, readable: () => true, available: () => 0 },
    stdout: silent,
    stderr: silent,
    waiter: { wait: () => {} },
    checkSignals: () => {},
  });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(TINY_COMMAND), process.imports);
  (instance.exports._start as () => void)();
}

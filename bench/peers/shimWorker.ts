// Inside one worker of the @bjorn3/browser_wasi_shim baseline: instantiates a
// posted WebAssembly.Module over the shim (an empty stdin, stdout/stderr
// posted back as they are written, "/" preopened with an empty /tmp) and runs
// its _start. The worker stays alive afterwards and, with `keep`, holds the
// instance and its memory: that is the shim's idle "container".
// The same code runs in a Web Worker (shim.worker.ts) and a worker_threads
// worker (shim.node-worker.ts).

import { ConsoleStdout, Directory, File, OpenFile, PreopenDirectory, WASI, type Inode } from '@bjorn3/browser_wasi_shim';
import type { ShimReply, ShimRequest } from './shimProtocol';

export interface PortLike {
  postMessage(message: ShimReply): void;
  onMessage(listener: (message: ShimRequest) => void): void;
}

export function serveShim(port: PortLike): void {
  const kept: WebAssembly.Instance[] = [];
  port.onMessage((request) => {
    if (request.type !== 'run') return;
    const started = performance.now();
    const output: string[] = [];
    const decoder = new TextDecoder();
    const stream = (fd: 1 | 2) => new ConsoleStdout((bytes) => {
      if (request.postOutput) port.postMessage({ type: 'output', fd, bytes: bytes.slice() });
      if (fd === 1) output.push(decoder.decode(bytes, { stream: true }));
    });
    const root = new Map<string, Inode>([['tmp', new Directory(new Map())]]);
    const wasi = new WASI([request.name, ...request.args], [...request.env], [
      new OpenFile(new File([])),
      stream(1),
      stream(2),
      new PreopenDirectory('/', root),
    ], { debug: false }); // the shim logs every call unless told not to
    let exitCode: number;
    let error: string | undefined;
    try {
      const instance = new WebAssembly.Instance(request.module, { wasi_snapshot_preview1: wasi.wasiImport });
      exitCode = wasi.start(instance as { exports: { memory: WebAssembly.Memory; _start: () => unknown } });
      if (request.keep) kept.push(instance);
    } catch (caught) {
      exitCode = -1;
      error = caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught);
    }
    port.postMessage({ type: 'exit', exitCode, stdout: output.join(''), ms: performance.now() - started, error });
  });
  port.postMessage({ type: 'ready' });
}

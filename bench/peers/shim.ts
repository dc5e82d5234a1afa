// The @bjorn3/browser_wasi_shim baseline: the same binaries, each run in a
// worker of its own over the shim (shimWorker.ts), the simplest way to give a
// WASI program a killable thread. Host-neutral: the page passes a Web Worker
// factory, Node a worker_threads one.

import type { IdleUp, IoTimes, MaxLive, StartTimes } from './results';
import type { ShimReply, ShimRequest } from './shimProtocol';
import { parseFields } from './stats';

export interface ShimWorkerHandle {
  postMessage(message: ShimRequest): void;
  onMessage(listener: (message: ShimReply) => void): void;
  onError(listener: (message: string) => void): void;
  terminate(): void;
}

type Program = 'hello' | 'interactive' | 'crash' | 'iobench';

interface Started {
  readonly worker: ShimWorkerHandle;
  /** Resolves on the worker's next exit message; the first output time is kept. */
  run(request: Omit<ShimRequest, 'type' | 'module'> & { module: WebAssembly.Module }): Promise<{ exit: Extract<ShimReply, { type: 'exit' }>; firstOutput: number | undefined }>;
}

export interface ShimStarts extends StartTimes {
  /** The first run compiled the module too (later runs reuse it). */
  readonly firstRunCompiles: true;
}

export class ShimSteps {
  private readonly _modules = new Map<Program, WebAssembly.Module>();
  private readonly _idle: ShimWorkerHandle[] = [];

  constructor(
    private readonly _spawn: () => ShimWorkerHandle,
    private readonly _bytes: (name: Program) => Promise<Uint8Array>,
  ) {}

  private async _module(name: Program): Promise<WebAssembly.Module> {
    let module = this._modules.get(name);
    if (!module) this._modules.set(name, module = await WebAssembly.compile(await this._bytes(name) as Uint8Array<ArrayBuffer>));
    return module;
  }

  /** A new worker, resolved once its script has loaded and it said ready. */
  private _start(): Promise<Started> {
    const worker = this._spawn();
    let pending: ((reply: ShimReply) => void) | undefined;
    let failed: ((message: string) => void) | undefined;
    return new Promise((resolve, reject) => {
      worker.onError((message) => { if (failed) failed(message); else reject(new Error(message)); });
      worker.onMessage((reply) => {
        if (reply.type === 'ready') {
          resolve({
            worker,
            run: (request) => new Promise((done, fail) => {
              let firstOutput: number | undefined;
              failed = (message) => fail(new Error(`the shim worker failed: ${message}`));
              pending = (message) => {
                if (message.type === 'output') firstOutput ??= performance.now();
                else if (message.type === 'exit') done({ exit: message, firstOutput });
              };
              worker.postMessage({ type: 'run', ...request });
            }),
          });
        } else pending?.(reply);
      });
    });
  }

  /**
   * Each run in a fresh worker, as a container would be: new worker → first
   * byte, → exit. The first run also compiles the module.
   */
  async starts(options: { runs: number }): Promise<ShimStarts> {
    const firstByteMs: number[] = [];
    const exitMs: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      const started = performance.now();
      const module = await this._module('hello');
      const shim = await this._start();
      const { exit, firstOutput } = await shim.run({ module, name: 'hello', args: ['--quiet', '--stderr', 'x'], env: [], keep: false, postOutput: true });
      const ended = performance.now();
      shim.worker.terminate();
      if (exit.exitCode !== 0 || firstOutput === undefined) throw new Error(`hello failed under the shim: ${exit.exitCode} ${exit.error ?? ''}`);
      firstByteMs.push(firstOutput - started);
      exitMs.push(ended - started);
    }
    return { firstByteMs, exitMs, firstRunCompiles: true };
  }

  /** The pool-equivalent: a worker started beforehand, given the compiled module: post → first byte, → exit. */
  async prestartedStarts(options: { runs: number }): Promise<StartTimes> {
    const module = await this._module('hello');
    const firstByteMs: number[] = [];
    const exitMs: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      const shim = await this._start();
      await new Promise((resolve) => setTimeout(resolve, 10));
      const started = performance.now();
      const { exit, firstOutput } = await shim.run({ module, name: 'hello', args: ['--quiet', '--stderr', 'x'], env: [], keep: false, postOutput: true });
      const ended = performance.now();
      shim.worker.terminate();
      if (exit.exitCode !== 0 || firstOutput === undefined) throw new Error(`hello failed under the shim: ${exit.exitCode} ${exit.error ?? ''}`);
      firstByteMs.push(firstOutput - started);
      exitMs.push(ended - started);
    }
    return { firstByteMs, exitMs };
  }

  /** iobench io /tmp/big MIB in a fresh worker each run (the shim's in-memory File). */
  async fileIo(options: { mib: number; runs: number }): Promise<IoTimes> {
    const module = await this._module('iobench');
    const result: IoTimes = { mib: options.mib, writeMs: [], readMs: [], wallMs: [], where: '/tmp (the shim\'s in-memory Directory)' };
    for (let i = 0; i < options.runs; i++) {
      const started = performance.now();
      const shim = await this._start();
      const { exit } = await shim.run({ module, name: 'iobench', args: ['io', '/tmp/big', String(options.mib)], env: [], keep: false, postOutput: false });
      result.wallMs.push(performance.now() - started);
      shim.worker.terminate();
      const fields = parseFields(exit.stdout);
      if (exit.exitCode !== 0 || fields.write_ms === undefined) throw new Error(`iobench failed under the shim: ${exit.exitCode} ${exit.error ?? ''} ${exit.stdout}`);
      result.writeMs.push(fields.write_ms);
      result.readMs.push(fields.read_ms!);
    }
    return result;
  }

  /** Before a memory baseline. */
  async settle(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 300));
  }

  /**
   * The shim cannot block a guest in a read (its fd_read returns at once), so
   * its idle instance is a worker that ran hello and holds the instance and
   * its memory.
   */
  async idleUp(options: { count: number }): Promise<IdleUp> {
    const module = await this._module('hello');
    const started = performance.now();
    await Promise.all(Array.from({ length: options.count }, async () => {
      const shim = await this._start();
      this._idle.push(shim.worker);
      const { exit } = await shim.run({ module, name: 'hello', args: ['--quiet'], env: [], keep: true, postOutput: false });
      if (exit.exitCode !== 0) throw new Error(`hello failed under the shim: ${exit.exitCode} ${exit.error ?? ''}`);
    }));
    const ms = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 500));
    return { count: options.count, ms };
  }

  async idleDown(): Promise<void> {
    for (const worker of this._idle.splice(0)) worker.terminate();
    await new Promise((resolve) => setTimeout(resolve, 300));
  }

  /** Workers holding an instance, `batch` at a time, until one fails, the cap, or the time budget. */
  async maxLive(options: { cap: number; batch: number; budgetMs: number }): Promise<MaxLive> {
    const module = await this._module('hello');
    const workers: ShimWorkerHandle[] = [];
    const started = performance.now();
    let live = 0;
    let stoppedBy: MaxLive['stoppedBy'] = 'cap';
    let error: string | undefined;
    try {
      while (live < options.cap) {
        if (performance.now() - started > options.budgetMs) { stoppedBy = 'time budget'; break; }
        const count = Math.min(options.batch, options.cap - live);
        const results = await Promise.allSettled(Array.from({ length: count }, async () => {
          const shim = await this._start();
          workers.push(shim.worker);
          const { exit } = await shim.run({ module, name: 'hello', args: ['--quiet'], env: [], keep: true, postOutput: false });
          if (exit.exitCode !== 0) throw new Error(exit.error ?? `exit ${exit.exitCode}`);
          live++;
        }));
        const failed = results.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
        if (failed) {
          stoppedBy = 'failure';
          error = failed.reason instanceof Error ? failed.reason.message : String(failed.reason);
          break;
        }
      }
      return { live, cap: options.cap, stoppedBy, error, ms: performance.now() - started };
    } finally {
      for (const worker of workers) worker.terminate();
    }
  }
}

// Workers for a container's processes, created by the container worker
// (nested workers). Each runs one program and is then discarded, so no
// guest memory outlives its process; a couple are kept warm because
// creating a worker costs tens of milliseconds (PLATFORM.md).

import type { ProcessWorkerMessage, ProcessWorkerRequest } from '../process/processProtocol';

export interface ProcessWorkerHandle {
  post(message: ProcessWorkerRequest, transfer?: Transferable[]): void;
  onMessage(listener: (message: ProcessWorkerMessage) => void): void;
  onCrash(listener: (reason: string) => void): void;
  terminate(): void;
}

export type ProcessWorkerFactory = () => ProcessWorkerHandle;

interface WarmWorker {
  readonly handle: ProcessWorkerHandle;
  readonly ready: Promise<void>;
}

export class ProcessWorkerPool {
  private readonly _warm: WarmWorker[] = [];
  private _refilling = false;

  constructor(private readonly _factory: ProcessWorkerFactory, private readonly _size = 2) {}

  /** A worker that has said 'ready' (warm when possible). */
  async acquire(): Promise<ProcessWorkerHandle> {
    const worker = this._warm.shift() ?? this._spawn();
    this._scheduleRefill();
    await worker.ready;
    return worker.handle;
  }

  dispose(): void {
    for (const worker of this._warm.splice(0)) worker.handle.terminate();
  }

  private _spawn(): WarmWorker {
    const handle = this._factory();
    const ready = new Promise<void>((resolve, reject) => {
      handle.onMessage((message) => { if (message.type === 'ready') resolve(); });
      handle.onCrash((reason) => reject(new Error(`process worker failed to start: ${reason}`)));
    });
    ready.catch(() => {});
    return { handle, ready };
  }

  private _scheduleRefill(): void {
    if (this._refilling) return;
    this._refilling = true;
    setTimeout(() => {
      while (this._warm.length < this._size) this._warm.push(this._spawn());
      this._refilling = false;
    }, 0);
  }
}

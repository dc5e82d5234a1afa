// Pre-started container workers. Creating a worker costs tens of
// milliseconds and is serialised on the CPU (PLATFORM.md), so a start
// takes a worker that is already up and the pool refills in the background.

import type { WorkerFactory, WorkerHandle } from './WorkerHandle';
import { wrap, type Remote } from 'comlink';
import { PROTOCOL_VERSION, type ContainerWorkerApi } from '../workers/protocol';

const REFILL_DELAY_MS = 25;

export interface PooledWorker {
  readonly handle: WorkerHandle;
  /**
   * The worker's comlink proxy: the one and only for this worker. comlink
   * releases an endpoint when any proxy on it is garbage-collected (its
   * finalizer posts RELEASE and the exposed side stops listening), so a
   * throwaway wrap() would eventually cut the worker off.
   */
  readonly api: Remote<ContainerWorkerApi>;
  /** Resolves when the worker's runtime has loaded and said 'ready'. */
  readonly ready: Promise<void>;
}

export class WorkerPool {
  private readonly _idle: PooledWorker[] = [];
  private _spawned = 0;
  private _refilling = false;
  private _disposed = false;

  constructor(private readonly _factory: WorkerFactory, private readonly _size: number) {}

  get size(): number {
    return this._size;
  }

  /** Workers started and waiting for a container. */
  get idleCount(): number {
    return this._idle.length;
  }

  /**
   * Starts workers until `size` are idle. Resolves when the first is ready
   * (`until: 'first'`, so a page can start its first container while the
   * others come up) or when all are.
   */
  async fill(until: 'first' | 'all' = 'all'): Promise<void> {
    while (this._idle.length < this._size && !this._disposed) this._idle.push(this._spawn());
    const ready = this._idle.map((worker) => worker.ready);
    if (until === 'all' || ready.length === 0) await Promise.all(ready);
    else await Promise.any(ready);
  }

  /** A worker for a new container: a warm one when there is one, else a new one. */
  acquire(): PooledWorker {
    if (this._disposed) throw new Error('the worker pool is disposed');
    const worker = this._idle.shift() ?? this._spawn();
    this._scheduleRefill();
    return worker;
  }

  async dispose(): Promise<void> {
    this._disposed = true;
    await Promise.all(this._idle.splice(0).map((worker) => worker.handle.terminate()));
  }

  private _spawn(): PooledWorker {
    const handle = this._factory.spawn(`flotilla-container-${++this._spawned}`);
    const loaded = new Promise<void>((resolve, reject) => {
      handle.onMessage((data) => {
        const message = data as { flotilla?: unknown; type?: unknown };
        if (message?.flotilla === PROTOCOL_VERSION && message.type === 'ready') resolve();
      });
      handle.onCrash((reason) => reject(new Error(`container worker failed to start: ${reason}`)));
    });
    const api = wrap<ContainerWorkerApi>(handle.endpoint);
    // Warm: run the start path once in the worker, so its first container does not pay for it.
    const ready = loaded.then(() => api.warm());
    ready.catch(() => {}); // observed by whoever acquires it
    return { handle, ready, api };
  }

  /**
   * Refills one worker at a time, a little after the last acquire: creating
   * a worker takes a core for tens of milliseconds, which must not compete
   * with the containers just started (a burst of starts refills once).
   */
  private _scheduleRefill(): void {
    if (this._refilling || this._disposed) return;
    this._refilling = true;
    setTimeout(async () => {
      try {
        while (this._idle.length < this._size && !this._disposed) {
          const worker = this._spawn();
          this._idle.push(worker);
          const started = await worker.ready.then(() => true, () => false);
          if (!started) {
            // Do not retry in a loop: the next acquire() schedules another attempt.
            const index = this._idle.indexOf(worker);
            if (index >= 0) this._idle.splice(index, 1);
            break;
          }
        }
      } finally {
        this._refilling = false;
      }
    }, REFILL_DELAY_MS);
  }
}

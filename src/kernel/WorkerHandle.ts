// What the kernel needs of a worker, whatever creates it: a browser Web
// Worker (BrowserWorkerFactory) or a Node worker thread (NodeWorkerFactory).

import type { Endpoint } from 'comlink';

export interface WorkerHandle {
  /** The worker's port, for comlink. */
  readonly endpoint: Endpoint;
  /** Raw messages from the worker (comlink's replies included: filter them). */
  onMessage(listener: (data: unknown) => void): void;
  /** The worker died: an uncaught error, or it exited on its own. */
  onCrash(listener: (reason: string) => void): void;
  /** Stops the worker. Resolves once the engine has been told; in Chromium the thread may run on for ~2 s. */
  terminate(): Promise<void>;
}

export interface WorkerFactory {
  /** Starts a new container worker. */
  spawn(name: string): WorkerHandle;
}

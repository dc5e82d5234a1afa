// Container workers in the browser: one dedicated module Web Worker each.
import type { WorkerFactory, WorkerHandle } from './WorkerHandle';

export class BrowserWorkerFactory implements WorkerFactory {
  spawn(name: string): WorkerHandle {
    // The URL must stay a literal here so that Vite finds and bundles the worker.
    const worker = new Worker(new URL('../../workers/container.worker.ts', import.meta.url), { type: 'module', name });
    return {
      endpoint: worker,
      onMessage: (listener) => worker.addEventListener('message', (event) => listener(event.data)),
      onCrash: (listener) => {
        worker.addEventListener('error', (event) => listener(event.message || 'the worker failed'));
        worker.addEventListener('messageerror', () => listener('a message from the worker could not be decoded'));
      },
      terminate: async () => worker.terminate(),
    };
  }
}

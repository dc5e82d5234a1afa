// Browser entry of a container worker (a dedicated Web Worker per container).
import { serveContainer } from '../src/workers/serveContainer';
import type { ProcessWorkerHandle } from '../src/workers/kernel/ProcessWorkerPool';

const scope = self as unknown as DedicatedWorkerGlobalScope;

function spawnProcessWorker(): ProcessWorkerHandle {
  // A literal URL, so that Vite bundles the nested worker.
  const worker = new Worker(new URL('./process.worker.ts', import.meta.url), { type: 'module', name: 'flotilla-process' });
  return {
    post: (message, transfer) => worker.postMessage(message, transfer ?? []),
    onMessage: (listener) => worker.addEventListener('message', (event) => listener(event.data)),
    onCrash: (listener) => worker.addEventListener('error', (event) => listener(event.message || 'the process worker failed')),
    terminate: () => worker.terminate(),
  };
}

serveContainer(scope, (message, transfer) => scope.postMessage(message, transfer ?? []), spawnProcessWorker);

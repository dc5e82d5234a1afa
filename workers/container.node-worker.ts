// Node entry of a container worker (worker_threads); bundled by
// scripts/build-workers.mjs because Node cannot run TypeScript workers.
import { parentPort, Worker } from 'node:worker_threads';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { serveContainer } from '../src/workers/serveContainer';
import type { ProcessWorkerHandle } from '../src/workers/kernel/ProcessWorkerPool';

if (!parentPort) throw new Error('container.node-worker must run in a worker thread');
const port = parentPort;

function spawnProcessWorker(): ProcessWorkerHandle {
  const worker = new Worker(new URL('./process.node-worker.mjs', import.meta.url), { name: 'flotilla-process' });
  let exitedOnPurpose = false;
  return {
    post: (message, transfer) => worker.postMessage(message, (transfer ?? []) as never),
    onMessage: (listener) => worker.on('message', listener),
    onCrash: (listener) => {
      worker.on('error', (error) => listener(error instanceof Error ? error.message : String(error)));
      worker.on('exit', (code) => { if (!exitedOnPurpose) listener(`exited with code ${code}`); });
    },
    terminate: () => {
      exitedOnPurpose = true;
      void worker.terminate();
    },
  };
}

serveContainer(nodeEndpoint(port), (message, transfer) => port.postMessage(message, (transfer ?? []) as never), spawnProcessWorker);

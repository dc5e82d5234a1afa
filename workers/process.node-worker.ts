// Node entry of a process worker (worker_threads), bundled by scripts/build-workers.mjs.
import { parentPort } from 'node:worker_threads';
import { serveProcess } from '../src/workers/process/serveProcess';

if (!parentPort) throw new Error('process.node-worker must run in a worker thread');
const port = parentPort;
serveProcess(
  (listener) => port.on('message', listener),
  (message, transfer) => port.postMessage(message, (transfer ?? []) as never),
);

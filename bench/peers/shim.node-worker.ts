// The shim baseline's worker in Node (worker_threads), bundled by esbuild (site.ts).
import { parentPort } from 'node:worker_threads';
import { serveShim } from './shimWorker';
import type { ShimRequest } from './shimProtocol';

const port = parentPort!;
serveShim({
  postMessage: (message) => port.postMessage(message),
  onMessage: (listener) => port.on('message', (message: ShimRequest) => listener(message)),
});

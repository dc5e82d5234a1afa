// Node entry of a container worker (worker_threads); bundled by
// scripts/build-workers.mjs because Node cannot run TypeScript workers.
import { parentPort } from 'node:worker_threads';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { serveContainer } from '../src/workers/serveContainer';

if (!parentPort) throw new Error('container.node-worker must run in a worker thread');
const port = parentPort;
serveContainer(nodeEndpoint(port), (message, transfer) => port.postMessage(message, (transfer ?? []) as never));

// Browser entry of a process worker: one program of a container, started by
// the container's worker (a nested worker).
import { serveProcess } from '../src/workers/process/serveProcess';

const scope = self as unknown as DedicatedWorkerGlobalScope;
serveProcess(
  (listener) => scope.addEventListener('message', (event) => listener(event.data)),
  (message, transfer) => scope.postMessage(message, transfer ?? []),
);

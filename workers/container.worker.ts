// Browser entry of a container worker (a dedicated Web Worker per container).
import { serveContainer } from '../src/workers/serveContainer';

const scope = self as unknown as DedicatedWorkerGlobalScope;
serveContainer(scope, (message, transfer) => scope.postMessage(message, transfer ?? []));

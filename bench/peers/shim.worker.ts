// The shim baseline's worker in the browser (a module Web Worker).
import { serveShim } from './shimWorker';
import type { ShimReply, ShimRequest } from './shimProtocol';

const scope = self as unknown as { postMessage(message: ShimReply): void; addEventListener(type: 'message', listener: (event: MessageEvent<ShimRequest>) => void): void };
serveShim({
  postMessage: (message) => scope.postMessage(message),
  onMessage: (listener) => scope.addEventListener('message', (event) => listener(event.data)),
});

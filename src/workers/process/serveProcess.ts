// Wires a process worker's port to runProcess: one 'run' request, one program.
import type { ProcessWorkerRequest } from './processProtocol';
import { runProcess, type PostProcessMessage } from './ProcessRuntime';

export function serveProcess(onRequest: (listener: (request: ProcessWorkerRequest) => void) => void, post: PostProcessMessage): void {
  onRequest((request) => {
    if (request?.type === 'run') void runProcess(request.spec, post);
  });
  post({ type: 'ready' });
}

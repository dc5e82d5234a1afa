// Wires a ContainerRuntime to the port of the worker it runs in. Shared by
// the browser and Node worker entry points (workers/), which differ only in
// how they reach their port and how they start process workers.

import { expose, type Endpoint } from 'comlink';
import { ContainerRuntime, type PostMessage } from './ContainerRuntime';
import type { ProcessWorkerFactory } from './kernel/ProcessWorkerPool';
import { PROTOCOL_VERSION } from './protocol';

export function serveContainer(endpoint: Endpoint, post: PostMessage, processWorkers: ProcessWorkerFactory): void {
  expose(new ContainerRuntime(post, processWorkers), endpoint);
  post({ flotilla: PROTOCOL_VERSION, type: 'ready', runId: 0 });
}

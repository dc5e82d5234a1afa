// Wires a ContainerRuntime to the port of the worker it runs in. Shared by
// the browser and Node worker entry points (workers/), which differ only in
// how they reach their port.

import { expose, type Endpoint } from 'comlink';
import { ContainerRuntime, type PostMessage } from './ContainerRuntime';
import { PROTOCOL_VERSION } from './protocol';

export function serveContainer(endpoint: Endpoint, post: PostMessage): void {
  expose(new ContainerRuntime(post), endpoint);
  post({ flotilla: PROTOCOL_VERSION, type: 'ready', runId: 0 });
}

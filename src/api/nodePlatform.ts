// Node defaults: images from build/images, containers in worker_threads.
import { fileURLToPath } from 'node:url';
import { NodeImageSource } from '../images/NodeImageSource';
import { NodeWorkerFactory } from '../kernel/NodeWorkerFactory';

export function defaultImageSource(): NodeImageSource {
  return new NodeImageSource(fileURLToPath(new URL('../../build/images/', import.meta.url)));
}

export function defaultWorkerFactory(): NodeWorkerFactory {
  return new NodeWorkerFactory();
}

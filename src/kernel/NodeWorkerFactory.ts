// Container workers in Node: worker_threads running the bundle that
// scripts/build-workers.mjs makes from workers/container.node-worker.ts.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { WorkerFactory, WorkerHandle } from './WorkerHandle';

// Joined at run time so browser bundlers do not copy the Node bundle as an asset.
const DEFAULT_BUNDLE = new URL(['..', '..', 'build', 'workers', 'container.node-worker.mjs'].join('/'), import.meta.url);

export class NodeWorkerFactory implements WorkerFactory {
  constructor(private readonly _bundle: URL = DEFAULT_BUNDLE) {
    if (!existsSync(fileURLToPath(this._bundle))) {
      throw new Error(`container worker bundle missing at ${fileURLToPath(this._bundle)}: run \`node scripts/build.mjs\``);
    }
  }

  spawn(name: string): WorkerHandle {
    const worker = new Worker(this._bundle, { name });
    // Idle pooled workers must not keep a CLI process alive.
    worker.unref();
    let exitedOnPurpose = false;
    return {
      endpoint: nodeEndpoint(worker),
      onMessage: (listener) => worker.on('message', listener),
      onCrash: (listener) => {
        worker.on('error', (error) => listener(error instanceof Error ? error.message : String(error)));
        worker.on('exit', (code) => { if (!exitedOnPurpose) listener(`the worker exited with code ${code}`); });
      },
      terminate: async () => {
        exitedOnPurpose = true;
        await worker.terminate();
      },
    };
  }
}

// Node's side of the peer benchmarks: worker_threads workers for the shim
// baseline (its worker bundled by esbuild) and the process's memory.

import { build } from 'esbuild';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { ROOT } from './programs';
import type { ShimWorkerHandle } from './shim';
import type { ShimReply } from './shimProtocol';

const SHIM_WORKER = join(ROOT, 'build/bench/shim.node-worker.mjs');

export async function buildNodeShimWorker(): Promise<void> {
  await build({
    entryPoints: [join(ROOT, 'bench/peers/shim.node-worker.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile: SHIM_WORKER,
    logLevel: 'warning',
  });
}

export function spawnNodeShimWorker(): ShimWorkerHandle {
  const worker = new Worker(SHIM_WORKER);
  return {
    postMessage: (message) => worker.postMessage(message),
    onMessage: (listener) => worker.on('message', (message: ShimReply) => listener(message)),
    onError: (listener) => worker.on('error', (error: Error) => listener(error.message)),
    terminate: () => void worker.terminate(),
  };
}

let collect: (() => void) | undefined;

/** A full garbage collection of the main isolate (flag set at run time: tsx starts node without --expose-gc). */
export function gc(): void {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
}

/** The process's resident set (every worker thread included), after a GC, median of 3 samples 200 ms apart. */
export async function processRss(): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 200));
    samples.push(process.memoryUsage().rss);
  }
  return samples.sort((a, b) => a - b)[1]!;
}

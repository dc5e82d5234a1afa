// The bench page: every step of the peer benchmarks, callable from Playwright as
// `peerBench.call(peer, step, args)`. Flotilla runs on the page (as in the
// playground), the shim's instances in Web Workers the page starts, and
// @wasmer/sdk in a dedicated worker (never on the page's main thread, see
// PLATFORM.md), which loads the SDK unbundled from /vendor/wasmer-sdk/.

import { FlotillaSteps } from './flotilla';
import { ShimSteps } from './shim';
import type { ShimReply } from './shimProtocol';

type Steps = Record<string, (args: unknown) => Promise<unknown>>;

const bytes = async (name: string) => new Uint8Array(await (await fetch(`/programs/${name}.wasm`)).arrayBuffer());

const flotilla = new FlotillaSteps(() => bytes('iobench'));

const shim = new ShimSteps(() => {
  const worker = new Worker(new URL('./shim.worker.ts', import.meta.url), { type: 'module' });
  return {
    postMessage: (message) => worker.postMessage(message),
    onMessage: (listener) => worker.addEventListener('message', (event: MessageEvent<ShimReply>) => listener(event.data)),
    onError: (listener) => worker.addEventListener('error', (event) => listener(event.message || 'worker error')),
    terminate: () => worker.terminate(),
  };
}, bytes);

/** Forwards wasmer steps to wasmer.worker.ts, started on first use. */
function wasmerProxy(): Steps {
  let worker: Worker | undefined;
  let next = 0;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const start = () => {
    const created = new Worker(new URL('./wasmer.worker.ts', import.meta.url), { type: 'module' });
    created.addEventListener('message', (event: MessageEvent<{ id: number; result?: unknown; error?: string }>) => {
      const call = pending.get(event.data.id);
      pending.delete(event.data.id);
      if (event.data.error !== undefined) call?.reject(new Error(event.data.error));
      else call?.resolve(event.data.result);
    });
    created.addEventListener('error', (event) => {
      for (const call of pending.values()) call.reject(new Error(`the wasmer worker failed: ${event.message}`));
      pending.clear();
    });
    return created;
  };
  return new Proxy({}, {
    get: (_target, step: string) => (args: unknown) => new Promise((resolve, reject) => {
      worker ??= start();
      const id = next++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, step, args });
    }),
  });
}

const peers: Record<string, Steps> = {
  flotilla: flotilla as unknown as Steps,
  shim: shim as unknown as Steps,
  wasmer: wasmerProxy(),
};

let ballast: Uint8Array | undefined;

(globalThis as { peerBench?: unknown }).peerBench = {
  isolated: globalThis.crossOriginIsolated,
  call: (peer: string, step: string, args: unknown) => {
    const steps = peers[peer];
    if (!steps) throw new Error(`no peer ${peer}`);
    return steps[step]!.call(steps, args);
  },
  /** Touches (or, with 0, drops) a buffer of `mib` MiB, so the driver can tell this page's renderer process by its memory. */
  ballast: (mib: number) => {
    ballast = mib > 0 ? new Uint8Array(mib * 2 ** 20).fill(1) : undefined;
    return ballast?.length ?? 0;
  },
};

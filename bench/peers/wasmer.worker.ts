// @wasmer/sdk's host in the browser: a dedicated worker (on the page's main
// thread the SDK sometimes leaves runs unsettled, PLATFORM.md). It imports
// the SDK's browser entry unbundled from /vendor/wasmer-sdk/ (served from
// node_modules by site.ts: the SDK finds its wasm and its own workers by URLs
// relative to its files) and answers the page's { id, step, args } calls.

import { WasmerSteps, type WasmerClass } from './wasmer';

const SDK = '/vendor/wasmer-sdk/dist/index.js';
const bytes = async (name: string) => new Uint8Array(await (await fetch(`/programs/${name}.wasm`)).arrayBuffer());

// The SDK's own workers report their failures (e.g. the renderer's wasm
// memory budget exhausted) as uncaught errors that bubble up to this scope:
// keep the message for the step's result instead of failing the page.
let lastWorkerError: string | undefined;
self.addEventListener('error', (event) => {
  lastWorkerError = event.message.split('\n')[0];
  event.preventDefault();
});

let steps: Promise<{ steps: WasmerSteps; importMs: number }> | undefined;

function load(): Promise<{ steps: WasmerSteps; importMs: number }> {
  return steps ??= (async () => {
    const started = performance.now();
    const sdk = (await import(/* @vite-ignore */ new URL(SDK, location.origin).href)) as { Wasmer: WasmerClass };
    return { steps: new WasmerSteps(sdk.Wasmer, bytes), importMs: performance.now() - started };
  })();
}

self.addEventListener('message', async (event: MessageEvent<{ id: number; step: string; args: unknown }>) => {
  const { id, step, args } = event.data;
  try {
    const { steps: loaded, importMs } = await load();
    let result = await (loaded as unknown as Record<string, (args: unknown) => Promise<unknown>>)[step]!.call(loaded, args);
    if (step === 'init') result = { ...(result as object), importMs };
    const outcome = result as { stoppedBy?: string; error?: string };
    if (step === 'maxLive' && outcome.stoppedBy === 'failure' && lastWorkerError) result = { ...outcome, error: `${outcome.error} (the SDK's worker: ${lastWorkerError})` };
    self.postMessage({ id, result });
  } catch (error) {
    const message = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
    self.postMessage({ id, error: lastWorkerError ? `${message} (the SDK's worker: ${lastWorkerError})` : message });
  }
});

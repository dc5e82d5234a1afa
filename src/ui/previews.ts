// Preview URLs: /preview/<container>/<port>/<path> opens what a container
// serves in an iframe or a tab of this browser. public/preview-sw.js
// catches those requests and asks this page, which sends them over the
// container network with rt.fetch.

import type { FlotillaRuntime } from '../api/types';

interface PreviewRequest {
  readonly type: 'flotilla-preview';
  readonly container: string;
  readonly port: number;
  readonly method: string;
  readonly path: string;
  readonly headers: [string, string][];
  readonly body?: ArrayBuffer;
}

/** The preview URL of a container's port (relative to this origin). */
export function previewUrl(container: string, port: number, path = '/'): string {
  return `/preview/${encodeURIComponent(container)}/${port}${path.startsWith('/') ? path : `/${path}`}`;
}

/**
 * Registers the preview service worker and answers its requests from `rt`.
 * Resolves once previews work (the worker is active); rejects when the
 * browser has no service workers (e.g. a non-secure origin).
 */
export async function servePreviews(rt: FlotillaRuntime, scriptUrl = '/preview-sw.js'): Promise<void> {
  if (!('serviceWorker' in navigator)) throw new Error('previews need service workers, which this page cannot use (is it served over http://localhost or https?)');
  navigator.serviceWorker.addEventListener('message', (event: MessageEvent) => {
    const data = event.data as PreviewRequest | undefined;
    const reply = event.ports[0];
    if (data?.type !== 'flotilla-preview' || !reply) return;
    void answer(rt, data).then(
      (response) => reply.postMessage({ ok: true, response }, response.body ? [response.body] : []),
      (error: unknown) => reply.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  navigator.serviceWorker.startMessages();
  const registration = await navigator.serviceWorker.register(scriptUrl, { scope: '/preview/' });
  // `navigator.serviceWorker.ready` is for workers controlling this page, and this page is outside /preview/.
  await activated(registration);
}

function activated(registration: ServiceWorkerRegistration): Promise<void> {
  if (registration.active) return Promise.resolve();
  const worker = registration.installing ?? registration.waiting;
  if (!worker) return Promise.reject(new Error('the preview service worker did not install'));
  return new Promise((resolve, reject) => {
    worker.addEventListener('statechange', () => {
      if (worker.state === 'activated') resolve();
      else if (worker.state === 'redundant') reject(new Error('the preview service worker failed to start'));
    });
  });
}

async function answer(rt: FlotillaRuntime, request: PreviewRequest) {
  const response = await rt.fetch(request.container, request.port, request.path, {
    method: request.method,
    headers: request.headers,
    body: request.body,
  });
  const body = request.method === 'HEAD' ? null : await response.arrayBuffer();
  return { status: response.status, statusText: response.statusText, headers: [...response.headers], body };
}

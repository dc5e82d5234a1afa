// @ts-check
/// <reference lib="webworker" />
// Flotilla's preview service worker: serves /preview/<container>/<port>/<path>
// from a container of the page that runs the runtime, the way a hosted
// sandbox gives a preview URL. The request is handed to that page
// (postMessage with a reply port); the page sends it over the container
// network with rt.fetch and hands the response back. Nothing leaves the tab.
// Plain JavaScript: service workers are served as they are (public/).

const sw = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));
const PREFIX = '/preview/';
const ANSWER_TIMEOUT_MS = 30_000;

sw.addEventListener('install', () => { void sw.skipWaiting(); });
sw.addEventListener('activate', (event) => { event.waitUntil(sw.clients.claim()); });

sw.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== sw.location.origin || !url.pathname.startsWith(PREFIX)) return;
  event.respondWith(preview(event.request, url));
});

/**
 * @param {Request} request
 * @param {URL} url
 * @returns {Promise<Response>}
 */
async function preview(request, url) {
  const [container = '', port = '', ...rest] = url.pathname.slice(PREFIX.length).split('/');
  if (!container || !/^\d+$/.test(port)) return page(400, 'Bad preview URL', `Use ${PREFIX}&lt;container&gt;/&lt;port&gt;/&lt;path&gt;.`);
  const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer();
  const message = {
    type: 'flotilla-preview',
    container: decodeURIComponent(container),
    port: Number(port),
    method: request.method,
    path: `/${rest.join('/')}${url.search}`,
    headers: [...request.headers],
    body,
  };
  // Every page of this origin may run a runtime: the first that knows the container answers.
  const clients = (await sw.clients.matchAll({ type: 'window', includeUncontrolled: true }))
    .filter((client) => !new URL(client.url).pathname.startsWith(PREFIX));
  try {
    const answer = await Promise.any(clients.map((client) => ask(client, message)));
    const headers = new Headers(answer.headers);
    // The playground is cross-origin isolated: what it embeds must say it may be embedded.
    headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
    headers.set('Cross-Origin-Resource-Policy', 'same-origin');
    headers.set('Cross-Origin-Opener-Policy', 'same-origin');
    return new Response(answer.body, { status: answer.status, statusText: answer.statusText, headers });
  } catch (error) {
    const reasons = error instanceof AggregateError ? error.errors.map(String) : [String(error)];
    const detail = clients.length === 0 ? 'No Flotilla page is open in this browser.' : reasons.join('<br>');
    return page(502, `Cannot reach ${message.container}:${message.port}`, detail);
  }
}

/**
 * @param {Client} client
 * @param {object} message
 * @returns {Promise<{ status: number, statusText: string, headers: [string, string][], body: ArrayBuffer | null }>}
 */
function ask(client, message) {
  return new Promise((resolve, reject) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => reject(new Error('the page did not answer')), ANSWER_TIMEOUT_MS);
    channel.port1.onmessage = (event) => {
      clearTimeout(timer);
      const data = event.data;
      if (data && data.ok) resolve(data.response);
      else reject(new Error(data && data.error ? data.error : 'no answer'));
    };
    client.postMessage(message, [channel.port2]);
  });
}

/**
 * @param {number} status
 * @param {string} title
 * @param {string} detail
 */
function page(status, title, detail) {
  const html = `<!doctype html><meta charset="utf-8"><title>${title}</title><h1>${title}</h1><p>${detail}</p>`;
  return new Response(html, {
    status,
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin' },
  });
}

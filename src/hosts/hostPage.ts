// The page of a host (host.html), opened by a fleet in an iframe on another
// site: boots a runtime in this renderer process and offers it to the
// embedding page over a MessagePort (comlink), once that page says hello
// from an origin it trusts.

import { expose } from 'comlink';
import { Runtime } from '../api';
import { keepErrorCodes } from './comlinkErrors';
import { HostAgent } from './HostAgent';
import { HOST_CONNECT, HOST_READY } from './protocol';

/** Containers a host runs at once: below Chromium's ≈124 live wasm memories per renderer, with room for process workers. */
const DEFAULT_CAPACITY = 100;

/**
 * Who may drive this host: pages on loopback names (development: the fleet
 * on 127.0.0.1 or localhost, hosts on h1.localhost, …) or on the same site
 * as this host (production: fleet.example.org with h1.example.org).
 */
export function trustedParent(parentOrigin: string, ownHost: string): boolean {
  let parent: URL;
  try {
    parent = new URL(parentOrigin);
  } catch {
    return false;
  }
  const loopback = (host: string) => host === 'localhost' || host.endsWith('.localhost') || host === '127.0.0.1' || host === '[::1]';
  if (loopback(parent.hostname) && loopback(ownHost)) return true;
  const site = (host: string) => host.split('.').slice(-2).join('.');
  return site(parent.hostname) === site(ownHost);
}

async function boot(): Promise<void> {
  keepErrorCodes();
  const status = document.getElementById('status');
  const parent = window.parent;
  if (parent === window) {
    if (status) status.textContent = 'This is a Flotilla host: a fleet page opens it in a frame.';
    return;
  }
  const params = new URLSearchParams(location.search);
  const capacity = Number(params.get('capacity') ?? DEFAULT_CAPACITY);
  let agent: HostAgent;
  try {
    const rt = await Runtime.create({ imageBaseUrl: new URL('images/', document.baseURI).href, poolSize: Number(params.get('pool') ?? 8) });
    agent = new HostAgent(rt, { origin: location.origin, capacity: Number.isInteger(capacity) && capacity > 0 ? capacity : DEFAULT_CAPACITY, crossOriginIsolated });
    addEventListener('pagehide', () => void rt.dispose());
  } catch (error) {
    parent.postMessage({ type: HOST_READY, error: error instanceof Error ? error.message : String(error) }, '*');
    return;
  }
  addEventListener('message', (event: MessageEvent) => {
    if (event.source !== parent || (event.data as { type?: string } | undefined)?.type !== HOST_CONNECT) return;
    if (!trustedParent(event.origin, location.hostname)) {
      console.warn(`flotilla host: refused a connection from ${event.origin}`);
      return;
    }
    const port = event.ports[0];
    if (port) expose(agent, port);
  });
  if (status) status.textContent = `Flotilla host ${location.host}: ready`;
  // Said to any origin: it carries nothing but readiness; the connection itself is checked above.
  parent.postMessage({ type: HOST_READY }, '*');
}

void boot();

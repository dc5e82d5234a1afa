// A host in an out-of-process iframe on another site (host.html): the page
// creates the frame, hands it a MessagePort, and talks to its HostAgent
// over comlink. Its renderer process has its own worker pool and its own
// budget of wasm memories.

import { proxy, wrap, type Remote } from 'comlink';
import { keepErrorCodes } from './comlinkErrors';
import { HOST_CONNECT, HOST_READY, type HostAgentApi, type HostEvent } from './protocol';

const CONNECT_TIMEOUT_MS = 60_000;

export interface FrameHostConnection {
  readonly api: Remote<HostAgentApi>;
  readonly frame: HTMLIFrameElement;
  readonly origin: string;
}

/**
 * Opens `url` (a host.html) in a hidden cross-origin-isolated iframe inside
 * `container` and connects to it. Rejects when it does not answer in time.
 */
export async function connectFrameHost(url: string, container: HTMLElement, onEvents: (events: HostEvent[]) => void): Promise<FrameHostConnection> {
  keepErrorCodes();
  const target = new URL(url, location.href);
  const frame = document.createElement('iframe');
  frame.allow = 'cross-origin-isolated';
  frame.title = `Flotilla host ${target.host}`;
  frame.className = 'flotilla-host-frame';
  frame.src = target.href;
  const ready = new Promise<MessagePort>((resolve, reject) => {
    const timer = setTimeout(() => {
      removeEventListener('message', onMessage);
      reject(new Error(`the host at ${target.origin} did not start within ${CONNECT_TIMEOUT_MS / 1000} s`));
    }, CONNECT_TIMEOUT_MS);
    const onMessage = (event: MessageEvent) => {
      if (event.source !== frame.contentWindow || event.origin !== target.origin) return;
      const data = event.data as { type?: string; error?: string } | undefined;
      if (data?.type !== HOST_READY) return;
      clearTimeout(timer);
      removeEventListener('message', onMessage);
      if (data.error) return reject(new Error(`the host at ${target.origin} failed to start: ${data.error}`));
      const channel = new MessageChannel();
      frame.contentWindow!.postMessage({ type: HOST_CONNECT }, target.origin, [channel.port2]);
      resolve(channel.port1);
    };
    addEventListener('message', onMessage);
  });
  container.append(frame);
  let port: MessagePort;
  try {
    port = await ready;
  } catch (error) {
    frame.remove();
    throw error;
  }
  const api = wrap<HostAgentApi>(port);
  await api.subscribe(proxy(onEvents));
  return { api, frame, origin: target.origin };
}

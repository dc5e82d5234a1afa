// The playground page: boots the runtime, exposes it as `window.flotilla`
// for automation, opens a terminal on a shell in a base container, and
// mounts the run and containers panels beside it.
import '@xterm/xterm/css/xterm.css';
import { Runtime } from '../api';
import type { FlotillaRuntime, ImageInfo } from '../api/types';
import { ContainersPanel } from './containers-panel';
import { $, h } from './dom';
import { errorMessage } from './format';
import { RunPanel } from './run-panel';
import { StatusPanel } from './status-panel';
import { TerminalPanel, type TerminalHook } from './terminal-panel';
import { previewUrl, servePreviews } from './previews';

/** performance.now() values for benchmarks. */
export interface FlotillaTiming {
  /** When the page's script started. */
  pageStart: number;
  /** When the runtime was ready. */
  runtimeReadyAt?: number;
  /** When the first terminal's view was open (its container created, not yet started). */
  terminalOpenedAt?: number;
  /** When the first terminal's first output (the shell's prompt) was in its buffer. */
  promptShownAt?: number;
}

declare global {
  interface Window {
    /** The playground's runtime, set once it is ready. */
    flotilla?: FlotillaRuntime;
    /** Resolves with the runtime once it is ready; rejects when booting failed. */
    flotillaReady?: Promise<FlotillaRuntime>;
    /** The open terminals, in tab order (read-only test hooks). */
    flotillaTerminals?: TerminalHook[];
    flotillaTiming?: FlotillaTiming;
    /** Resolves once preview URLs work (the preview service worker is active). */
    flotillaPreviews?: Promise<void>;
    /** The preview URL of a container's port: /preview/<container>/<port>/<path>. */
    flotillaPreviewUrl?: typeof previewUrl;
  }
}

const timing: FlotillaTiming = { pageStart: performance.now() };
window.flotillaTiming = timing;
window.flotillaPreviewUrl = previewUrl;
window.flotillaTerminals = [];

/** How long the page waits for the first shell's prompt before calling itself ready anyway. */
const FIRST_PROMPT_TIMEOUT_MS = 30_000;

/** `?pool=N` overrides the runtime's default worker pool size. */
function poolSizeFromUrl(): number | undefined {
  const value = new URLSearchParams(location.search).get('pool');
  if (value === null) return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

async function boot(): Promise<FlotillaRuntime> {
  const main = $('#main');
  main.classList.add('workspace');
  const status = new StatusPanel();
  const side = h('aside', { className: 'side-panel', 'aria-label': 'Run and containers' }, status.el);
  const booting = h('div', { className: 'terminal-panel term-booting', role: 'status' }, h('p', {}, 'Booting the runtime…'));
  const terminalSlot = h('div', { className: 'terminal-slot' }, booting);
  main.append(terminalSlot, side);

  const poolSize = poolSizeFromUrl();
  status.setPool(poolSize);
  const rt = await Runtime.create({
    imageBaseUrl: new URL('images/', document.baseURI).href,
    ...(poolSize === undefined ? {} : { poolSize }),
  });
  timing.runtimeReadyAt = performance.now();
  addEventListener('pagehide', () => void rt.dispose());

  // The first shell starts right away, while the other panels load.
  let containers: ContainersPanel | undefined;
  const terminals = new TerminalPanel(rt, {
    onChange: () => {
      window.flotillaTerminals = terminals.hooks;
      containers?.render();
    },
  });
  booting.replaceWith(terminals.el);
  const first = firstTerminal(terminals);

  // Not in the FlotillaRuntime contract; shown when the runtime has it.
  const showPool = () => {
    const idle: unknown = (rt as { idleWorkers?: unknown }).idleWorkers;
    status.setPool(poolSize, typeof idle === 'number' ? idle : undefined);
  };
  showPool();
  rt.onEvent((event) => {
    if (event.type !== 'log') showPool();
  });
  // The image list loads every image (ruby's is 30 MB): after the first prompt, not before.
  await first;
  const images = await rt.images();
  status.setImages(images.length);

  const run = new RunPanel(rt, images);
  // The terminal tabs' own shells are listed as tabs, not here.
  containers = new ContainersPanel(
    rt,
    (id) => run.show(rt.get(id)),
    (id) => {
      try {
        terminals.attach(id);
      } catch (error) {
        console.error(`attach ${id}: ${errorMessage(error)}`);
      }
    },
    (info) => terminals.owns(info),
    (info) => exposedPorts(images, info.image).map((port) => ({ port, url: previewUrl(info.name, port) })),
  );
  side.append(run.el, containers.el);

  window.flotilla = rt;
  status.setRuntime('ready');
  // Preview URLs (/preview/<container>/<port>/) for what containers serve; the playground works without them.
  window.flotillaPreviews = servePreviews(rt).catch((error: unknown) => {
    console.warn(`previews are off: ${errorMessage(error)}`);
    throw error;
  });
  window.flotillaPreviews.catch(() => {});

  // Ready once the runtime is and the first shell printed its prompt (or
  // could not start: the rest of the playground still works).
  document.body.dataset.ready = 'true';
  return rt;
}

/** The TCP ports an image exposes ("80/tcp" in its config). */
function exposedPorts(images: readonly ImageInfo[], name: string): number[] {
  const image = images.find((candidate) => candidate.name === name);
  return (image?.exposedPorts ?? []).map((port) => /^(\d+)(\/tcp)?$/.exec(port)?.[1]).filter((port): port is string => port !== undefined).map(Number);
}

async function firstTerminal(terminals: TerminalPanel): Promise<void> {
  let hook: TerminalHook;
  try {
    hook = await terminals.openNew();
  } catch (error) {
    document.body.dataset.terminalError = errorMessage(error);
    console.error(`the first terminal did not open: ${errorMessage(error)}`);
    return;
  }
  timing.terminalOpenedAt ??= performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), FIRST_PROMPT_TIMEOUT_MS)));
  const result = await Promise.race([hook.ready().then(() => 'ready' as const), timeout]);
  clearTimeout(timer);
  if (result === 'ready') {
    timing.promptShownAt = performance.now();
  } else {
    document.body.dataset.terminalError = 'the first shell printed nothing';
    console.error('the first shell printed no prompt in time');
  }
  terminals.focusActive();
}

window.flotillaReady = boot();
window.flotillaReady.catch((error: unknown) => {
  console.error(error);
  document.body.dataset.ready = 'error';
  document.body.dataset.error = errorMessage(error);
  const runtime = document.querySelector<HTMLElement>('#status-runtime');
  if (runtime) {
    runtime.dataset.state = 'failed';
    runtime.setAttribute('role', 'alert');
    runtime.textContent = `failed: ${errorMessage(error)}`;
  }
});

// The playground page: boots the runtime, exposes it as `window.flotilla`
// for automation, and mounts one module per panel. A terminal panel will be
// another module mounted the same way.
import { Runtime } from '../api';
import type { FlotillaRuntime } from '../api/types';
import { ContainersPanel } from './containers-panel';
import { $ } from './dom';
import { errorMessage } from './format';
import { RunPanel } from './run-panel';
import { StatusPanel } from './status-panel';

declare global {
  interface Window {
    /** The playground's runtime, set once it is ready. */
    flotilla?: FlotillaRuntime;
    /** Resolves with the runtime once it is ready; rejects when booting failed. */
    flotillaReady?: Promise<FlotillaRuntime>;
  }
}

/** `?pool=N` overrides the runtime's default worker pool size. */
function poolSizeFromUrl(): number | undefined {
  const value = new URLSearchParams(location.search).get('pool');
  if (value === null) return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

async function boot(): Promise<FlotillaRuntime> {
  const main = $('#main');
  const status = new StatusPanel();
  main.append(status.el);

  const poolSize = poolSizeFromUrl();
  status.setPool(poolSize);
  const rt = await Runtime.create({
    imageBaseUrl: new URL('images/', document.baseURI).href,
    ...(poolSize === undefined ? {} : { poolSize }),
  });
  // Not in the FlotillaRuntime contract; shown when the runtime has it.
  const showPool = () => {
    const idle: unknown = (rt as { idleWorkers?: unknown }).idleWorkers;
    status.setPool(poolSize, typeof idle === 'number' ? idle : undefined);
  };
  showPool();
  rt.onEvent((event) => {
    if (event.type !== 'log') showPool();
  });
  const images = await rt.images();
  status.setImages(images.length);

  const run = new RunPanel(rt, images);
  const containers = new ContainersPanel(rt, (id) => run.show(rt.get(id)));
  main.append(run.el, containers.el);

  window.flotilla = rt;
  status.setRuntime('ready');
  document.body.dataset.ready = 'true';
  addEventListener('pagehide', () => void rt.dispose());
  return rt;
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

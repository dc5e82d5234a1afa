// fleet.html: spawns N containers of an image across hosts (this page and
// host pages on other sites, each its own renderer process) and shows them
// as a live grid of tiles: state colour, last output line, host. Scale up
// and down, kill a random container, kill a host. Updates are batched per
// animation frame so the page stays responsive with hundreds of tiles.

import { Runtime } from '../../api';
import { Fleet, type FleetEvent, type HostInfo } from '../../hosts/Fleet';
import type { FleetContainer } from '../../hosts/FleetContainer';
import type { Placement } from '../../hosts/placement';
import { h } from '../dom';
import { errorMessage } from '../format';

declare global {
  interface Window {
    /** The fleet, once it is ready (test hook). */
    flotillaFleet?: Fleet;
    flotillaFleetReady?: Promise<Fleet>;
    /** Timings of the last spawn (test hook and the page's own display). */
    flotillaFleetTiming?: SpawnTiming;
  }
}

interface SpawnTiming {
  requested: number;
  startedAt: number;
  /** ms after the request until all were placed and running (or failed). */
  allRunningMs?: number;
  firstRunningMs?: number;
  failed: number;
}

const DEFAULT_COUNT = 200;
const IMAGES = ['ticker', 'httpd', 'hello', 'crash'];
const DEFAULT_ARGS: Record<string, string> = { ticker: '1000', crash: 'sleep 3600', hello: '', httpd: '' };

/** Frame hosts: ?hosts=N on hN.localhost (development), or ?host=URL repeated. */
function hostUrls(): string[] {
  const params = new URLSearchParams(location.search);
  const explicit = params.getAll('host');
  if (explicit.length > 0) return explicit;
  const loopback = location.hostname === '127.0.0.1' || location.hostname === 'localhost' || location.hostname.endsWith('.localhost');
  const count = Number(params.get('hosts') ?? (loopback ? 4 : 0));
  const port = location.port ? `:${location.port}` : '';
  const pool = params.get('pool');
  const query = pool ? `?pool=${encodeURIComponent(pool)}` : '';
  return Array.from({ length: Math.max(0, Math.min(count, 16)) }, (_, i) => `${location.protocol}//h${i + 1}.localhost${port}/host.html${query}`);
}

/** Another host page on a development name no host uses yet (h5.localhost, …). */
function nextHostUrl(fleet: Fleet): string | undefined {
  const loopback = location.hostname === '127.0.0.1' || location.hostname === 'localhost' || location.hostname.endsWith('.localhost');
  if (!loopback) return undefined;
  const used = new Set(fleet.hosts().map((host) => host.origin));
  const port = location.port ? `:${location.port}` : '';
  for (let i = 1; i < 64; i++) {
    const origin = `${location.protocol}//h${i}.localhost${port}`;
    if (!used.has(origin)) return `${origin}/host.html`;
  }
  return undefined;
}

class FleetView {
  readonly el: HTMLElement;
  private readonly _tiles = new Map<string, HTMLElement>();
  private readonly _dirty = new Set<string>();
  private readonly _grid = h('div', { className: 'fleet-grid', id: 'fleet-grid', role: 'list', 'aria-label': 'Containers' });
  private readonly _hostsEl = h('div', { className: 'fleet-hosts', id: 'fleet-hosts' });
  private readonly _totals = h('div', { className: 'fleet-totals', id: 'fleet-totals', 'aria-live': 'polite' });
  private readonly _log = h('div', { className: 'fleet-log', id: 'fleet-log' });
  private readonly _hostBoxes = new Map<string, HTMLElement>();
  private _scheduled = false;
  private _hostsDirty = true;

  constructor(private readonly _fleet: Fleet) {
    this.el = h('div', {}, this._hostsEl, this._totals, this._grid, this._log);
    _fleet.onEvent((event) => this._onEvent(event));
    for (const container of _fleet.list({ all: true })) this._dirty.add(container.id);
    this._schedule();
  }

  note(text: string): void {
    this._log.prepend(h('div', {}, `${new Date().toLocaleTimeString()} ${text}`));
    while (this._log.childElementCount > 50) this._log.lastElementChild!.remove();
  }

  private _onEvent(event: FleetEvent): void {
    if ('id' in event) this._dirty.add(event.id);
    if (event.type !== 'log') this._hostsDirty = true;
    if (event.type === 'host-lost' || event.type === 'host-removed') this.note(`host ${event.host.id} (${event.host.origin}) ${event.type === 'host-lost' ? 'lost' : 'removed'}: ${event.reason}`);
    if (event.type === 'host-added') this.note(`host ${event.host.id} added: ${event.host.origin}`);
    this._schedule();
  }

  private _schedule(): void {
    if (this._scheduled) return;
    this._scheduled = true;
    requestAnimationFrame(() => {
      this._scheduled = false;
      this._render();
    });
  }

  private _render(): void {
    for (const id of this._dirty) {
      let container: FleetContainer | undefined;
      try {
        container = this._fleet.get(id);
      } catch {
        container = undefined;
      }
      const tile = this._tiles.get(id);
      if (!container) {
        tile?.remove();
        this._tiles.delete(id);
        continue;
      }
      this._updateTile(tile ?? this._newTile(container), container);
    }
    this._dirty.clear();
    if (this._hostsDirty) {
      this._hostsDirty = false;
      this._renderHosts();
    }
    this._renderTotals();
  }

  private _newTile(container: FleetContainer): HTMLElement {
    const tile = h('div', { className: 'tile', role: 'listitem', 'data-id': container.id, 'data-name': container.name });
    this._tiles.set(container.id, tile);
    this._grid.append(tile);
    return tile;
  }

  private _updateTile(tile: HTMLElement, container: FleetContainer): void {
    const info = container.info();
    tile.dataset.state = info.state;
    tile.dataset.host = info.host;
    const exit = info.exit ? ` (${info.exit.reason === 'exited' ? `exit ${info.exit.exitCode}` : info.exit.reason})` : '';
    tile.title = `${info.name} on ${info.host}: ${info.state}${exit}${info.exit?.message ? ` — ${info.exit.message}` : ''}`;
    tile.replaceChildren(h('span', { className: 'host' }, `${info.host} `), container.lastLine || info.name);
  }

  private _renderHosts(): void {
    for (const host of this._fleet.hosts()) {
      let box = this._hostBoxes.get(host.id);
      if (!box) {
        box = h('div', { className: 'fleet-host', 'data-host': host.id });
        this._hostBoxes.set(host.id, box);
        this._hostsEl.append(box);
      }
      box.dataset.state = host.state;
      const percent = Math.min(100, Math.round((host.load / host.capacity) * 100));
      box.replaceChildren(
        h('b', {}, `${host.id} · ${host.kind === 'local' ? 'this page' : host.origin}`),
        h('span', { className: 'load' }, `${host.load} / ${host.capacity} running · ${host.state}${host.reason ? `: ${host.reason}` : ''}`),
        h('div', { className: 'bar' }, h('span', { style: `width:${percent}%` })),
      );
    }
  }

  private _renderTotals(): void {
    const all = this._fleet.list({ all: true });
    const count = (state: string) => all.filter((info) => info.state === state).length;
    const lost = all.filter((info) => info.exit?.reason === 'lost').length;
    const timing = window.flotillaFleetTiming;
    const ms = (value: number | undefined) => (value === undefined ? '…' : `${Math.round(value)} ms`);
    this._totals.replaceChildren(
      h('span', {}, 'running ', h('b', { id: 'total-running' }, String(count('running')))),
      h('span', {}, 'exited ', h('b', { id: 'total-exited' }, String(count('exited')))),
      h('span', {}, 'lost ', h('b', { id: 'total-lost' }, String(lost))),
      h('span', {}, 'hosts ', h('b', { id: 'total-hosts' }, String(this._fleet.hosts().filter((host) => host.state === 'ready').length))),
      ...(timing ? [h('span', { id: 'spawn-timing' }, `last spawn: ${timing.requested} containers, first running ${ms(timing.firstRunningMs)}, all running ${ms(timing.allRunningMs)}${timing.failed ? `, ${timing.failed} failed` : ''}`)] : []),
    );
  }
}

/** Starts `count` containers (each host its share at once) and records when the first and the last were running. */
async function spawn(fleet: Fleet, image: string, args: string[], count: number, view: FleetView): Promise<void> {
  const timing: SpawnTiming = { requested: count, startedAt: performance.now(), failed: 0 };
  window.flotillaFleetTiming = timing;
  const off = fleet.onEvent((event) => {
    if (event.type === 'started') timing.firstRunningMs ??= performance.now() - timing.startedAt;
  });
  try {
    const result = await fleet.runMany(image, count, { args });
    timing.failed = result.failed;
    timing.allRunningMs = performance.now() - timing.startedAt;
    view.note(`spawned ${result.containers.length} of ${count} ${image} in ${Math.round(timing.allRunningMs)} ms`);
    for (const error of new Set(result.errors)) view.note(error);
  } finally {
    off();
  }
}

async function boot(): Promise<Fleet> {
  const main = document.getElementById('fleet')!;
  const status = h('p', { id: 'fleet-status' }, 'Starting hosts…');
  main.append(status);
  // ?pool=N: warm workers per host (more makes bursts start faster, at ≈2 MiB each).
  const pool = Number(new URLSearchParams(location.search).get('pool') ?? 8);
  const rt = await Runtime.create({ imageBaseUrl: new URL('images/', document.baseURI).href, poolSize: Number.isInteger(pool) && pool >= 0 ? pool : 8 });
  addEventListener('pagehide', () => void rt.dispose());
  // Host frames stay on screen (small): browsers throttle frames they consider hidden.
  // Never moved once added: moving an iframe reloads it.
  const frameParent = h('div', { className: 'fleet-frames', 'aria-hidden': 'true' });
  main.append(frameParent);
  const fleet = await Fleet.create({ page: rt, frames: hostUrls(), frameParent });

  const image = h('select', { id: 'fleet-image', 'aria-label': 'Image' }, ...IMAGES.map((name) => h('option', { value: name }, name)));
  const args = h('input', { id: 'fleet-args', type: 'text', value: DEFAULT_ARGS.ticker!, 'aria-label': 'Arguments' });
  image.addEventListener('change', () => { args.value = DEFAULT_ARGS[image.value] ?? ''; });
  const count = h('input', { id: 'fleet-count', type: 'number', min: '1', max: '2000', value: String(Number(new URLSearchParams(location.search).get('n') ?? DEFAULT_COUNT)) });
  const placement = h('select', { id: 'fleet-placement', 'aria-label': 'Placement' }, h('option', { value: 'spread' }, 'spread'), h('option', { value: 'pack' }, 'pack'));
  placement.addEventListener('change', () => { fleet.placement = placement.value as Placement; });
  const hostChoice = h('select', { id: 'fleet-host-choice', 'aria-label': 'Host to kill' });
  const view = new FleetView(fleet);
  const refreshHostChoice = () => hostChoice.replaceChildren(...fleet.hosts().filter((host) => host.kind === 'frame' && host.state === 'ready').map((host: HostInfo) => h('option', { value: host.id }, `${host.id} ${host.origin}`)));
  fleet.onEvent((event) => { if (event.type.startsWith('host-')) refreshHostChoice(); });
  refreshHostChoice();

  const words = () => args.value.split(/\s+/).filter(Boolean);
  const live = () => fleet.list().map((info) => fleet.get(info.id));
  const act = (label: string, action: () => Promise<unknown>) => () => void action().catch((error: unknown) => view.note(`${label}: ${errorMessage(error)}`));
  const controls = h(
    'div',
    { className: 'fleet-controls' },
    h('label', {}, 'image', image),
    h('label', {}, 'arguments', args),
    h('label', {}, 'containers', count),
    h('label', {}, 'placement', placement),
    h('button', { type: 'button', id: 'fleet-spawn', onclick: act('spawn', () => spawn(fleet, image.value, words(), Number(count.value) || DEFAULT_COUNT, view)) }, 'Spawn'),
    h('button', { type: 'button', id: 'fleet-up', onclick: act('scale up', () => spawn(fleet, image.value, words(), 10, view)) }, '+10'),
    h('button', {
      type: 'button', id: 'fleet-down',
      onclick: act('scale down', async () => {
        const victims = live().sort((a, b) => b.info().createdAt - a.info().createdAt).slice(0, 10);
        await Promise.all(victims.map((container) => container.remove({ force: true })));
        view.note(`removed ${victims.length} containers`);
      }),
    }, '−10'),
    h('button', {
      type: 'button', id: 'fleet-kill-random',
      onclick: act('kill', async () => {
        const candidates = live();
        const victim = candidates[Math.floor(Math.random() * candidates.length)];
        if (!victim) return view.note('no running container to kill');
        await victim.kill();
        view.note(`killed ${victim.name} on ${victim.hostId}`);
      }),
    }, 'Kill a random container'),
    h('label', {}, 'host', hostChoice),
    h('button', {
      type: 'button', id: 'fleet-add-host',
      onclick: act('add host', async () => {
        const url = nextHostUrl(fleet);
        if (!url) return view.note('set ?host=URL to add hosts on this site');
        const host = await fleet.addHost(url);
        view.note(`${host.id} ready in its own process`);
      }),
    }, 'Add host'),
    h('button', { type: 'button', id: 'fleet-kill-host', onclick: act('kill host', async () => { if (hostChoice.value) fleet.removeHost(hostChoice.value, `host ${hostChoice.value} was killed from the fleet page`); }) }, 'Kill host'),
    h('button', {
      type: 'button', id: 'fleet-clear',
      onclick: act('clear', async () => {
        const done = fleet.list({ all: true }).filter((info) => info.state !== 'running' && info.exit?.reason !== 'lost');
        await Promise.all(done.map((info) => fleet.get(info.id).remove()));
      }),
    }, 'Remove exited'),
  );
  status.replaceWith(controls);
  main.insertBefore(view.el, frameParent);
  window.flotillaFleet = fleet;
  document.body.dataset.ready = 'true';
  if (new URLSearchParams(location.search).has('autostart')) controls.querySelector<HTMLButtonElement>('#fleet-spawn')!.click();
  return fleet;
}

window.flotillaFleetReady = boot();
window.flotillaFleetReady.catch((error: unknown) => {
  document.body.dataset.ready = 'error';
  document.body.dataset.error = errorMessage(error);
  document.getElementById('fleet')?.append(h('p', { className: 'error' }, `The fleet did not start: ${errorMessage(error)}`));
});

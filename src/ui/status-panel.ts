import { h } from './dom';

export type RuntimeState = 'booting' | 'ready' | 'failed';

/** The status line: isolation, runtime state, pool size, image count. */
export class StatusPanel {
  readonly el: HTMLElement;
  private readonly isolation: HTMLElement;
  private readonly runtime: HTMLElement;
  private readonly pool: HTMLElement;
  private readonly images: HTMLElement;

  constructor() {
    const isolated = globalThis.crossOriginIsolated === true;
    this.isolation = h('dd', { id: 'status-isolation', 'data-ok': String(isolated) }, isolated ? 'yes' : 'no');
    this.runtime = h('dd', { id: 'status-runtime', 'data-state': 'booting' }, 'booting…');
    this.pool = h('dd', { id: 'status-pool' }, '–');
    this.images = h('dd', { id: 'status-images' }, '–');
    this.el = h(
      'section',
      { className: 'panel status', 'aria-label': 'Status' },
      h(
        'dl',
        {},
        h('div', {}, h('dt', {}, 'Cross-origin isolated'), this.isolation),
        h('div', {}, h('dt', {}, 'Runtime'), this.runtime),
        h('div', {}, h('dt', {}, 'Worker pool'), this.pool),
        h('div', {}, h('dt', {}, 'Images'), this.images),
      ),
    );
    if (!isolated) {
      this.isolation.title = 'The page is not cross-origin isolated: serve it with COOP same-origin and COEP require-corp.';
    }
  }

  setRuntime(state: RuntimeState, detail?: string): void {
    this.runtime.dataset.state = state;
    this.runtime.textContent = detail ? `${state}: ${detail}` : state;
    if (state === 'failed') this.runtime.setAttribute('role', 'alert');
  }

  /** `size` as configured (undefined: the runtime's default); `idle`: warm workers now, when known. */
  setPool(size: number | undefined, idle?: number): void {
    const configured = size === undefined ? 'default size' : `size ${size}`;
    this.pool.textContent = idle === undefined ? configured : `${idle} idle (${configured})`;
  }

  setImages(count: number): void {
    this.images.textContent = String(count);
  }
}

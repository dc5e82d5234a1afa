import type { Container, ExitStatus, FlotillaRuntime, TtyDevice } from '../api/types';
import { TerminalView } from '../terminal';
import { h } from './dom';
import { describeExit, errorMessage } from './format';
import { containerHistoryStore } from './history-store';

/** The image a new terminal tab runs a shell in. */
export const SHELL_IMAGE = 'base';

/** A read-only view of one terminal for tests and benchmarks (`window.flotillaTerminals`). */
export interface TerminalHook {
  readonly id: number;
  readonly title: string;
  readonly containerId: string;
  readonly containerName: string;
  /** 'starting' | 'ready' (first output arrived) | 'exited' | 'error' */
  readonly state: TabState;
  readonly active: boolean;
  readonly element: HTMLElement;
  readonly columns: number;
  readonly rows: number;
  /** Keystrokes echoed so far. */
  readonly echoCount: number;
  /** The buffer as text, wrapped rows joined. */
  text(): string;
  /** The buffer's rows. */
  lines(): string[];
  /** Timings of recent echoes (performance.now() ms). */
  echoes(): { keyAt: number; echoedAt: number; parsedAt: number }[];
  /** Resolves when the first output is in the buffer. */
  ready(): Promise<void>;
}

type TabState = 'starting' | 'ready' | 'exited' | 'error';

interface Tab {
  readonly id: number;
  readonly container: Container;
  /** Created by this tab (removed when it closes), or attached to. */
  readonly owned: boolean;
  readonly view: TerminalView;
  readonly pane: HTMLElement;
  readonly button: HTMLButtonElement;
  readonly label: HTMLElement;
  readonly item: HTMLElement;
  readonly hook: TerminalHook;
  title: string;
  state: TabState;
  readonly offExit: () => void;
}

export interface TerminalPanelEvents {
  /** The tab set changed (opened, closed, activated, state). */
  onChange?: () => void;
  /** The first output of a tab is in its buffer. */
  onReady?: (hook: TerminalHook) => void;
}

/**
 * Terminal tabs: each a TerminalView on a container's TtyDevice. "+" opens
 * a shell in a new base container; "Attach" opens another view on a running
 * container's terminal (exec-style). Closing a tab removes the containers
 * it created.
 */
export class TerminalPanel {
  readonly el: HTMLElement;
  private readonly tabList: HTMLElement;
  private readonly stack: HTMLElement;
  private readonly attachMenu: HTMLElement;
  private readonly attachButton: HTMLButtonElement;
  private readonly tabs: Tab[] = [];
  private active: Tab | undefined;
  private nextId = 1;
  /** Names of containers being created for new tabs. */
  private readonly creating = new Set<string>();

  constructor(
    private readonly rt: FlotillaRuntime,
    private readonly events: TerminalPanelEvents = {},
  ) {
    this.tabList = h('div', { className: 'term-tabs', role: 'tablist', 'aria-label': 'Terminals' });
    const newButton = h(
      'button',
      { type: 'button', className: 'term-new', id: 'terminal-new', title: 'New terminal (a shell in a new base container)', 'aria-label': 'New terminal', onclick: () => void this.openNew().catch(() => undefined) },
      '+',
    );
    this.attachMenu = h('div', { className: 'term-attach-menu', role: 'menu', hidden: true });
    this.attachButton = h(
      'button',
      { type: 'button', className: 'term-attach', id: 'terminal-attach', 'aria-haspopup': 'menu', 'aria-expanded': 'false', title: 'Attach to a running container’s terminal', onclick: () => this.toggleAttachMenu() },
      'Attach',
    );
    this.stack = h('div', { className: 'term-stack' });
    this.el = h(
      'section',
      { className: 'terminal-panel', 'aria-label': 'Terminal' },
      h('div', { className: 'term-bar' }, this.tabList, newButton, h('div', { className: 'term-bar-spacer' }), h('div', { className: 'term-attach-wrap' }, this.attachButton, this.attachMenu)),
      this.stack,
    );
    this.attachMenu.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        this.closeAttachMenu();
        this.attachButton.focus();
      }
    });
    this.attachButton.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.closeAttachMenu();
    });
    document.addEventListener('click', (event) => {
      if (!this.attachMenu.hidden && !(event.target instanceof Node && this.el.querySelector('.term-attach-wrap')!.contains(event.target))) this.closeAttachMenu();
    });
  }

  /** True for containers a tab created (or is creating): the tabs show them. */
  owns(info: { id: string; name: string }): boolean {
    return this.creating.has(info.name) || this.tabs.some((tab) => tab.owned && tab.container.id === info.id);
  }

  get hooks(): TerminalHook[] {
    return this.tabs.map((tab) => tab.hook);
  }

  /** Opens a tab with a shell in a new container of the base image. */
  async openNew(): Promise<TerminalHook> {
    const name = this.freeName();
    const pane = this.placeholder(name);
    let container: Container;
    this.creating.add(name);
    try {
      // A login shell: it greets with /etc/motd, like a fresh ssh session.
      container = await this.rt.create(SHELL_IMAGE, { tty: true, name, env: { FLOTILLA_LOGIN: '1' } });
    } catch (error) {
      this.failPlaceholder(pane, `Could not create a ${SHELL_IMAGE} container: ${errorMessage(error)}`);
      throw error;
    } finally {
      this.creating.delete(name);
    }
    pane.remove();
    if (!container.tty) {
      await container.remove({ force: true }).catch(() => undefined);
      const message = `Container ${name} has no terminal device (the runtime does not support tty containers yet).`;
      this.failPlaceholder(this.placeholder(name), message);
      throw new Error(message);
    }
    const tab = this.addTab(container, true);
    try {
      await container.start();
    } catch (error) {
      tab.state = 'error';
      tab.pane.dataset.terminalReady = 'error';
      tab.view.notice(`\x1b[31mCould not start ${name}: ${errorMessage(error)}\x1b[0m`);
      this.changed(tab);
      throw error;
    }
    return tab.hook;
  }

  /** Opens another terminal on a container's TtyDevice, like `docker exec -it`/`attach`. */
  attach(idOrName: string): TerminalHook {
    const container = this.rt.get(idOrName);
    if (!container.tty) throw new Error(`${container.name} has no terminal (created without tty)`);
    const tab = this.addTab(container, false);
    tab.view.notice(`\x1b[2m[attached to ${container.name}; press Enter for a prompt]\x1b[0m`);
    return tab.hook;
  }

  /**
   * Opens a tab with a new shell inside a running container, on a terminal
   * of its own (`docker exec -it CONTAINER sh`); closing the tab ends it.
   */
  async execShell(idOrName: string): Promise<TerminalHook> {
    const container = this.rt.get(idOrName);
    const session = await container.exec(['/bin/sh'], { tty: true });
    const tab = this.addTab(container, false, { device: session.tty!, ended: session.wait(), end: () => session.kill('SIGKILL'), label: `${container.name} (exec)` });
    return tab.hook;
  }

  /** Containers whose terminal can be attached to. */
  attachable(): Container[] {
    return this.rt
      .list()
      .map((info) => {
        try {
          return this.rt.get(info.id);
        } catch {
          return undefined;
        }
      })
      .filter((c): c is Container => c !== undefined && c.tty !== undefined && c.state === 'running');
  }

  async close(id: number): Promise<void> {
    const index = this.tabs.findIndex((tab) => tab.id === id);
    if (index < 0) return;
    const [tab] = this.tabs.splice(index, 1);
    tab.offExit();
    tab.view.dispose();
    tab.pane.remove();
    tab.item.remove();
    if (this.active === tab) {
      this.active = undefined;
      const next = this.tabs[Math.min(index, this.tabs.length - 1)];
      if (next) this.activate(next);
    }
    this.events.onChange?.();
    if (tab.owned) await tab.container.remove({ force: true }).catch(() => undefined);
  }

  focusActive(): void {
    this.active?.view.focus();
  }

  /** `exec`: the tab shows an exec session's terminal instead of the container's own. */
  private addTab(container: Container, owned: boolean, exec?: { device: TtyDevice; ended: Promise<number>; end: () => void; label: string }): Tab {
    const id = this.nextId++;
    const pane = h('div', {
      className: 'term-pane',
      id: `terminal-${id}`,
      role: 'tabpanel',
      'data-terminal-ready': 'false',
      'data-container-id': container.id,
      'data-container-name': container.name,
    });
    pane.dataset.state = 'starting';
    const title = exec?.label ?? container.name;
    const label = h('span', { className: 'term-tab-label' }, title);
    const button = h(
      'button',
      { type: 'button', role: 'tab', className: 'term-tab', id: `terminal-tab-${id}`, 'aria-controls': pane.id, 'aria-selected': 'false', title: container.name },
      h('span', { className: 'term-dot', 'aria-hidden': 'true' }),
      label,
    );
    const closeButton = h('button', { type: 'button', className: 'term-close', 'aria-label': `Close ${container.name}`, title: 'Close' }, '×');
    const item = h('div', { className: 'term-tab-item' }, button, closeButton);
    this.tabList.append(item);
    this.stack.append(pane);

    // Visible before the view opens, so it fits its real size before the shell starts.
    this.showPane(pane);
    const view = new TerminalView(pane, exec?.device ?? container.tty!, {
      history: containerHistoryStore(container),
      onFirstOutput: () => {
        if (tab.state === 'starting') tab.state = 'ready';
        pane.dataset.terminalReady = 'true';
        this.changed(tab);
        this.events.onReady?.(tab.hook);
      },
    });
    const offExit = exec
      ? endOf(exec, (status) => this.exited(tab, { exitCode: status, reason: status > 128 ? 'killed' : 'exited', oomKilled: false, startedAt: 0, finishedAt: 0 }))
      : container.onExit((status) => this.exited(tab, status));
    const hook: TerminalHook = {
      id,
      get title() {
        return tab.title;
      },
      containerId: container.id,
      containerName: container.name,
      get state() {
        return tab.state;
      },
      get active() {
        return tab === panel.active;
      },
      element: pane,
      get columns() {
        return view.columns;
      },
      get rows() {
        return view.rows;
      },
      get echoCount() {
        return view.echoCount;
      },
      text: () => view.text(),
      lines: () => view.lines(),
      echoes: () => view.echoes.map((e) => ({ ...e })),
      ready: () => view.firstOutput,
    };
    const panel = this;
    const tab: Tab = { id, container, owned, view, pane, button, label, item, hook, title, state: 'starting', offExit };
    view.terminal.onTitleChange((title) => {
      tab.title = title || exec?.label || container.name;
      label.textContent = tab.title;
      button.title = `${tab.title} (${container.name})`;
    });
    button.addEventListener('click', () => this.activate(tab));
    closeButton.addEventListener('click', () => void this.close(id));
    button.addEventListener('auxclick', (event) => {
      if (event.button === 1) void this.close(id);
    });
    this.tabs.push(tab);
    this.activate(tab);
    return tab;
  }

  private activate(tab: Tab): void {
    this.active = tab;
    for (const other of this.tabs) {
      const selected = other === tab;
      other.button.setAttribute('aria-selected', String(selected));
      other.item.classList.toggle('active', selected);
    }
    this.showPane(tab.pane);
    tab.view.fit();
    tab.view.focus();
    this.events.onChange?.();
  }

  private showPane(pane: HTMLElement): void {
    for (const child of this.stack.children) (child as HTMLElement).hidden = child !== pane;
  }

  private exited(tab: Tab, status: ExitStatus): void {
    if (!this.tabs.includes(tab)) return;
    tab.state = 'exited';
    tab.pane.dataset.state = 'exited';
    const colour = status.exitCode === 0 ? '2' : '31';
    tab.view.notice(`\x1b[${colour}m[${describeExit(status).toLowerCase()} — close this tab, or press + for a new shell]\x1b[0m`);
    this.changed(tab);
  }

  private changed(tab: Tab): void {
    tab.item.dataset.state = tab.state;
    tab.pane.dataset.state = tab.state;
    this.events.onChange?.();
  }

  /** shell-1, shell-2, ...: the first name no container has. */
  private freeName(): string {
    const taken = new Set(this.rt.list({ all: true }).map((c) => c.name));
    for (const tab of this.tabs) taken.add(tab.container.name);
    for (const creating of this.creating) taken.add(creating);
    for (let n = 1; ; n++) if (!taken.has(`shell-${n}`)) return `shell-${n}`;
  }

  /** A pane shown while a container is being created. */
  private placeholder(name: string): HTMLElement {
    const pane = h('div', { className: 'term-pane term-placeholder', 'data-terminal-ready': 'false' }, h('p', {}, `Starting ${name}…`));
    this.stack.append(pane);
    this.showPane(pane);
    return pane;
  }

  private failPlaceholder(pane: HTMLElement, message: string): void {
    pane.dataset.terminalReady = 'error';
    pane.replaceChildren(h('p', { className: 'term-error', role: 'alert' }, message));
  }

  private toggleAttachMenu(): void {
    if (!this.attachMenu.hidden) return this.closeAttachMenu();
    const candidates = this.attachable();
    this.attachMenu.replaceChildren(
      ...(candidates.length === 0
        ? [h('p', { className: 'term-attach-empty' }, 'No running container has a terminal.')]
        : candidates.map((c) =>
            [
              h(
                'button',
                {
                  type: 'button',
                  role: 'menuitem',
                  onclick: () => {
                    this.closeAttachMenu();
                    this.attach(c.id);
                  },
                },
                h('span', { className: 'name' }, c.name),
                h('span', { className: 'image' }, c.info().image),
              ),
              h(
                'button',
                {
                  type: 'button',
                  role: 'menuitem',
                  title: `A new shell inside ${c.name}, on a terminal of its own (docker exec)`,
                  onclick: () => {
                    this.closeAttachMenu();
                    void this.execShell(c.id).catch((error: unknown) => console.error(`exec in ${c.name}: ${errorMessage(error)}`));
                  },
                },
                h('span', { className: 'name' }, `new shell in ${c.name}`),
                h('span', { className: 'image' }, 'exec'),
              ),
            ],
          ).flat()),
    );
    this.attachMenu.hidden = false;
    this.attachButton.setAttribute('aria-expanded', 'true');
    this.attachMenu.querySelector<HTMLElement>('button')?.focus();
  }

  private closeAttachMenu(): void {
    this.attachMenu.hidden = true;
    this.attachButton.setAttribute('aria-expanded', 'false');
  }
}

/** Calls `onEnd` with an exec session's status when it ends; returns an unsubscribe (ends the session when the tab goes first). */
function endOf(exec: { ended: Promise<number>; end: () => void }, onEnd: (status: number) => void): () => void {
  let live = true;
  exec.ended.then((status) => { if (live) onEnd(status); }, () => { if (live) onEnd(126); });
  return () => {
    if (!live) return;
    live = false;
    exec.end();
  };
}

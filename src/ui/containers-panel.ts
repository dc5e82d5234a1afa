import type { ContainerInfo, ContainerStats, FlotillaRuntime } from '../api/types';
import { formatArgs } from './args';
import { h } from './dom';
import { describeExit, errorMessage } from './format';

/** Every container of the runtime with its state; show, stop or remove one. */
export class ContainersPanel {
  readonly el: HTMLElement;
  private readonly body: HTMLTableSectionElement;
  private readonly empty: HTMLElement;
  private readonly count: HTMLElement;
  private scheduled = false;
  /** The usage cell of each listed container, refreshed in place (rows are not rebuilt for it). */
  private readonly usageCells = new Map<string, HTMLElement>();
  /** The last sample per container, for CPU % between two samples. */
  private readonly lastSample = new Map<string, ContainerStats>();

  constructor(
    private readonly rt: FlotillaRuntime,
    private readonly onShow: (id: string) => void,
    /** Opens a terminal on a running container's tty (rows of tty containers get an Attach button). */
    private readonly onAttach?: (id: string) => void,
    /** Containers not to list (the terminal tabs' own shells). */
    private readonly hide: (info: ContainerInfo) => boolean = () => false,
    /** Preview links of a running container: its image's exposed ports, each with its preview URL. */
    private readonly previews: (info: ContainerInfo) => Array<{ port: number; url: string }> = () => [],
  ) {
    this.body = h('tbody', { id: 'containers-body' });
    this.empty = h('p', { className: 'empty' }, 'No containers yet.');
    this.count = h('span', { className: 'count', id: 'containers-count' }, '0');
    const removeExited = h('button', { type: 'button', id: 'remove-exited', onclick: () => void this.removeExited() }, 'Remove exited');
    this.el = h(
      'section',
      { className: 'panel containers', 'aria-labelledby': 'containers-heading' },
      h('div', { className: 'panel-head' }, h('h2', { id: 'containers-heading' }, 'Containers', this.count), removeExited),
      h(
        'div',
        { className: 'table-wrap' },
        h(
          'table',
          { id: 'containers', 'aria-labelledby': 'containers-heading' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, 'Name'),
              h('th', { scope: 'col' }, 'Image'),
              h('th', { scope: 'col' }, 'Command'),
              h('th', { scope: 'col' }, 'State'),
              h('th', { scope: 'col' }, 'Exit'),
              h('th', { scope: 'col', title: 'CPU, memory and processes of running containers (container.stats())' }, 'Usage'),
              h('th', { scope: 'col' }, h('span', { className: 'visually-hidden' }, 'Actions')),
            ),
          ),
          this.body,
        ),
      ),
      this.empty,
    );
    rt.onEvent((event) => {
      if (event.type !== 'log') this.schedule();
    });
    this.render();
    // Reading stats is a few shared-memory loads per container: once a second is nothing.
    setInterval(() => this.refreshUsage(), USAGE_REFRESH_MS);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.render();
    });
  }

  render(): void {
    const list = this.rt
      .list({ all: true })
      .filter((info) => !this.hide(info))
      .sort((a, b) => b.createdAt - a.createdAt);
    this.usageCells.clear();
    this.body.replaceChildren(...list.map((info) => this.row(info)));
    this.refreshUsage();
    this.count.textContent = String(list.length);
    this.empty.hidden = list.length > 0;
  }

  private row(info: ContainerInfo): HTMLTableRowElement {
    const running = info.state === 'running' || info.state === 'created';
    const exit = info.exit;
    return h(
      'tr',
      { 'data-id': info.id, 'data-name': info.name, 'data-state': info.state },
      h('th', { scope: 'row' }, h('button', { type: 'button', className: 'link', title: `Show output of ${info.name}`, onclick: () => this.onShow(info.id) }, info.name)),
      h('td', {}, info.image),
      h('td', { className: 'command' }, formatArgs(info.command)),
      h('td', {}, h('span', { className: `state state-${info.state}` }, info.state)),
      h('td', { title: exit ? describeExit(exit) : '', className: exit && exit.exitCode !== 0 ? 'exit-bad' : 'exit' }, exit ? `${exit.exitCode} ${exit.reason === 'exited' ? '' : exit.reason}`.trim() : ''),
      this.usageCell(info),
      h(
        'td',
        { className: 'actions' },
        this.onAttach && info.state === 'running' && this.hasTty(info.id)
          ? h('button', { type: 'button', className: 'attach', 'aria-label': `Attach to ${info.name}`, title: 'Open a terminal on this container', onclick: () => this.onAttach?.(info.id) }, 'Attach')
          : null,
        ...(info.state === 'running' ? this.previews(info) : []).map(({ port, url }) =>
          h('a', { className: 'preview', href: url, target: '_blank', rel: 'noopener', title: `What ${info.name} serves on port ${port}, in a new tab`, 'aria-label': `Open port ${port} of ${info.name}` }, `:${port}`)),
        running
          ? h('button', { type: 'button', 'aria-label': `Stop ${info.name}`, onclick: () => void this.act(info.id, 'stop') }, 'Stop')
          : h('button', { type: 'button', 'aria-label': `Remove ${info.name}`, onclick: () => void this.act(info.id, 'remove') }, 'Remove'),
      ),
    );
  }

  private usageCell(info: ContainerInfo): HTMLElement {
    const cell = h('td', { className: 'usage' });
    if (info.state === 'running') this.usageCells.set(info.id, cell);
    return cell;
  }

  /** "12% · 3.2 MiB · 2 pids" in each running container's row; the details in its tooltip. */
  private refreshUsage(): void {
    for (const [id, cell] of this.usageCells) {
      let stats: ContainerStats;
      try {
        stats = this.rt.get(id).stats();
      } catch {
        continue; // removed meanwhile: the next render drops the row
      }
      const last = this.lastSample.get(id);
      this.lastSample.set(id, stats);
      const cpu = last && stats.time > last.time ? Math.max(0, Math.round(((stats.cpu.timeMs - last.cpu.timeMs) / (stats.time - last.time)) * 100)) : undefined;
      cell.textContent = `${cpu === undefined ? '–' : `${cpu}%`} · ${mib(stats.memory.bytes)} · ${stats.pids.current} pid${stats.pids.current === 1 ? '' : 's'}`;
      cell.title = [
        `CPU time ${Math.round(stats.cpu.timeMs)} ms`,
        `memory ${mib(stats.memory.bytes)} (peak ${mib(stats.memory.peakBytes)}, limit ${mib(stats.memory.limitBytes)})`,
        `processes ${stats.pids.current} of ${stats.pids.limit}; open files ${stats.fds.open} (limit ${stats.fds.limitPerProcess} each)`,
        `disk ${mib(stats.disk.bytes)} of ${mib(stats.disk.limitBytes)}, ${stats.disk.inodes} of ${stats.disk.limitInodes} inodes`,
        `log ${mib(stats.logs.bytes)} kept, ${mib(stats.logs.droppedBytes)} dropped`,
        `network ${mib(stats.network.bytesReceived)} in, ${mib(stats.network.bytesSent)} out, ${stats.network.openConnections} open connections`,
      ].join('\n');
    }
    for (const id of this.lastSample.keys()) if (!this.usageCells.has(id)) this.lastSample.delete(id);
  }

  private hasTty(id: string): boolean {
    try {
      return this.rt.get(id).tty !== undefined;
    } catch {
      return false;
    }
  }

  private async act(id: string, action: 'stop' | 'remove'): Promise<void> {
    try {
      const container = this.rt.get(id);
      if (action === 'stop') await container.stop({ timeoutMs: 2000 });
      else await container.remove({ force: true });
    } catch (error) {
      console.error(`${action} ${id}: ${errorMessage(error)}`);
    }
    this.schedule();
  }

  private async removeExited(): Promise<void> {
    const ended = this.rt.list({ all: true }).filter((c) => !this.hide(c) && (c.state === 'exited' || c.state === 'dead'));
    await Promise.allSettled(ended.map((c) => this.rt.get(c.id).remove()));
    this.schedule();
  }
}

const USAGE_REFRESH_MS = 1000;

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MiB`;
}

import type { Container, ExitStatus, LogChunk } from '../api/types';
import { h } from './dom';
import { describeExit, duration, errorMessage } from './format';

/** Characters kept in the output view; older text is dropped. */
const MAX_CHARS = 256 * 1024;

/**
 * Shows one container's stdout and stderr (stderr styled apart) and its exit
 * status. `attach()` switches to another container and replays what it has
 * already printed.
 */
export class OutputView {
  readonly el: HTMLElement;
  readonly log: HTMLPreElement;
  readonly status: HTMLElement;
  private readonly title: HTMLElement;
  private detach: (() => void) | undefined;
  private chars = 0;
  private generation = 0;

  constructor() {
    this.title = h('span', { className: 'output-title' });
    this.log = h('pre', {
      id: 'output',
      className: 'output',
      role: 'log',
      'aria-live': 'polite',
      'aria-label': 'Container output',
      tabindex: 0,
    });
    this.status = h('p', { id: 'exit-status', className: 'exit-status', role: 'status', 'aria-live': 'polite' });
    this.el = h('div', { className: 'output-view' }, this.title, this.log, this.status);
  }

  /** Shows `container` from now on; returns once it is subscribed. */
  attach(container: Container, label = container.name): void {
    this.detach?.();
    const generation = ++this.generation;
    this.clear();
    this.title.textContent = label;
    this.el.dataset.containerId = container.id;
    const decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
    const append = (chunk: LogChunk) => {
      // TextDecoder refuses views of shared memory: copy those.
      const bytes = chunk.data.buffer instanceof ArrayBuffer ? chunk.data : chunk.data.slice();
      const text = decoders[chunk.stream].decode(bytes, { stream: true });
      if (text) this.append(chunk.stream, text);
    };
    for (const chunk of container.logs()) append(chunk);
    const off = container.onLog(append);
    this.detach = off;
    if (container.state === 'created' || container.state === 'running') {
      this.setStatus('running', 'Running…');
    }
    container.wait().then(
      (status) => {
        if (generation === this.generation) this.showExit(status);
      },
      (error: unknown) => {
        if (generation === this.generation) this.showError(errorMessage(error));
      },
    );
  }

  /** Between Run and the container's creation. */
  starting(label: string): void {
    this.detach?.();
    this.detach = undefined;
    this.generation++;
    this.clear();
    this.title.textContent = label;
    this.setStatus('starting', 'Starting…');
  }

  clear(): void {
    this.log.replaceChildren();
    this.chars = 0;
    this.setStatus('idle', '');
    delete this.el.dataset.containerId;
  }

  showError(message: string): void {
    this.setStatus('error', message);
    this.status.setAttribute('role', 'alert');
  }

  private showExit(status: ExitStatus): void {
    this.setStatus(status.reason, `${describeExit(status)} after ${duration(status)}`);
    this.status.dataset.exitCode = String(status.exitCode);
    this.status.dataset.exitReason = status.reason;
  }

  private setStatus(state: string, text: string): void {
    this.status.setAttribute('role', 'status');
    this.status.dataset.state = state;
    delete this.status.dataset.exitCode;
    delete this.status.dataset.exitReason;
    this.status.textContent = text;
  }

  private append(stream: 'stdout' | 'stderr', text: string): void {
    const last = this.log.lastElementChild as HTMLElement | null;
    const atBottom = this.log.scrollTop + this.log.clientHeight >= this.log.scrollHeight - 4;
    if (last && last.dataset.stream === stream) {
      last.textContent += text;
    } else {
      this.log.append(h('span', { className: stream, 'data-stream': stream }, text));
    }
    this.chars += text.length;
    while (this.chars > MAX_CHARS && this.log.firstElementChild) {
      const first = this.log.firstElementChild;
      const len = first.textContent?.length ?? 0;
      const excess = this.chars - MAX_CHARS;
      if (len <= excess) {
        first.remove();
        this.chars -= len;
      } else {
        first.textContent = first.textContent!.slice(excess);
        this.chars -= excess;
      }
    }
    if (atBottom) this.log.scrollTop = this.log.scrollHeight;
  }
}

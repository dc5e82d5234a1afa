import type { Container, FlotillaRuntime, ImageInfo } from '../api/types';
import { formatArgs, parseArgs } from './args';
import { h } from './dom';
import { errorMessage } from './format';
import { OutputView } from './output-view';

/**
 * Pick an image, type arguments, run it; see its output and exit status;
 * type lines to its stdin. The containers panel can `show()` any container
 * here.
 */
export class RunPanel {
  readonly el: HTMLElement;
  readonly output = new OutputView();
  private readonly image: HTMLSelectElement;
  private readonly args: HTMLInputElement;
  private readonly openStdin: HTMLInputElement;
  private readonly runButton: HTMLButtonElement;
  private readonly stopButton: HTMLButtonElement;
  private readonly stdinInput: HTMLInputElement;
  private readonly sendButton: HTMLButtonElement;
  private readonly eofButton: HTMLButtonElement;
  private current: Container | undefined;
  private stdinOpen = false;

  constructor(private readonly rt: FlotillaRuntime, images: readonly ImageInfo[]) {
    this.image = h('select', { id: 'image', name: 'image', required: true });
    for (const image of images) {
      const command = formatArgs([...image.entrypoint, ...image.cmd]);
      this.image.append(h('option', { value: image.name, title: command }, image.name));
    }
    this.image.addEventListener('change', () => this.updatePlaceholder(images));
    this.args = h('input', {
      id: 'args',
      name: 'args',
      type: 'text',
      autocomplete: 'off',
      spellcheck: false,
      'aria-describedby': 'args-hint',
    });
    this.openStdin = h('input', { id: 'open-stdin', name: 'openStdin', type: 'checkbox', checked: true });
    this.runButton = h('button', { id: 'run', type: 'submit', disabled: images.length === 0 }, 'Run');
    this.stopButton = h('button', { id: 'stop', type: 'button', disabled: true, onclick: () => void this.stop() }, 'Stop');

    const runForm = h(
      'form',
      { className: 'run-form', 'aria-label': 'Run a container', onsubmit: (e: Event) => (e.preventDefault(), void this.run()) },
      h('div', { className: 'field' }, h('label', { for: 'image' }, 'Image'), this.image),
      h(
        'div',
        { className: 'field grow' },
        h('label', { for: 'args' }, 'Arguments'),
        this.args,
        h('small', { id: 'args-hint' }, 'Replace the image’s command; quote words with spaces. Empty runs the default.'),
      ),
      h('div', { className: 'field check' }, this.openStdin, h('label', { for: 'open-stdin' }, 'Keep stdin open (-i)')),
      h('div', { className: 'buttons' }, this.runButton, this.stopButton),
    );

    this.stdinInput = h('input', {
      id: 'stdin',
      name: 'stdin',
      type: 'text',
      autocomplete: 'off',
      spellcheck: false,
      disabled: true,
      placeholder: 'a line for the program; Enter sends it',
    });
    this.sendButton = h('button', { id: 'stdin-send', type: 'submit', disabled: true }, 'Send');
    this.eofButton = h(
      'button',
      { id: 'stdin-eof', type: 'button', disabled: true, onclick: () => this.closeStdin(), title: 'Close stdin: the program reads end of file' },
      'Close stdin (EOF)',
    );
    const stdinForm = h(
      'form',
      { className: 'stdin-form', 'aria-label': 'Standard input', onsubmit: (e: Event) => (e.preventDefault(), this.sendLine()) },
      h('label', { for: 'stdin' }, 'Stdin'),
      this.stdinInput,
      this.sendButton,
      this.eofButton,
    );

    this.el = h(
      'section',
      { className: 'panel run', 'aria-labelledby': 'run-heading' },
      h('h2', { id: 'run-heading' }, 'Run'),
      runForm,
      h('h3', {}, 'Output'),
      this.output.el,
      stdinForm,
    );
    this.updatePlaceholder(images);
  }

  /** Shows an existing container's output (from the containers list). */
  show(container: Container): void {
    this.follow(container, container.state === 'running' || container.state === 'created');
  }

  private updatePlaceholder(images: readonly ImageInfo[]): void {
    const image = images.find((i) => i.name === this.image.value);
    this.args.placeholder = image ? formatArgs(image.cmd) || '(no arguments)' : '';
  }

  private async run(): Promise<void> {
    let args: string[];
    try {
      args = parseArgs(this.args.value);
    } catch (error) {
      this.output.clear();
      this.output.showError(`Arguments: ${errorMessage(error)}`);
      return;
    }
    const image = this.image.value;
    const openStdin = this.openStdin.checked;
    this.runButton.disabled = true;
    this.output.starting(image);
    try {
      // create, subscribe, then start: no output is missed.
      const container = await this.rt.create(image, { ...(args.length > 0 ? { args } : {}), openStdin });
      this.follow(container, openStdin);
      await container.start();
    } catch (error) {
      this.output.clear();
      this.output.showError(`Could not run ${image}: ${errorMessage(error)}`);
      this.setRunning(false, false);
    } finally {
      this.runButton.disabled = false;
    }
  }

  private follow(container: Container, stdinOpen: boolean): void {
    this.current = container;
    this.output.attach(container, `${container.name} (${container.info().image})`);
    const ended = container.state === 'exited' || container.state === 'dead';
    this.setRunning(!ended, stdinOpen && !ended);
    void container.wait().then(
      () => this.current === container && this.setRunning(false, false),
      () => this.current === container && this.setRunning(false, false),
    );
  }

  private setRunning(running: boolean, stdinOpen: boolean): void {
    this.stopButton.disabled = !running;
    this.stdinOpen = stdinOpen;
    this.stdinInput.disabled = !stdinOpen;
    this.sendButton.disabled = !stdinOpen;
    this.eofButton.disabled = !stdinOpen;
  }

  private sendLine(): void {
    if (!this.current || !this.stdinOpen) return;
    this.current.stdin.write(`${this.stdinInput.value}\n`);
    this.stdinInput.value = '';
  }

  private closeStdin(): void {
    if (!this.current || !this.stdinOpen) return;
    this.current.stdin.close();
    this.setRunning(!this.stopButton.disabled, false);
  }

  private async stop(): Promise<void> {
    const container = this.current;
    if (!container) return;
    this.stopButton.disabled = true;
    try {
      await container.stop({ timeoutMs: 2000 });
    } catch (error) {
      this.output.showError(`Stop failed: ${errorMessage(error)}`);
    }
  }
}

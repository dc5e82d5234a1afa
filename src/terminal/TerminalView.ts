// An xterm.js terminal on a container's TtyDevice, through the line
// discipline: keys → LineDiscipline → device; device output → LineDiscipline
// → xterm. Fits its element (ResizeObserver + FitAddon) and tells the device
// its size. Uses only xterm.js's public API.

import { FitAddon } from '@xterm/addon-fit';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { Terminal, type ITheme } from '@xterm/xterm';
import type { TtyDevice } from '../api/types';
import { LineDiscipline, type HistoryStore } from './LineDiscipline';

/** One echoed keystroke, in performance.now() milliseconds. */
export interface EchoTiming {
  /** The keydown event's timestamp, when a key press caused it (NaN for pastes and synthetic input). */
  readonly keyAt: number;
  /** When the echo was handed to xterm.js (inside the onData handler). */
  readonly echoedAt: number;
  /** When xterm.js had parsed it into its buffer (NaN until then). */
  parsedAt: number;
}

export interface TerminalViewOptions {
  readonly history?: HistoryStore;
  readonly fontSize?: number;
  readonly fontFamily?: string;
  readonly theme?: ITheme;
  /** Called once, when the first program output is in the terminal's buffer (the shell's first prompt). */
  readonly onFirstOutput?: () => void;
}

export const DARK_THEME: ITheme = {
  background: '#0b0f14',
  foreground: '#dde3ea',
  cursor: '#7ee787',
  cursorAccent: '#0b0f14',
  selectionBackground: '#264f78',
  black: '#484f58',
  red: '#ff7b72',
  green: '#3fb950',
  yellow: '#d29922',
  blue: '#58a6ff',
  magenta: '#bc8cff',
  cyan: '#39c5cf',
  white: '#b1bac4',
  brightBlack: '#6e7681',
  brightRed: '#ffa198',
  brightGreen: '#56d364',
  brightYellow: '#e3b341',
  brightBlue: '#79c0ff',
  brightMagenta: '#d2a8ff',
  brightCyan: '#56d4dd',
  brightWhite: '#ffffff',
};

export const MONO_FONTS = "ui-monospace, 'SFMono-Regular', 'JetBrains Mono', 'Cascadia Mono', Menlo, 'DejaVu Sans Mono', 'Liberation Mono', Consolas, monospace";

/** Echo timings kept (the most recent ones). */
const MAX_ECHOES = 2000;

export class TerminalView {
  readonly terminal: Terminal;
  readonly discipline: LineDiscipline;
  /** Resolves when the first program output is in the buffer. */
  readonly firstOutput: Promise<void>;
  /** Keystrokes echoed so far. */
  echoCount = 0;
  readonly echoes: EchoTiming[] = [];
  private readonly fitAddon = new FitAddon();
  private readonly cleanup: (() => void)[] = [];
  private lastKeyAt = Number.NaN;
  private resolveFirst: () => void = () => undefined;
  private sawOutput = false;
  private fitScheduled = 0;
  private disposed = false;

  constructor(
    readonly element: HTMLElement,
    readonly device: TtyDevice,
    private readonly options: TerminalViewOptions = {},
  ) {
    this.firstOutput = new Promise((resolve) => (this.resolveFirst = resolve));
    this.terminal = new Terminal({
      fontFamily: options.fontFamily ?? MONO_FONTS,
      fontSize: options.fontSize ?? 14,
      lineHeight: 1.15,
      cursorBlink: true,
      cursorStyle: 'block',
      scrollback: 5000,
      theme: options.theme ?? DARK_THEME,
      // The line discipline turns program newlines into CR LF itself.
      convertEol: false,
      allowProposedApi: false,
    });
    this.terminal.loadAddon(this.fitAddon);
    this.terminal.loadAddon(new WebLinksAddon());
    this.terminal.open(element);
    this.fitNow();

    this.discipline = new LineDiscipline({
      device,
      columns: this.terminal.cols,
      history: options.history,
      write: (data) => this.terminal.write(data),
      onEcho: () => this.recordEcho(),
    });

    this.terminal.attachCustomKeyEventHandler((event) => {
      if (event.type !== 'keydown') return true;
      // Ctrl-C is SIGINT: copy is Ctrl-Shift-C (with a selection); Ctrl-Shift-V is the browser's paste.
      if (event.ctrlKey && event.shiftKey && !event.altKey && (event.key === 'C' || event.key === 'c') && this.terminal.hasSelection()) {
        void navigator.clipboard?.writeText(this.terminal.getSelection()).catch(() => undefined);
        event.preventDefault();
        return false;
      }
      if (event.ctrlKey && event.shiftKey && !event.altKey && (event.key === 'V' || event.key === 'v')) return false;
      this.lastKeyAt = event.timeStamp;
      return true;
    });
    const onData = this.terminal.onData((data) => this.discipline.receive(data));
    const onResize = this.terminal.onResize(({ cols, rows }) => {
      this.discipline.resize(cols);
      device.resize(cols, rows);
    });
    const offOutput = device.onOutput((bytes) => this.output(bytes));
    this.cleanup.push(
      () => onData.dispose(),
      () => onResize.dispose(),
      offOutput,
    );
    device.resize(this.terminal.cols, this.terminal.rows);

    if (typeof ResizeObserver === 'function') {
      const observer = new ResizeObserver(() => this.scheduleFit());
      observer.observe(element);
      this.cleanup.push(() => observer.disconnect());
    }
  }

  get columns(): number {
    return this.terminal.cols;
  }

  get rows(): number {
    return this.terminal.rows;
  }

  focus(): void {
    this.terminal.focus();
  }

  /** Fits the terminal to its element now (when the element has a size). */
  fit(): void {
    this.fitNow();
  }

  /** A line local to the page (not from a program), e.g. "[exited]", on a line of its own. */
  notice(text: string): void {
    this.discipline.output(`${this.discipline.atLineStart ? '' : '\r\n'}${text}\r\n`);
  }

  /** Every row of the buffer (scrollback included), right-trimmed. */
  lines(): string[] {
    const buffer = this.terminal.buffer.active;
    const out: string[] = [];
    for (let i = 0; i < buffer.length; i++) out.push((buffer.getLine(i)?.translateToString(true) ?? '').trimEnd());
    while (out.length > 0 && out[out.length - 1] === '') out.pop();
    return out;
  }

  /** The buffer as text: wrapped rows joined back into their lines. */
  text(): string {
    const buffer = this.terminal.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buffer.length; i++) {
      const line = buffer.getLine(i);
      if (!line) continue;
      const text = line.translateToString(true);
      if (line.isWrapped && lines.length > 0) lines[lines.length - 1] += text;
      else lines.push(text);
    }
    for (let i = 0; i < lines.length; i++) lines[i] = lines[i].trimEnd();
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    return lines.join('\n');
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    cancelAnimationFrame(this.fitScheduled);
    for (const fn of this.cleanup.splice(0)) {
      try {
        fn();
      } catch {
        // keep releasing the rest
      }
    }
    this.discipline.dispose();
    this.terminal.dispose();
  }

  private output(bytes: Uint8Array): void {
    if (this.disposed) return;
    this.discipline.output(bytes);
    if (!this.sawOutput) {
      this.sawOutput = true;
      this.terminal.write('', () => {
        this.options.onFirstOutput?.();
        this.resolveFirst();
      });
    }
  }

  private recordEcho(): void {
    const keyAt = this.lastKeyAt;
    this.lastKeyAt = Number.NaN; // one key press, one echo
    const timing: EchoTiming = { keyAt, echoedAt: performance.now(), parsedAt: Number.NaN };
    this.echoCount++;
    this.echoes.push(timing);
    if (this.echoes.length > MAX_ECHOES) this.echoes.splice(0, this.echoes.length - MAX_ECHOES);
    this.terminal.write('', () => (timing.parsedAt = performance.now()));
  }

  private scheduleFit(): void {
    if (this.fitScheduled || this.disposed) return;
    this.fitScheduled = requestAnimationFrame(() => {
      this.fitScheduled = 0;
      this.fitNow();
    });
  }

  private fitNow(): void {
    if (this.disposed) return;
    const size = this.fitAddon.proposeDimensions();
    if (!size || !Number.isFinite(size.cols) || !Number.isFinite(size.rows) || size.cols < 2 || size.rows < 1) return;
    if (size.cols === this.terminal.cols && size.rows === this.terminal.rows) return;
    this.fitAddon.fit();
  }
}

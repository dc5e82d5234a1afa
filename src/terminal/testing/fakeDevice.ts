// A TtyDevice stand-in for unit tests: records what the line discipline
// sends, answers completions from a function, and lets a test play program
// output.

import type { Subscribe, TtyDevice } from '../../api/types';

export class FakeTtyDevice implements TtyDevice {
  /** Every `input()` call, decoded. */
  readonly inputs: string[] = [];
  readonly signals: number[] = [];
  readonly completions: { line: string; cursor: number }[] = [];
  readonly sizes: { columns: number; rows: number }[] = [];
  eofs = 0;
  /** Answers `complete()`; no completions by default. */
  completer: (line: string, cursor: number) => string[] | Promise<string[]> = () => [];
  private readonly listeners = new Set<(bytes: Uint8Array) => void>();

  input(bytes: Uint8Array | string): void {
    this.inputs.push(typeof bytes === 'string' ? bytes : new TextDecoder().decode(bytes));
  }

  eof(): void {
    this.eofs++;
  }

  signal(signal: number): void {
    this.signals.push(signal);
  }

  resize(columns: number, rows: number): void {
    this.sizes.push({ columns, rows });
  }

  readonly onOutput: Subscribe<Uint8Array> = (listener) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  complete(line: string, cursor: number): Promise<string[]> {
    this.completions.push({ line, cursor });
    return Promise.resolve(this.completer(line, cursor));
  }

  /** Plays program output to the subscribers. */
  print(text: string): void {
    const bytes = new TextEncoder().encode(text);
    for (const listener of this.listeners) listener(bytes);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}

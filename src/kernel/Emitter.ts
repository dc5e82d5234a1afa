// A private event emitter with a public read-only subscription (xterm.js's
// pattern): owners call fire(), everyone else only sees `event`.

import type { Subscribe } from '../api/types';

export class Emitter<T> {
  private readonly _listeners = new Set<(event: T) => void>();

  readonly event: Subscribe<T> = (listener) => {
    this._listeners.add(listener);
    return () => this._listeners.delete(listener);
  };

  fire(event: T): void {
    for (const listener of [...this._listeners]) {
      try {
        listener(event);
      } catch (error) {
        // A listener's bug must not break the supervisor or other listeners.
        queueMicrotask(() => { throw error; });
      }
    }
  }

  clear(): void {
    this._listeners.clear();
  }
}

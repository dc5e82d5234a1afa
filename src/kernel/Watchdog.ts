// Notices a container whose worker stopped answering. A running container
// shows signs of life in its control block: its worker beats at every
// syscall and interrupt check of a program on its thread (instrumented
// programs check about once a millisecond even in a tight loop) and from a
// timer on its event loop; a program blocked in a wait is alive by
// definition. One that shows none for `stuckAfterMs` is reported, so the
// supervisor can end it (its worker is terminated, the container is dead
// with the reason) instead of waiting on it forever.

export interface Watched {
  readonly id: string;
  /** The worker's sign-of-life counter now. */
  beats(): number;
  /** True while its program is blocked in a wait (stdin, a pipe, sleep). */
  sleeping(): boolean;
  /** False for a program the runtime could not instrument: a long computation without checks is not a hang. */
  readonly watchable: boolean;
}

export interface WatchdogOptions {
  readonly stuckAfterMs: number;
  readonly now?: () => number;
}

interface Seen {
  beats: number;
  since: number;
}

export class Watchdog {
  private readonly _seen = new Map<string, Seen>();
  private readonly _now: () => number;

  constructor(private readonly _options: WatchdogOptions) {
    this._now = _options.now ?? (() => performance.now());
  }

  /** Looks at every running container once; returns those silent for too long (each reported once). */
  check(running: Iterable<Watched>): Watched[] {
    const now = this._now();
    const stuck: Watched[] = [];
    const present = new Set<string>();
    for (const container of running) {
      present.add(container.id);
      const beats = container.beats();
      const seen = this._seen.get(container.id);
      if (!seen || seen.beats !== beats || container.sleeping() || !container.watchable) {
        this._seen.set(container.id, { beats, since: now });
        continue;
      }
      if (now - seen.since >= this._options.stuckAfterMs) {
        stuck.push(container);
        this._seen.delete(container.id);
      }
    }
    for (const id of this._seen.keys()) if (!present.has(id)) this._seen.delete(id);
    return stuck;
  }
}

// State shared by a shell and everything it forks (subshells, pipeline
// stages, nested script shells): history, Ctrl-C delivery, running groups.

import { InterruptSignal } from './errors';
import type { Io } from './io';
import type { ProcessGroup } from './jobs';

/** State shared by a shell and everything it forks (subshells, pipeline stages, nested script shells). */
export class SharedContext {
  history: string[] = [];
  interrupted = false;
  /** Runs our own shell on a script or `sh ...` argv in this worker (set by Shell; avoids an import cycle). */
  runShell: (argv: string[], env: Record<string, string>, cwd: string, io: Io, group: ProcessGroup | undefined) => Promise<number> =
    async () => 127;
  readonly activeGroups = new Set<ProcessGroup>();
  private lastYield = Date.now();

  private readonly waiters = new Set<() => void>();

  /** Ctrl-C while the shell is in the foreground: stop builtins and waits, SIGINT what the shell runs in its own group. */
  interrupt(): void {
    this.interrupted = true;
    for (const w of [...this.waiters]) w();
    for (const g of this.activeGroups) g.kill(2);
  }

  /** Awaits `p` unless Ctrl-C comes first (then throws InterruptSignal; `p` keeps running). */
  async interruptible<T>(p: Promise<T>): Promise<T> {
    if (this.interrupted) throw new InterruptSignal();
    let fire!: () => void;
    const interrupted = new Promise<never>((_, reject) => { fire = () => reject(new InterruptSignal()); });
    this.waiters.add(fire);
    try {
      return await Promise.race([p, interrupted]);
    } finally {
      this.waiters.delete(fire);
    }
  }

  /** Throws InterruptSignal after Ctrl-C; lets the event loop run now and then so Ctrl-C can arrive during busy loops. */
  async checkpoint(): Promise<void> {
    if (this.interrupted) throw new InterruptSignal();
    if (Date.now() - this.lastYield > 20) {
      await new Promise((r) => setTimeout(r, 0));
      this.lastYield = Date.now();
      if (this.interrupted) throw new InterruptSignal();
    }
  }
}

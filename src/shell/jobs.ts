// Job control bookkeeping: process groups of pipelines and the job table
// behind `jobs`, `fg`, `bg`, `wait`, `kill %n` and the "[1]+  Done" notices.

import type { ShellHost, ShellProcess } from './host';

/**
 * The process group a pipeline's programs join. The first program spawned
 * leads it (pgid = its pid); a foreground group gets the terminal as soon
 * as it exists.
 */
export class ProcessGroup {
  pgid: number | undefined;
  readonly procs: ShellProcess[] = [];
  /** Set when the group has been given the terminal. */
  private holdsTerminal = false;

  constructor(private readonly host: ShellHost, public foreground: boolean, fixedPgid?: number) {
    this.pgid = fixedPgid;
    this.fixed = fixedPgid !== undefined;
  }

  private readonly fixed: boolean;

  /** The leader's spawn while it is in flight: later stages wait for it to learn the pgid. */
  private leading: Promise<ShellProcess> | undefined;

  /**
   * Spawns one process of the group. Pipeline stages spawn concurrently, but only the first
   * may start the group; the others must wait for its pid (a failed leader hands over).
   */
  async spawn(start: (pgid: number | undefined, foreground: boolean) => Promise<ShellProcess>): Promise<ShellProcess> {
    while (this.pgid === undefined && this.leading) {
      try {
        await this.leading;
      } catch {
        // The would-be leader failed to start: try to lead in its place.
      }
    }
    if (this.pgid !== undefined) {
      const proc = await start(this.pgid, false);
      this.added(proc);
      return proc;
    }
    const p = start(undefined, this.foreground && !this.fixed);
    this.leading = p;
    try {
      const proc = await p;
      this.added(proc);
      return proc;
    } finally {
      if (this.leading === p) this.leading = undefined;
    }
  }

  private added(proc: ShellProcess): void {
    this.procs.push(proc);
    if (this.pgid === undefined) this.pgid = proc.pid;
    if (this.foreground && !this.fixed && !this.holdsTerminal) {
      this.holdsTerminal = true;
      this.host.setForeground(this.pgid);
    }
  }

  /** Gives the terminal back to the shell. */
  release(): void {
    if (this.holdsTerminal) {
      this.holdsTerminal = false;
      this.host.setForeground(undefined);
    }
  }

  /** Moves a running group to the foreground (fg). */
  takeTerminal(): void {
    this.foreground = true;
    if (this.pgid !== undefined && !this.fixed && !this.holdsTerminal) {
      this.holdsTerminal = true;
      this.host.setForeground(this.pgid);
    }
  }

  get lastPid(): number | undefined {
    return this.procs[this.procs.length - 1]?.pid;
  }

  kill(signal: number): void {
    if (this.pgid !== undefined && !this.fixed) this.host.killGroup(this.pgid, signal);
    else for (const p of this.procs) p.kill(signal);
  }
}

export interface Job {
  readonly id: number;
  /** Its last program's pid, or a stand-in when the job only runs shell code (so $! and kill PID work). */
  readonly pid: number;
  readonly group: ProcessGroup;
  readonly text: string;
  readonly done: Promise<number>;
  status: number | undefined;
  /** Stopped internal (shell-run) parts of the job when it is killed. */
  cancel(): void;
}

/** Stand-in pids of jobs without programs, out of the way of real pids. */
const PSEUDO_PID_BASE = 90000;

export class JobTable {
  readonly jobs: Job[] = [];
  private nextId = 1;

  add(group: ProcessGroup, text: string, done: Promise<number>, cancel: () => void): Job {
    const id = this.jobs.length === 0 ? 1 : Math.max(this.nextId, ...this.jobs.map((j) => j.id + 1));
    this.nextId = id + 1;
    const job: Job = { id, pid: group.lastPid ?? PSEUDO_PID_BASE + id, group, text, done, status: undefined, cancel };
    void done.then((s) => { job.status = s; }, () => { job.status = 1; });
    this.jobs.push(job);
    return job;
  }

  /** %n, %+, %%, %-, %string; or a pid. */
  find(spec: string | undefined): Job | undefined {
    if (spec === undefined || spec === '%' || spec === '%%' || spec === '%+') return this.jobs[this.jobs.length - 1];
    if (spec === '%-') return this.jobs[this.jobs.length - 2];
    if (spec.startsWith('%')) {
      const rest = spec.slice(1);
      if (/^[0-9]+$/.test(rest)) return this.jobs.find((j) => j.id === Number(rest));
      return this.jobs.find((j) => j.text.startsWith(rest));
    }
    if (/^[0-9]+$/.test(spec)) return this.jobs.find((j) => j.pid === Number(spec) || j.group.procs.some((p) => p.pid === Number(spec)));
    return undefined;
  }

  remove(job: Job): void {
    const i = this.jobs.indexOf(job);
    if (i >= 0) this.jobs.splice(i, 1);
  }

  mark(job: Job): string {
    const i = this.jobs.indexOf(job);
    return i === this.jobs.length - 1 ? '+' : i === this.jobs.length - 2 ? '-' : ' ';
  }

  /** bash's format: "[1]+  Running                 sleep 10 &". */
  describe(job: Job, finished = job.status !== undefined): string {
    let state = 'Running';
    if (finished) {
      const s = job.status ?? 0;
      state = s === 0 ? 'Done' : s > 128 ? signalName(s - 128) : `Exit ${s}`;
    }
    return `[${job.id}]${this.mark(job)}  ${state.padEnd(24)}${job.text}${finished ? '' : ' &'}`;
  }

  /** Finished jobs to announce before the next prompt; they leave the table. */
  reap(): string[] {
    const lines: string[] = [];
    for (const job of [...this.jobs]) {
      if (job.status !== undefined) {
        lines.push(this.describe(job, true));
        this.remove(job);
      }
    }
    return lines;
  }
}

export const SIGNALS: Record<number, string> = {
  1: 'HUP', 2: 'INT', 3: 'QUIT', 4: 'ILL', 5: 'TRAP', 6: 'ABRT', 7: 'BUS', 8: 'FPE', 9: 'KILL', 10: 'USR1', 11: 'SEGV',
  12: 'USR2', 13: 'PIPE', 14: 'ALRM', 15: 'TERM', 17: 'CHLD', 18: 'CONT', 19: 'STOP', 20: 'TSTP', 21: 'TTIN', 22: 'TTOU',
};

const DESCRIPTIONS: Record<number, string> = {
  1: 'Hangup', 2: 'Interrupt', 3: 'Quit', 6: 'Aborted', 9: 'Killed', 11: 'Segmentation fault', 13: 'Broken pipe', 14: 'Alarm clock', 15: 'Terminated',
};

export function signalName(n: number): string {
  return DESCRIPTIONS[n] ?? `Signal ${n}`;
}

export function parseSignal(spec: string): number | undefined {
  if (/^[0-9]+$/.test(spec)) return Number(spec);
  const name = spec.toUpperCase().replace(/^SIG/, '');
  for (const [n, s] of Object.entries(SIGNALS)) if (s === name) return Number(n);
  return undefined;
}

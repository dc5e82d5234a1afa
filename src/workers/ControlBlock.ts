// The shared memory between the supervisor and one container worker. The
// guest runs synchronously on the worker's thread, so the worker cannot
// receive messages while it runs: everything the supervisor must tell a
// running process travels here instead. The worker blocks in Atomics.wait
// on the wake counter and the supervisor bumps it (Atomics.notify) after
// every change: stdin data, stdin closed, a signal.

import { ByteRing } from '../net/ByteRing';

const SIGNAL = 0; // pending signal number, 0 for none (SIGKILL wins over others)
const WAKE = 1; // bumped on every event the worker may be waiting for
const STDIN_WANTED = 2; // 1 while the supervisor holds stdin bytes that did not fit
const EOF_PENDING = 3; // 1 while an end-of-input mark (Ctrl-D) sits in the stdin stream at EOF_AT
const TTY_SIGNAL = 4; // a signal for the terminal's foreground process group (Ctrl-C), 0 for none
const COLUMNS = 5; // the terminal's size, 0 when unknown
const ROWS = 6;
const EOF_AT = 7; // the stdin ring's write position where the pending end-of-input mark sits
// Facts a process publishes about itself for /proc (ps, top, free):
const MEMORY_PAGES = 8; // its linear memory, in 64 KiB pages
const PEAK_PAGES = 9;
const WAITED_MS = 10; // time spent blocked (stdin, pipes, sleep): CPU time is the rest
const SLEEPING = 11; // while blocked: when it began (ms, modulo BLOCK_CLOCK, never 0); 0 when not
const OPEN_FDS = 12; // its open file descriptors (stats)
// Output flow control, on a terminal's block (the container's own or an exec session's):
const OUTPUT_PENDING = 13; // bytes of stdout/stderr posted to the supervisor and not yet taken by it
// Quotas, on the container's own block (see GuestGovernor): limits the
// supervisor sets, and what every process's interrupt checks add up.
const MEMORY_LIMIT_PAGES = 14; // each program's linear-memory cap, in 64 KiB pages (0: none)
const CPU_LIMIT_MS = 15; // the run's CPU-time limit (cpuTimeMs), 0 for none
const CPU_QUOTA = 16; // the cpus share in thousandths of a CPU (cpus × 1000), 0 for unlimited
const CPU_USED_MS = 17; // CPU time the run's instrumented programs used, as their checks account it
const THROTTLED_MS = 18; // time the run's programs slept to keep to the cpus share
const CPU_PERIOD = 19; // the throttle's current period number (time / CPU_PERIOD_MS)
const CPU_PERIOD_USED_US = 20; // CPU time used in that period, µs
const QUOTA_EVENTS = 21; // QUOTA_CPU_TIME: the CPU-time limit ended the run; QUOTA_OOM: a program's memory.grow failed
// Liveness, on the container's own block: bumped by the worker at every
// syscall and interrupt check of a program on its thread, and by a timer
// of its event loop; the supervisor's watchdog reads it (kernel/Watchdog.ts).
const ALIVE = 22;
// The supervisor's fair share when more containers are busy than there are
// cores (thousandths of a CPU; 0: none): with the container's own cpus, the
// smaller applies, so busy guests cannot starve the page.
const FAIR_SHARE = 23;
const WORDS = 24;
const STDIN_OFFSET = WORDS * 4;

export const DEFAULT_STDIN_CAPACITY = 64 * 1024;
/** Bits of the quota events word. */
export const QUOTA_CPU_TIME = 1;
export const QUOTA_OOM = 2;
/** Bytes of output a terminal may have in flight to the supervisor; past it, writers wait (see reserveOutput). */
export const OUTPUT_WINDOW = 256 * 1024;
const OUTPUT_WAIT_SLICE_MS = 20;

/** A run's quota usage on the container's block (see GuestGovernor). */
export interface QuotaUsage {
  /** CPU time the run's instrumented programs used, accounted at their interrupt checks (ms). */
  readonly cpuMs: number;
  /** Time the run's programs slept to keep to the cpus share (ms). */
  readonly throttledMs: number;
  /** The CPU-time limit ended the run. */
  readonly cpuTimeExceeded: boolean;
  /** A program's memory.grow failed at its limit in this run. */
  readonly outOfMemory: boolean;
}

export class ControlBlock {
  readonly buffer: SharedArrayBuffer;
  readonly stdin: ByteRing;
  private readonly _words: Int32Array;

  constructor(buffer?: SharedArrayBuffer, stdinCapacity = DEFAULT_STDIN_CAPACITY) {
    this.buffer = buffer ?? new SharedArrayBuffer(STDIN_OFFSET + ByteRing.byteLength(stdinCapacity));
    const capacity = this.buffer.byteLength - STDIN_OFFSET - ByteRing.byteLength(0);
    this._words = new Int32Array(this.buffer, 0, WORDS);
    this.stdin = new ByteRing(this.buffer, STDIN_OFFSET, capacity);
  }

  /** Records a signal for the process and wakes it. SIGKILL (9) is never overwritten. */
  raise(signal: number): void {
    if (Atomics.load(this._words, SIGNAL) !== 9) Atomics.store(this._words, SIGNAL, signal);
    this.wake();
  }

  /** Atomically takes the pending signal (0 if none), so a signal raised meanwhile is never lost. */
  takeSignal(): number {
    return Atomics.exchange(this._words, SIGNAL, 0);
  }

  clearSignal(): void {
    Atomics.store(this._words, SIGNAL, 0);
  }

  wake(): void {
    Atomics.add(this._words, WAKE, 1);
    Atomics.notify(this._words, WAKE);
  }

  /** The current wake count: pass it to `waitForWake` to sleep until it changes. */
  wakeCount(): number {
    return Atomics.load(this._words, WAKE);
  }

  /** Blocks the calling thread (a worker) until woken or `timeoutMs` passes. */
  waitForWake(seen: number, timeoutMs: number): void {
    Atomics.wait(this._words, WAKE, seen, Number.isFinite(timeoutMs) ? Math.max(0, timeoutMs) : undefined);
  }

  /**
   * Ctrl-D: end of input at this point of the stream, for one read only (a
   * terminal stays open). False while an earlier mark is still unread.
   */
  markEof(): boolean {
    if (Atomics.load(this._words, EOF_PENDING) === 1) return false;
    Atomics.store(this._words, EOF_AT, this.stdin.writePosition | 0);
    Atomics.store(this._words, EOF_PENDING, 1);
    this.wake();
    return true;
  }

  /**
   * Reads stdin for a process: bytes (a count > 0), nothing yet (0), or end
   * of input (null: the stream is closed and drained, or a Ctrl-D mark is
   * reached). A terminal (`lineMode`) returns at most one line per read, as
   * Linux's canonical mode does, so typed-ahead lines stay for the next reader.
   */
  readInput(dst: Uint8Array, lineMode: boolean): number | null {
    const ring = this.stdin;
    let limit = dst.length;
    if (Atomics.load(this._words, EOF_PENDING) === 1) {
      const untilMark = ((Atomics.load(this._words, EOF_AT) >>> 0) - ring.readPosition) >>> 0;
      if (untilMark === 0) {
        Atomics.store(this._words, EOF_PENDING, 0);
        return null;
      }
      limit = Math.min(limit, untilMark);
    }
    const target = dst.subarray(0, limit);
    const count = lineMode ? ring.readUntil(target, 0x0a) : ring.read(target);
    if (count === 0 && ring.closed && ring.available() === 0) return null;
    return count;
  }

  /** True when readInput would not return 0: data, a Ctrl-D mark, or a closed stream. */
  inputReady(): boolean {
    const ring = this.stdin;
    if (ring.available() > 0 || ring.closed) return true;
    return Atomics.load(this._words, EOF_PENDING) === 1 && (Atomics.load(this._words, EOF_AT) >>> 0) === ring.readPosition;
  }

  /** A signal typed at the terminal (Ctrl-C), for the foreground process group. */
  raiseTty(signal: number): void {
    Atomics.store(this._words, TTY_SIGNAL, signal);
    this.wake();
  }

  takeTtySignal(): number {
    return Atomics.exchange(this._words, TTY_SIGNAL, 0);
  }

  setTerminalSize(columns: number, rows: number): void {
    Atomics.store(this._words, COLUMNS, columns);
    Atomics.store(this._words, ROWS, rows);
    this.wake();
  }

  terminalSize(): { columns: number; rows: number } | undefined {
    const columns = Atomics.load(this._words, COLUMNS);
    const rows = Atomics.load(this._words, ROWS);
    return columns > 0 && rows > 0 ? { columns, rows } : undefined;
  }

  /** Resolves once woken after `seen` (for the container worker's event loop, which must not block). */
  async waitForWakeAsync(seen: number): Promise<void> {
    const waited = Atomics.waitAsync(this._words, WAKE, seen);
    if (waited.async) await waited.value;
  }

  /** Called by the process at its syscalls: how much memory it holds now. */
  publishMemory(bytes: number): void {
    const pages = Math.ceil(bytes / 65536);
    Atomics.store(this._words, MEMORY_PAGES, pages);
    if (pages > Atomics.load(this._words, PEAK_PAGES)) Atomics.store(this._words, PEAK_PAGES, pages);
  }

  /** Blocks like waitForWake, accounting the time as sleeping (for /proc). */
  sleep(seen: number, timeoutMs: number): void {
    this.blocked(() => this.waitForWake(seen, timeoutMs));
  }

  /** Runs a blocking wait of this process (on any word), accounted as sleeping. */
  blocked(wait: () => void): void {
    const started = Date.now();
    Atomics.store(this._words, SLEEPING, blockClock(started));
    try {
      wait();
    } finally {
      // Added before the mark is cleared: a reader in between counts the wait twice (usage() reads the
      // mark first), never not at all, so the CPU time it derives may lag for an instant but never jumps.
      Atomics.add(this._words, WAITED_MS, Date.now() - started);
      Atomics.store(this._words, SLEEPING, 0);
    }
  }

  /** What the process published: memory now and at peak (bytes), blocked time (ms), whether it is blocked, open fds. */
  usage(): { memoryBytes: number; peakBytes: number; waitedMs: number; sleeping: boolean; openFiles: number } {
    // The wait in progress counts as blocked time too: a process asleep for a minute has not used a minute of CPU.
    const since = Atomics.load(this._words, SLEEPING);
    const current = since === 0 ? 0 : (blockClock(Date.now()) - since + BLOCK_CLOCK) % BLOCK_CLOCK;
    return {
      memoryBytes: Atomics.load(this._words, MEMORY_PAGES) * 65536,
      peakBytes: Atomics.load(this._words, PEAK_PAGES) * 65536,
      waitedMs: Atomics.load(this._words, WAITED_MS) + current,
      sleeping: since !== 0,
      openFiles: Atomics.load(this._words, OPEN_FDS),
    };
  }

  /** A new process starts on this block (a restarted container's program): its usage starts from zero. */
  resetUsage(): void {
    for (const word of [MEMORY_PAGES, PEAK_PAGES, WAITED_MS, SLEEPING, OPEN_FDS]) Atomics.store(this._words, word, 0);
  }

  /** Called by the process whenever its number of open descriptors changes. */
  /** Sets the fair share (thousandths of a CPU; 0 lifts it). */
  setFairShare(permille: number): void {
    Atomics.store(this._words, FAIR_SHARE, Math.max(0, Math.round(permille)));
  }

  /** The CPU share in force: the container's own cpus and the fair share, the smaller of the two set (0: unlimited). */
  cpuShare(): number {
    const own = Atomics.load(this._words, CPU_QUOTA);
    const fair = Atomics.load(this._words, FAIR_SHARE);
    return own > 0 && fair > 0 ? Math.min(own, fair) : own || fair;
  }

  /** A sign of life from the worker (cheap: one atomic add). */
  beat(): void {
    Atomics.add(this._words, ALIVE, 1);
  }

  /** Signs of life so far: the watchdog compares two readings. */
  get beats(): number {
    return Atomics.load(this._words, ALIVE);
  }

  publishOpenFiles(count: number): void {
    Atomics.store(this._words, OPEN_FDS, count);
  }

  /**
   * Output flow control. A writer anywhere in the container counts `bytes`
   * as in flight before it posts them; the supervisor releases them once it
   * has taken them (releaseOutput). While OUTPUT_WINDOW bytes or more are in
   * flight the writer waits, in slices: `check` runs between them (a signal
   * ends the writer) and `block` accounts the wait as sleeping. So a guest
   * writing without end is slowed to the pace the page reads at, and the
   * messages between them stay bounded.
   */
  reserveOutput(bytes: number, check: () => void, block: (wait: () => void) => void): void {
    for (;;) {
      const pending = Atomics.load(this._words, OUTPUT_PENDING);
      if (pending < OUTPUT_WINDOW) break;
      check();
      block(() => Atomics.wait(this._words, OUTPUT_PENDING, pending, OUTPUT_WAIT_SLICE_MS));
    }
    Atomics.add(this._words, OUTPUT_PENDING, bytes);
  }

  /** reserveOutput for a writer on an event loop (the container worker's shell), which must not block. */
  async reserveOutputAsync(bytes: number): Promise<void> {
    for (;;) {
      const pending = Atomics.load(this._words, OUTPUT_PENDING);
      if (pending < OUTPUT_WINDOW) break;
      const waited = Atomics.waitAsync(this._words, OUTPUT_PENDING, pending, OUTPUT_WAIT_SLICE_MS);
      if (waited.async) await waited.value;
    }
    Atomics.add(this._words, OUTPUT_PENDING, bytes);
  }

  /** The supervisor took `bytes` of output: room for waiting writers. */
  releaseOutput(bytes: number): void {
    Atomics.sub(this._words, OUTPUT_PENDING, bytes);
    Atomics.notify(this._words, OUTPUT_PENDING);
  }

  /** Bytes of output in flight (for tests and stats). */
  outputPending(): number {
    return Atomics.load(this._words, OUTPUT_PENDING);
  }

  /** The process's blocked time so far (ms): what `usage().waitedMs` says, without the object. */
  waitedMs(): number {
    return Atomics.load(this._words, WAITED_MS);
  }

  /** The container's quotas, set by the supervisor before the run (0: none). */
  setQuotas(quotas: { memoryPages: number; cpuTimeMs: number; cpus: number }): void {
    Atomics.store(this._words, MEMORY_LIMIT_PAGES, quotas.memoryPages);
    Atomics.store(this._words, CPU_LIMIT_MS, Math.min(quotas.cpuTimeMs, 0x7fffffff));
    Atomics.store(this._words, CPU_QUOTA, Math.round(quotas.cpus * 1000));
  }

  /** memoryPages (0: no cap), cpuTimeMs (0: no limit), cpuPermille (cpus × 1000; 0: unlimited). */
  quotas(): { memoryPages: number; cpuTimeMs: number; cpuPermille: number } {
    return {
      memoryPages: Atomics.load(this._words, MEMORY_LIMIT_PAGES),
      cpuTimeMs: Atomics.load(this._words, CPU_LIMIT_MS),
      cpuPermille: Atomics.load(this._words, CPU_QUOTA),
    };
  }

  /** A new run: its quota usage starts from zero (the limits stay). */
  resetQuotaUsage(): void {
    for (const word of [CPU_USED_MS, THROTTLED_MS, CPU_PERIOD, CPU_PERIOD_USED_US, QUOTA_EVENTS]) Atomics.store(this._words, word, 0);
  }

  /** Adds a process's CPU time (whole ms) to the run's; returns the new total. */
  addCpuMs(ms: number): number {
    return Atomics.add(this._words, CPU_USED_MS, ms) + ms;
  }

  addThrottledMs(ms: number): void {
    Atomics.add(this._words, THROTTLED_MS, ms);
  }

  /**
   * Charges `us` of CPU time to throttle period `period` and returns what
   * that period has used so far. The first process to see a new period
   * starts its count from zero.
   */
  chargeCpuPeriod(period: number, us: number): number {
    const current = Atomics.load(this._words, CPU_PERIOD);
    if (current !== period && Atomics.compareExchange(this._words, CPU_PERIOD, current, period) === current) {
      Atomics.store(this._words, CPU_PERIOD_USED_US, 0);
    }
    return Atomics.add(this._words, CPU_PERIOD_USED_US, us) + us;
  }

  markQuotaEvent(event: number): void {
    Atomics.or(this._words, QUOTA_EVENTS, event);
  }

  /** The run's quota usage: CPU time accounted by checks, time throttled, and which limits were hit. */
  quotaUsage(): QuotaUsage {
    const events = Atomics.load(this._words, QUOTA_EVENTS);
    return {
      cpuMs: Atomics.load(this._words, CPU_USED_MS),
      throttledMs: Atomics.load(this._words, THROTTLED_MS),
      cpuTimeExceeded: (events & QUOTA_CPU_TIME) !== 0,
      outOfMemory: (events & QUOTA_OOM) !== 0,
    };
  }

  set stdinWanted(value: boolean) {
    Atomics.store(this._words, STDIN_WANTED, value ? 1 : 0);
  }

  get stdinWanted(): boolean {
    return Atomics.load(this._words, STDIN_WANTED) === 1;
  }
}

/** The clock of a wait's start, in an Int32 word: ms modulo 2^31 - 1 (24 days), 0 kept for "not waiting". */
const BLOCK_CLOCK = 0x7fffffff;

function blockClock(ms: number): number {
  return ms % BLOCK_CLOCK || 1;
}

// The host side of guest instrumentation (src/wasm): an instrumented guest
// calls `interrupt_check` every so many loop headers, and this answers it.
// Each check
//   - runs the host's signal check (`poll`: a pending SIGKILL throws
//     ProcessKilled, so a guest spinning without syscalls ends at once,
//     its worker and files intact; pending file requests are served);
//   - accounts CPU time (the process's life minus its blocked time) into
//     the container's block, and ends the run with SIGXCPU once the
//     CPU-time limit is spent;
//   - keeps the container to its cpus share: CPU time is counted per
//     period of CPU_PERIOD_MS for the whole container (as CFS quotas), and
//     a process over the period's quota sleeps (Atomics.wait, woken early
//     by a kill) until the next period;
//   - returns the next countdown, adapted so checks come about every
//     CHECK_INTERVAL_MS: cheap enough for tight loops, soon enough for kills.
// `memory_grow_result` sees every memory.grow's result, so a program that
// ends after an allocation failed is told apart as out of memory.

import { CHECK_IMPORT, GROW_IMPORT, INTERNAL_MODULE, isInstrumented } from '../wasm';
import { ProcessKilled } from '../wasi/errors';
import { QUOTA_CPU_TIME, QUOTA_OOM, type ControlBlock } from './ControlBlock';
import type { ProcessExit } from './protocol';

export const SIGXCPU = 24;
/** The throttle's accounting period (CFS uses 100 ms; shorter is smoother for interactive pages). */
export const CPU_PERIOD_MS = 20;
/** How often checks should come, whatever a loop iteration costs. */
export const CHECK_INTERVAL_MS = 1;
const MIN_COUNTDOWN = 1;
const MAX_COUNTDOWN = 1 << 24;
const FIRST_COUNTDOWN = 1024;
const MIB = 1024 * 1024;

export interface GovernorOptions {
  /** The process's own block: its blocked time, and where it sleeps when throttled (a signal wakes it). */
  readonly process: ControlBlock;
  /** The container's block: its quotas and the run's totals (the same block for a program alone on the container worker). */
  readonly container: ControlBlock;
  /** The host's signal check: serves what is pending and throws ProcessKilled for a terminating signal. */
  readonly poll: () => void;
  /** The guest's memory, once instantiated. */
  readonly memory: () => WebAssembly.Memory | undefined;
  /** Called once when the CPU-time limit is hit, before this process ends (e.g. to end the container's other processes). */
  readonly onCpuLimit?: () => void;
}

export class GuestGovernor {
  private readonly _startedAt = performance.now();
  private readonly _waitedAtStart: number;
  private readonly _cpuLimitMs: number;
  /** The share in force (own cpus or the supervisor's fair share), read at every check: it changes while the guest runs. */
  private get _cpuPermille(): number {
    return this._options.container.cpuShare();
  }
  private readonly _memoryLimitPages: number;
  private _cpuSeen = 0;
  private _unreportedMs = 0;
  private _lastCheck = this._startedAt;
  private _countdown = FIRST_COUNTDOWN;
  private _dying: ProcessKilled | undefined;
  private _growFailedAt: number | undefined;
  /** Checks answered (tests, benchmarks). */
  checks = 0;

  constructor(private readonly _options: GovernorOptions) {
    this._waitedAtStart = _options.process.waitedMs();
    const quotas = _options.container.quotas();
    this._cpuLimitMs = quotas.cpuTimeMs;
    this._memoryLimitPages = quotas.memoryPages;
  }

  /** The internal imports for `module` when it was instrumented, else nothing. */
  importsFor(module: WebAssembly.Module): WebAssembly.Imports {
    return isInstrumented(module) ? { [INTERNAL_MODULE]: { [CHECK_IMPORT]: this.check, [GROW_IMPORT]: this.grown } } : {};
  }

  /** The guest's countdown ran out: the next countdown (≥ 1), or a throw that ends the guest. */
  readonly check = (): number => {
    if (this._dying) throw this._dying; // a guest that caught the kill (catch_all) gets it again
    this.checks++;
    try {
      this._options.poll();
      const now = performance.now();
      this._account(now, true);
      const since = now - this._lastCheck;
      if (since < CHECK_INTERVAL_MS / 2) this._countdown = Math.min(this._countdown * 2, MAX_COUNTDOWN);
      else if (since > CHECK_INTERVAL_MS * 2) this._countdown = Math.max(this._countdown >>> 1, MIN_COUNTDOWN);
      this._lastCheck = this._cpuPermille > 0 ? performance.now() : now; // a throttled sleep is not loop time
      return this._countdown;
    } catch (error) {
      if (error instanceof ProcessKilled) this._dying = error;
      throw error;
    }
  };

  /** Sees each memory.grow result (-1: the allocation failed). */
  readonly grown = (result: number): number => {
    if (result === -1 && this._growFailedAt === undefined) {
      this._growFailedAt = this._options.memory()?.buffer.byteLength ?? 0;
      this._options.container.markQuotaEvent(QUOTA_OOM);
    }
    return result;
  };

  /** Whether a memory.grow failed in this process. */
  get growFailed(): boolean {
    return this._growFailedAt !== undefined;
  }

  /** The process ended: its last CPU time goes to the container's total. */
  finish(): void {
    this._account(performance.now(), false);
    if (this._unreportedMs > 0) this._options.container.addCpuMs(Math.round(this._unreportedMs));
    this._unreportedMs = 0;
  }

  /**
   * How a process that returned `code` ended: an exit, or out of memory when
   * it failed after a memory.grow did (the guest's allocator gave up).
   */
  exitOf(code: number): ProcessExit {
    if (code === 0 || this._growFailedAt === undefined) return { kind: 'exit', code };
    return { kind: 'trap', message: `the program exited with status ${code} after memory.grow failed at ${this._mib(this._growFailedAt)}${this._limitText()}`, outOfMemory: true };
  }

  private _limitText(): string {
    return this._memoryLimitPages > 0 ? ` (limit ${this._mib(this._memoryLimitPages * 65536)})` : '';
  }

  private _mib(bytes: number): string {
    return `${Number((bytes / MIB).toFixed(1))} MiB`;
  }

  private _account(now: number, enforce: boolean): void {
    const { process, container } = this._options;
    const cpu = now - this._startedAt - (process.waitedMs() - this._waitedAtStart);
    const delta = cpu - this._cpuSeen;
    if (delta <= 0) return;
    this._cpuSeen = cpu;
    this._unreportedMs += delta;
    if (this._unreportedMs >= 1) {
      const whole = Math.floor(this._unreportedMs);
      this._unreportedMs -= whole;
      const total = container.addCpuMs(whole);
      if (enforce && this._cpuLimitMs > 0 && total >= this._cpuLimitMs) {
        container.markQuotaEvent(QUOTA_CPU_TIME);
        this._options.onCpuLimit?.();
        throw new ProcessKilled(SIGXCPU);
      }
    }
    if (enforce && this._cpuPermille > 0) this._throttle(delta);
  }

  /** Charges `deltaMs` to the container's current period; over its quota, sleeps until the next period. */
  private _throttle(deltaMs: number): void {
    const { process, container, poll } = this._options;
    const clock = (): number => performance.timeOrigin + performance.now();
    const start = clock();
    const period = Math.floor(start / CPU_PERIOD_MS);
    const used = container.chargeCpuPeriod(period % 0x7fffffff, Math.round(deltaMs * 1000));
    const quotaUs = CPU_PERIOD_MS * this._cpuPermille; // ms × (permille / 1000) × 1000 µs
    if (used <= quotaUs) return;
    // Until the next period; over by more (a check came late), long enough to pay it back at the share.
    const owedMs = (used - quotaUs) / this._cpuPermille; // µs over the quota / (permille / 1000) / 1000
    const until = Math.max((period + 1) * CPU_PERIOD_MS, start + owedMs);
    for (let now = start; now < until; now = clock()) {
      const seen = process.wakeCount();
      process.blocked(() => process.waitForWake(seen, until - now));
      poll(); // a kill ends the sleep
    }
    container.addThrottledMs(Math.round(clock() - start));
  }
}

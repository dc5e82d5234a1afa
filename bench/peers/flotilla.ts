// Flotilla's side of the peer benchmarks, through the public API only. The
// same code runs in Node (called directly) and in the bench page (bundled by
// Vite, called through page.evaluate): each method is one step whose result
// is plain JSON.

import { Runtime } from '../../src/api';
import type { Container, ExitStatus } from '../../src/api/types';
import type { BurstTimes, IdleUp, IoTimes, KillTimes, MaxLive, PipeTimes, StartTimes } from './results';
import { delay, parseFields, withTimeout } from './stats';

const PROMPT = '> ';
/** Longest a container may take to show its prompt before it counts as failed. */
const START_TIMEOUT_MS = 20_000;

/** Resolves when the container's output contains `text`; rejects if it exits first. */
function outputContains(container: Container, text: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      offLog();
      offExit();
      if (error) reject(error);
      else resolve(performance.now());
    };
    const offLog = container.onLog(() => { if (container.output().includes(text)) finish(); });
    const offExit = container.onExit((status: ExitStatus) => {
      if (!container.output().includes(text)) finish(new Error(`exited (${status.reason} ${status.exitCode}${status.message ? `: ${status.message}` : ''}) before printing ${JSON.stringify(text)}`));
    });
    if (container.output().includes(text)) finish();
  });
}

/** Resolves at the first output byte of any stream. */
function firstOutput(container: Container): Promise<number> {
  return new Promise((resolve) => {
    if (container.output().length > 0) return resolve(performance.now());
    const off = container.onLog(() => { off(); resolve(performance.now()); });
  });
}

export class FlotillaSteps {
  private _rt: Runtime | undefined;
  private _poolSize = 0;
  private readonly _idle: Container[] = [];

  /** `programs` gives iobench's bytes (read from disk in Node, fetched in the page). */
  constructor(private readonly _iobench: () => Promise<Uint8Array>) {}

  private get rt(): Runtime {
    if (!this._rt) throw new Error('call setup() first');
    return this._rt;
  }

  async setup(options: { poolSize: number }): Promise<{ poolSize: number }> {
    this._poolSize = options.poolSize;
    this._rt = await Runtime.create({ poolSize: options.poolSize });
    await this._rt.poolReady();
    await this._rt.importProgram('iobench', await this._iobench());
    return { poolSize: this._rt.idleWorkers };
  }

  private async _waitForPool(minimum = this._poolSize): Promise<void> {
    for (let i = 0; i < 1500 && this.rt.idleWorkers < minimum; i++) await delay(20);
  }

  /**
   * From the warm pool: run('hello') → first byte, → exit; also when the
   * supervisor fired 'started' (its own part done, the run posted to the
   * worker) and when run() resolved. Back to back
   * (the pool refilling behind the runs, as in bench/measure.ts), or `idle`:
   * the pool full and quiet before each run, like the baselines' runs.
   */
  async warmStarts(options: { runs: number; idle?: boolean }): Promise<StartTimes> {
    const firstByteMs: number[] = [];
    const exitMs: number[] = [];
    const startedMs: number[] = [];
    const resolvedMs: number[] = [];
    let started = 0;
    let startedAt = 0;
    const off = this.rt.onEvent((event) => { if (event.type === 'started') startedAt = performance.now(); });
    try {
      for (let i = 0; i < options.runs; i++) {
        if (options.idle) {
          await this._waitForPool();
          await delay(30);
        } else await this._waitForPool(1);
        started = performance.now();
        const container = await this.rt.run('hello', { args: ['--quiet', '--stderr', 'x'] });
        resolvedMs.push(performance.now() - started);
        startedMs.push(startedAt - started);
        firstByteMs.push((await firstOutput(container)) - started);
        await container.wait();
        exitMs.push(performance.now() - started);
        await container.remove();
      }
    } finally {
      off();
    }
    return { firstByteMs, exitMs, startedMs, resolvedMs };
  }

  /**
   * For bench/peers/profile.ts: `runs` idle starts of hello whose containers
   * stay (exited, not removed) so their workers live on until a profiler
   * attached to them is stopped; keptDown() removes them.
   */
  async keptStarts(options: { runs: number }): Promise<number[]> {
    const firstByteMs: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      await this._waitForPool();
      await delay(30);
      const started = performance.now();
      const container = await this.rt.run('hello', { args: ['--quiet', '--stderr', 'x'] });
      firstByteMs.push((await firstOutput(container)) - started);
      await container.wait();
      this._idle.push(container);
    }
    return firstByteMs;
  }

  async keptDown(): Promise<void> {
    await this.idleDown();
  }

  /** A new runtime each time (worker started, image index read, module compiled): Runtime.create → first byte, → exit. */
  async coldStarts(options: { runs: number }): Promise<StartTimes> {
    const firstByteMs: number[] = [];
    const exitMs: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      const started = performance.now();
      const rt = await Runtime.create({ poolSize: 1 });
      try {
        const container = await rt.run('hello', { args: ['--quiet', '--stderr', 'x'] });
        firstByteMs.push((await firstOutput(container)) - started);
        await container.wait();
        exitMs.push(performance.now() - started);
      } finally {
        await rt.dispose();
      }
      await delay(50);
    }
    return { firstByteMs, exitMs };
  }

  /** N interactive containers requested at once; until all N guests have printed their prompt. */
  async bursts(options: { counts: number[] }): Promise<BurstTimes> {
    const runningMs: Record<string, number> = {};
    const resolvedMs: Record<string, number> = {};
    for (const count of options.counts) {
      await this._waitForPool();
      await delay(100);
      const started = performance.now();
      let resolved = 0;
      const containers: Container[] = [];
      await Promise.all(Array.from({ length: count }, async () => {
        const container = await this.rt.run('interactive', { openStdin: true });
        containers.push(container);
        resolved = Math.max(resolved, performance.now());
        await withTimeout(outputContains(container, PROMPT), START_TIMEOUT_MS, 'a prompt');
      }));
      runningMs[String(count)] = performance.now() - started;
      resolvedMs[String(count)] = resolved - started;
      await Promise.all(containers.map((container) => container.remove({ force: true })));
    }
    return { runningMs, resolvedMs, poolSize: this._poolSize };
  }

  /** Before a memory baseline: the pool full again and the refill's garbage settled. */
  async settle(): Promise<void> {
    await this._waitForPool();
    await delay(500);
  }

  /** `count` interactive containers blocked reading stdin, then the pool refilled (so it matches the baseline). */
  async idleUp(options: { count: number }): Promise<IdleUp> {
    await this._waitForPool();
    const started = performance.now();
    const containers = await Promise.all(Array.from({ length: options.count }, () => this.rt.run('interactive', { openStdin: true })));
    this._idle.push(...containers);
    await Promise.all(containers.map((container) => withTimeout(outputContains(container, PROMPT), START_TIMEOUT_MS, 'a prompt')));
    const ms = performance.now() - started;
    await this._waitForPool();
    await delay(500);
    return { count: containers.length, ms };
  }

  async idleDown(): Promise<void> {
    await Promise.all(this._idle.splice(0).map((container) => container.remove({ force: true })));
    await this._waitForPool();
  }

  /** iobench io /tmp/big MIB in a fresh container each run. */
  async fileIo(options: { mib: number; runs: number }): Promise<IoTimes> {
    const result: IoTimes = { mib: options.mib, writeMs: [], readMs: [], wallMs: [], where: '/tmp (the container\'s copy-on-write layer)' };
    for (let i = 0; i < options.runs; i++) {
      await this._waitForPool(1);
      const started = performance.now();
      const container = await this.rt.run('iobench', { args: ['io', '/tmp/big', String(options.mib)] });
      const status = await container.wait();
      result.wallMs.push(performance.now() - started);
      const fields = parseFields(container.output({ stderr: false }));
      if (status.exitCode !== 0 || fields.write_ms === undefined) throw new Error(`iobench failed in Flotilla: ${status.reason} ${status.exitCode} ${container.output()}`);
      result.writeMs.push(fields.write_ms);
      result.readMs.push(fields.read_ms!);
      await container.remove();
    }
    return result;
  }

  /** `iobench produce MIB | iobench consume` under the base image's shell: two process workers and a shared-memory pipe. */
  async pipe(options: { mib: number; runs: number }): Promise<PipeTimes> {
    const command = `iobench produce ${options.mib} | iobench consume`;
    const result: PipeTimes = { mib: options.mib, command, consumeMs: [], wallMs: [] };
    const bytes = await this._iobench();
    for (let i = 0; i < options.runs; i++) {
      await this._waitForPool(1);
      const started = performance.now();
      const container = await this.rt.run('base', { args: ['-c', command], files: { '/usr/local/bin/iobench': bytes } });
      const status = await container.wait();
      result.wallMs.push(performance.now() - started);
      const fields = parseFields(container.output({ stderr: false }));
      if (status.exitCode !== 0 || fields.bytes !== options.mib * 2 ** 20) throw new Error(`the pipe failed in Flotilla: ${status.reason} ${status.exitCode} ${container.output()}`);
      result.consumeMs.push(fields.consume_ms!);
      await container.remove();
    }
    return result;
  }

  /** kill() → exit reported, for a guest blocked in a read and/or for one spinning without syscalls (crash spin). */
  async kill(options: { runs: number; kinds: ('blocked' | 'spinning')[] }): Promise<KillTimes> {
    const result: KillTimes = { blockedMs: [], spinningMs: [] };
    for (let i = 0; i < options.runs; i++) {
      for (const [image, args, text, into] of [
        ['interactive', [], PROMPT, result.blockedMs],
        ['crash', ['spin'], 'spinning', result.spinningMs],
      ] as const) {
        if (!options.kinds.includes(into === result.blockedMs ? 'blocked' : 'spinning')) continue;
        await this._waitForPool(1);
        const container = await this.rt.run(image, { args: [...args], openStdin: true });
        await withTimeout(outputContains(container, text), START_TIMEOUT_MS, `${image} output`);
        await delay(20);
        const started = performance.now();
        const exited = container.wait();
        void container.kill();
        await exited;
        into.push(performance.now() - started);
        await container.remove({ force: true });
      }
    }
    return result;
  }

  /** Starts interactive containers, `batch` at a time, until one fails to show its prompt, the cap, or the time budget. */
  async maxLive(options: { cap: number; batch: number; budgetMs: number }): Promise<MaxLive> {
    const live: Container[] = [];
    const started = performance.now();
    let stoppedBy: MaxLive['stoppedBy'] = 'cap';
    let error: string | undefined;
    try {
      while (live.length < options.cap) {
        if (performance.now() - started > options.budgetMs) { stoppedBy = 'time budget'; break; }
        const count = Math.min(options.batch, options.cap - live.length);
        const results = await Promise.allSettled(Array.from({ length: count }, async () => {
          const container = await this.rt.run('interactive', { openStdin: true });
          live.push(container);
          await withTimeout(outputContains(container, PROMPT), START_TIMEOUT_MS, 'a prompt');
        }));
        const failed = results.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
        if (failed) {
          stoppedBy = 'failure';
          error = failed.reason instanceof Error ? failed.reason.message : String(failed.reason);
          break;
        }
      }
      const running = live.filter((container) => container.state === 'running').length;
      return { live: running, cap: options.cap, stoppedBy, error, ms: performance.now() - started };
    } finally {
      await Promise.allSettled(live.map((container) => container.remove({ force: true })));
    }
  }

  async dispose(): Promise<void> {
    await this._rt?.dispose();
    this._rt = undefined;
  }
}

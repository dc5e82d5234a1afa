// The @wasmer/sdk 0.16 baseline, offline: local module bytes through
// wasmer.packages.load(bytes) (a raw WASI module becomes its command `main`),
// one sandbox holding the packages, and sandbox.command(pkg, args).spawn()/run().
// Host-neutral: Node passes @wasmer/sdk/node's Wasmer, the page's dedicated
// worker (wasmer.worker.ts) the browser entry's.

import type { IdleUp, InitTimes, IoTimes, KillTimes, MaxLive, StartTimes } from './results';
import { parseFields, withTimeout } from './stats';

type Program = 'hello' | 'interactive' | 'crash' | 'iobench';

// The SDK's surface that is used here (its classes differ by entry point only in their host glue).
interface Output { readonly exitCode: number; readonly reason: string; readonly stdout: { text(): string }; readonly stderr: { text(): string } }
interface Process {
  readonly stdin: { close(): Promise<void> } | null;
  readonly stdout: AsyncIterable<Uint8Array> | null;
  readonly stderr: AsyncIterable<Uint8Array> | null;
  wait(options?: { check?: boolean }): Promise<Output>;
  kill(): Promise<void>;
}
interface Command {
  run(options?: { check?: boolean; timeoutMs?: number }): Promise<Output>;
  spawn(options?: { stdin?: 'pipe' | 'closed'; stdout?: 'pipe' | 'capture' | 'discard'; stderr?: 'pipe' | 'capture' | 'discard' }): Promise<Process>;
}
interface Package { readonly id: string }
interface Sandbox { command(pkg: Package, args?: readonly string[]): Command; close(): Promise<void> }
export interface WasmerClient {
  ready(): Promise<unknown>;
  readonly packages: { load(bytes: Uint8Array): Promise<Package> };
  readonly sandboxes: { create(options: { packages: Package[] }): Promise<Sandbox> };
  close(): Promise<void>;
}
export type WasmerClass = new () => WasmerClient;

const START_TIMEOUT_MS = 30_000;
/** In the max-live probe a process that shows no prompt within this counts as the failure. */
const MAX_LIVE_TIMEOUT_MS = 10_000;

/** Resolves with the time of the stream's first chunk, then drains it in the background. */
async function firstChunk(stream: AsyncIterable<Uint8Array> | null, until?: string): Promise<number> {
  if (!stream) throw new Error('no stream');
  const iterator = stream[Symbol.asyncIterator]();
  let seen = '';
  const decoder = new TextDecoder();
  for (;;) {
    const { value, done } = await iterator.next();
    if (done) throw new Error(`the stream ended before ${until ? JSON.stringify(until) : 'any output'}`);
    seen += decoder.decode(value, { stream: true });
    if (until === undefined || seen.includes(until)) break;
  }
  const at = performance.now();
  void (async () => { try { for (;;) { if ((await iterator.next()).done) break; } } catch { /* killed */ } })();
  return at;
}

export class WasmerSteps {
  private _wasmer: WasmerClient | undefined;
  private _sandbox: Sandbox | undefined;
  private readonly _packages = new Map<Program, Package>();
  private readonly _idle: Process[] = [];

  constructor(private readonly _Wasmer: WasmerClass, private readonly _bytes: (name: Program) => Promise<Uint8Array>) {}

  private get sandbox(): Sandbox {
    if (!this._sandbox) throw new Error('call init() first');
    return this._sandbox;
  }

  private _pkg(name: Program): Package {
    return this._packages.get(name)!;
  }

  async init(): Promise<InitTimes> {
    const started = performance.now();
    this._wasmer = new this._Wasmer();
    await this._wasmer.ready();
    const ready = performance.now();
    for (const name of ['hello', 'interactive', 'crash', 'iobench'] as const) {
      this._packages.set(name, await this._wasmer.packages.load(await this._bytes(name)));
    }
    const loaded = performance.now();
    this._sandbox = await this._wasmer.sandboxes.create({ packages: [...this._packages.values()] });
    return { initMs: ready - started, loadMs: loaded - ready, sandboxMs: performance.now() - loaded };
  }

  /** spawn(hello) → first byte (stderr, piped), → exit; the first entry is the first run after init. */
  async starts(options: { runs: number }): Promise<StartTimes> {
    const firstByteMs: number[] = [];
    const exitMs: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      const started = performance.now();
      const process = await this.sandbox.command(this._pkg('hello'), ['--quiet', '--stderr', 'x']).spawn({ stdin: 'closed', stdout: 'pipe', stderr: 'pipe' });
      const first = await withTimeout(firstChunk(process.stderr), START_TIMEOUT_MS, 'wasmer hello');
      const output = await process.wait();
      exitMs.push(performance.now() - started);
      firstByteMs.push(first - started);
      if (output.exitCode !== 0) throw new Error(`hello failed under wasmer: ${output.reason} ${output.exitCode}`);
    }
    return { firstByteMs, exitMs };
  }

  /** command.run() → resolved (output captured), the SDK's simplest call. */
  async runCalls(options: { runs: number }): Promise<number[]> {
    const ms: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      const started = performance.now();
      const output = await this.sandbox.command(this._pkg('hello'), ['--quiet', '--stderr', 'x']).run({ check: false });
      ms.push(performance.now() - started);
      if (output.exitCode !== 0) throw new Error(`hello failed under wasmer: ${output.reason} ${output.exitCode}`);
    }
    return ms;
  }

  async fileIo(options: { mib: number; runs: number; path: string }): Promise<IoTimes> {
    const result: IoTimes = { mib: options.mib, writeMs: [], readMs: [], wallMs: [], where: `${options.path.slice(0, options.path.lastIndexOf('/'))} (the sandbox's in-memory file system)` };
    for (let i = 0; i < options.runs; i++) {
      const started = performance.now();
      const output = await this.sandbox.command(this._pkg('iobench'), ['io', options.path, String(options.mib)]).run({ check: false });
      result.wallMs.push(performance.now() - started);
      const fields = parseFields(output.stdout.text());
      if (output.exitCode !== 0 || fields.write_ms === undefined) throw new Error(`iobench failed under wasmer: ${output.reason} ${output.exitCode} ${output.stderr.text()}`);
      result.writeMs.push(fields.write_ms);
      result.readMs.push(fields.read_ms!);
    }
    return result;
  }

  async kill(options: { runs: number; kinds: ('blocked' | 'spinning')[] }): Promise<KillTimes> {
    const result: KillTimes = { blockedMs: [], spinningMs: [] };
    for (let i = 0; i < options.runs; i++) {
      for (const [name, args, text, into] of [
        ['interactive', [], '> ', result.blockedMs],
        ['crash', ['spin'], 'spinning', result.spinningMs],
      ] as const) {
        if (!options.kinds.includes(into === result.blockedMs ? 'blocked' : 'spinning')) continue;
        const process = await this.sandbox.command(this._pkg(name), [...args]).spawn({ stdin: 'pipe', stdout: 'pipe', stderr: 'discard' });
        await withTimeout(firstChunk(process.stdout, text), START_TIMEOUT_MS, `wasmer ${name}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
        const started = performance.now();
        const exited = process.wait();
        void process.kill();
        await exited;
        into.push(performance.now() - started);
      }
    }
    return result;
  }

  private async _spawnIdle(timeoutMs = START_TIMEOUT_MS): Promise<Process> {
    const process = await this.sandbox.command(this._pkg('interactive'), []).spawn({ stdin: 'pipe', stdout: 'pipe', stderr: 'discard' });
    this._idle.push(process);
    await withTimeout(firstChunk(process.stdout, '> '), timeoutMs, 'a wasmer prompt');
    return process;
  }

  /** Before a memory baseline. */
  async settle(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 300));
  }

  /** `count` interactive processes blocked reading stdin. */
  async idleUp(options: { count: number }): Promise<IdleUp> {
    const started = performance.now();
    await Promise.all(Array.from({ length: options.count }, () => this._spawnIdle()));
    const ms = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 500));
    return { count: options.count, ms };
  }

  async idleDown(): Promise<void> {
    await Promise.allSettled(this._idle.splice(0).map(async (process) => { await process.kill(); await process.wait(); }));
    await new Promise((resolve) => setTimeout(resolve, 300));
  }

  async maxLive(options: { cap: number; batch: number; budgetMs: number }): Promise<MaxLive> {
    const started = performance.now();
    let live = 0;
    let stoppedBy: MaxLive['stoppedBy'] = 'cap';
    let error: string | undefined;
    try {
      while (live < options.cap) {
        if (performance.now() - started > options.budgetMs) { stoppedBy = 'time budget'; break; }
        const count = Math.min(options.batch, options.cap - live);
        const results = await Promise.allSettled(Array.from({ length: count }, async () => { await this._spawnIdle(MAX_LIVE_TIMEOUT_MS); live++; }));
        const failed = results.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
        if (failed) {
          stoppedBy = 'failure';
          error = failed.reason instanceof Error ? failed.reason.message : String(failed.reason);
          break;
        }
      }
      return { live, cap: options.cap, stoppedBy, error, ms: performance.now() - started };
    } finally {
      await this.idleDown();
    }
  }

  /** Closes the sandbox and the client; resolves 'pending' if that has not happened within `timeoutMs` (a guest still spinning keeps it open). */
  async close(options: { timeoutMs?: number } = {}): Promise<'closed' | 'pending'> {
    const sandbox = this._sandbox;
    const wasmer = this._wasmer;
    this._sandbox = undefined;
    this._wasmer = undefined;
    const closing = (async () => { await sandbox?.close(); await wasmer?.close(); return 'closed' as const; })();
    closing.catch(() => {});
    return Promise.race([closing, new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), options.timeoutMs ?? 10_000))]);
  }
}

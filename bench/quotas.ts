// Quota and fault-tolerance figures (issue 4): how long a spinning
// container takes to be reported killed after kill() and after its CPU-time
// limit is spent, how well a cpus share holds, and how the page's own timers
// fare while containers spin (runQuotaBench: the same function runs in Node
// and, serialised, in Chromium's playground page); what instrumentation
// costs a tight loop, and how long instrumenting CRuby's module takes
// (benchInstrumentation, Node).

import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FlotillaRuntime } from '../src/api/types';
import { compileC } from '../scripts/wasi-cc.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

export interface QuotaBenchOptions {
  /** workload.wasm's bytes (tests/wasm/c/workload.c; a plain array: it crosses into the page). */
  readonly wasm: number[];
  readonly kills: number;
  readonly cpuLimits: number;
  readonly cpuTimeMs: number;
  readonly cpus: number;
  /** Iterations of `workload sum` for the share measurement. */
  readonly sumIterations: number;
}

export interface QuotaBenchResult {
  /** kill() → the exit reported, for a container spinning without syscalls (ms). */
  readonly killMs: number[];
  /** How those containers ended: 'exited' (instrumented) or 'dead' (worker terminated). */
  readonly killStates: string[];
  /** Wall time from start to the SIGXCPU exit, minus the CPU-time limit (ms): the limit's overshoot plus start-up. */
  readonly cpuLimitOvershootMs: number[];
  /** Wall time of the same work with the cpus share over without (ideally 1 / cpus). */
  readonly throttleRatio: number;
  /** The page's (or Node's) 5 ms timer: worst lateness while two containers spin (ms). */
  readonly timerLagMaxMs: number;
}

export const QUOTA_BENCH_DEFAULTS = { kills: 20, cpuLimits: 5, cpuTimeMs: 100, cpus: 0.5, sumIterations: 100_000_000 };

/** Builds the workload program (cached by scripts/wasi-cc.mjs). */
export async function workloadWasm(): Promise<number[]> {
  const wasm = await compileC({ 'workload.c': readFileSync(join(HERE, '..', 'tests', 'wasm', 'c', 'workload.c'), 'utf8') }, ['workload.c']);
  return [...wasm];
}

/** Self-contained (no imports, no closures over this module): Playwright serialises it into the page. */
export async function runQuotaBench(options: QuotaBenchOptions, runtime?: FlotillaRuntime): Promise<QuotaBenchResult> {
  const rt = runtime ?? (globalThis as unknown as { flotilla: FlotillaRuntime }).flotilla;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const until = async (ready: () => boolean) => {
    for (let i = 0; i < 2000 && !ready(); i++) await sleep(2);
  };
  await rt.importProgram('workload', new Uint8Array(options.wasm));

  const killMs: number[] = [];
  const killStates: string[] = [];
  for (let i = 0; i < options.kills; i++) {
    const c = await rt.run('crash', { args: ['spin'] });
    await until(() => c.output().includes('spinning'));
    await sleep(10);
    const started = performance.now();
    await c.kill();
    await c.wait();
    killMs.push(performance.now() - started);
    killStates.push(c.state);
    await c.remove({ force: true });
  }

  const cpuLimitOvershootMs: number[] = [];
  for (let i = 0; i < options.cpuLimits; i++) {
    const c = await rt.run('crash', { args: ['spin'], cpuTimeMs: options.cpuTimeMs });
    const status = await c.wait();
    cpuLimitOvershootMs.push(status.finishedAt - status.startedAt - options.cpuTimeMs);
    await c.remove({ force: true });
  }

  const args = ['sum', String(options.sumIterations)];
  const [free, shared] = await Promise.all([rt.run('workload', { args }), rt.run('workload', { args, cpus: options.cpus })]);
  const [freeStatus, sharedStatus] = await Promise.all([free.wait(), shared.wait()]);
  const throttleRatio = (sharedStatus.finishedAt - sharedStatus.startedAt) / (freeStatus.finishedAt - freeStatus.startedAt);
  await Promise.all([free.remove({ force: true }), shared.remove({ force: true })]);

  const spinners = await Promise.all([rt.run('crash', { args: ['spin'] }), rt.run('crash', { args: ['spin'] })]);
  await until(() => spinners.every((c) => c.output().includes('spinning')));
  let timerLagMaxMs = 0;
  const stopAt = performance.now() + 500;
  while (performance.now() < stopAt) {
    const asked = performance.now();
    await sleep(5);
    timerLagMaxMs = Math.max(timerLagMaxMs, performance.now() - asked - 5);
  }
  await Promise.all(spinners.map((c) => c.remove({ force: true })));
  return { killMs, killStates, cpuLimitOvershootMs, throttleRatio, timerLagMaxMs };
}

export interface InstrumentationBenchResult {
  /** Instrumented / original run time of each workload (median of alternating runs). */
  readonly overhead: Record<string, number>;
  /** Checks per second the tight loop made (how often a kill is noticed). */
  readonly checksPerSecond: number;
  readonly rubyBytes: number;
  /** Time to instrument (and cap) CRuby's module, ms, median of runs after a warm-up. */
  readonly rubyInstrumentMs: number;
}

/** In-process, in Node: the rewriter's cost to a guest and its own speed. */
export async function benchInstrumentation(): Promise<InstrumentationBenchResult> {
  const { instrument } = await import('../src/wasm');
  const { GuestGovernor } = await import('../src/workers/GuestGovernor');
  const { ControlBlock } = await import('../src/workers/ControlBlock');
  const { WasiProcess } = await import('../src/wasi');
  const { ContainerFs } = await import('../src/fs/ContainerFs');
  const { ImageStore } = await import('../src/images/ImageStore');
  const { NodeImageSource } = await import('../src/images/NodeImageSource');

  const original = new Uint8Array(await workloadWasm());
  const instrumented = instrument(original, { maxMemoryPages: 4096 });
  const silent = { isTerminal: false, write: (bytes: Uint8Array) => bytes.length };
  let checks = 0;
  const runOnce = (bytes: Uint8Array, args: string[]): number => {
    const control = new ControlBlock();
    control.setQuotas({ memoryPages: 4096, cpuTimeMs: 0, cpus: 0 });
    const wasi = new WasiProcess({
      args: ['workload', ...args], env: [], preopens: [{ guestPath: '/', dir: new ContainerFs().root }],
      stdin: { isTerminal: false, read: () => 0, readable: () => true, available: () => 0 }, stdout: silent, stderr: silent,
      waiter: { wait: () => {} }, checkSignals: () => { control.takeSignal(); },
    });
    let memory: WebAssembly.Memory | undefined;
    const governor = new GuestGovernor({ process: control, container: control, poll: () => { control.takeSignal(); }, memory: () => memory });
    const module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    const instance = new WebAssembly.Instance(module, { ...wasi.imports, ...governor.importsFor(module) });
    memory = instance.exports.memory as WebAssembly.Memory;
    const started = performance.now();
    wasi.run(instance);
    const elapsed = performance.now() - started;
    checks += governor.checks;
    return elapsed;
  };
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const workloads: Array<[string, string]> = [['sum', '200000000'], ['sieve', '20000000'], ['sort', '2000000'], ['table', '50000000'], ['vec', '20000']];
  const overhead: Record<string, number> = {};
  let checksPerSecond = 0;
  for (const [mode, n] of workloads) {
    runOnce(original, [mode, '1000']);
    runOnce(instrumented, [mode, '1000']);
    const plain: number[] = [];
    const checked: number[] = [];
    for (let i = 0; i < 5; i++) {
      plain.push(runOnce(original, [mode, n]));
      checks = 0;
      const elapsed = runOnce(instrumented, [mode, n]);
      checked.push(elapsed);
      if (mode === 'sum') checksPerSecond = Math.max(checksPerSecond, checks / (elapsed / 1000));
    }
    overhead[mode] = median(checked) / median(plain);
  }

  const store = new ImageStore(new NodeImageSource(resolve(HERE, '..', 'build', 'images')));
  const ruby = (await store.get('ruby')).layers.flatMap((layer) => layer.entries).find((entry) => entry.path === '/usr/local/bin/ruby')!.data!.slice();
  instrument(ruby, { maxMemoryPages: 4096 });
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    instrument(ruby, { maxMemoryPages: 4096 });
    times.push(performance.now() - started);
  }
  return { overhead, checksPerSecond, rubyBytes: ruby.length, rubyInstrumentMs: median(times) };
}

/** runQuotaBench in a fresh playground page of `url`. */
export async function benchQuotasInBrowser(browser: import('playwright-core').Browser, url: string): Promise<QuotaBenchResult> {
  const page = await browser.newPage();
  try {
    // tsx compiles with esbuild's keepNames, whose __name helper the serialised function calls.
    await page.addInitScript({ content: 'globalThis.__name = (target) => target;' });
    await page.goto(url);
    await page.waitForFunction(() => (globalThis as { flotilla?: unknown }).flotilla !== undefined, undefined, { timeout: 60_000 });
    return await page.evaluate(runQuotaBench, { wasm: await workloadWasm(), ...QUOTA_BENCH_DEFAULTS });
  } finally {
    await page.close();
  }
}

export interface QuotaFigures {
  readonly node: QuotaBenchResult;
  readonly chromium: QuotaBenchResult;
  readonly instrumentation: InstrumentationBenchResult;
}

/** The Node half (a runtime of its own, then the in-process measurements), joined to Chromium's. */
export async function benchQuotas(chromium: QuotaBenchResult): Promise<QuotaFigures> {
  const { Runtime } = await import('../src/api');
  const rt = await Runtime.create({ poolSize: 4 });
  let node: QuotaBenchResult;
  try {
    node = await runQuotaBench({ wasm: await workloadWasm(), ...QUOTA_BENCH_DEFAULTS }, rt);
  } finally {
    await rt.dispose();
  }
  return { node, chromium, instrumentation: await benchInstrumentation() };
}

export function quotasMarkdown({ node, chromium, instrumentation }: QuotaFigures, chromiumVersion: string): string {
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  const max = (values: number[]) => Math.max(...values);
  const states = (r: QuotaBenchResult) => [...new Set(r.killStates)].join(', ');
  const row = (where: string, r: QuotaBenchResult) =>
    `| ${where} | ${median(r.killMs).toFixed(1)} / ${max(r.killMs).toFixed(1)} (${states(r)}) | ${median(r.cpuLimitOvershootMs).toFixed(0)} | ${r.throttleRatio.toFixed(2)} (ideal ${(1 / QUOTA_BENCH_DEFAULTS.cpus).toFixed(1)}) | ${r.timerLagMaxMs.toFixed(1)} |`;
  const overhead = Object.entries(instrumentation.overhead).map(([mode, ratio]) => `${mode} ×${ratio.toFixed(2)}`).join(', ');
  return [
    `| where | kill() → reported, spinning guest: median / max of ${QUOTA_BENCH_DEFAULTS.kills} (ms; how it ended) | start → SIGXCPU exit beyond the ${QUOTA_BENCH_DEFAULTS.cpuTimeMs} ms CPU limit (ms, median) | same work with cpus ${QUOTA_BENCH_DEFAULTS.cpus} / without (wall-time ratio) | page timer's worst lateness while two guests spin (ms) |`,
    '|---|---|---|---|---|',
    row(`Node ${process.version}`, node),
    row(`Chromium ${chromiumVersion}`, chromium),
    '',
    `Instrumentation (Node, in-process, TurboFan code): run time instrumented / original: ${overhead} (tests/wasm/c/workload.c; \`sum\` is the tight integer loop); ${instrumentation.checksPerSecond.toFixed(0)} checks/s on it. Instrumenting CRuby's module (${(instrumentation.rubyBytes / 2 ** 20).toFixed(1)} MiB): ${instrumentation.rubyInstrumentMs.toFixed(0)} ms (median of 5).`,
  ].join('\n');
}

// The measurement sequence of each runtime, the same in Node and in
// Chromium: a Target runs one step (a direct call in Node, page.evaluate in
// Chromium) and reads the host's memory. A step that fails is kept as a
// finding ({ error }) and the sequence goes on.

import { FlotillaSteps } from './flotilla';
import { buildNodeShimWorker, processRss, spawnNodeShimWorker } from './nodeHost';
import { initialMemoryBytes, type Programs } from './programs';
import { failed, type BurstTimes, type HostResults, type IdleMemory, type IdleUp, type InitTimes, type IoTimes, type KillTimes, type Maybe, type MaxLive, type PeersOptions, type PipeTimes, type StartTimes } from './results';
import { ShimSteps, type ShimStarts } from './shim';
import { WasmerSteps, type WasmerClass } from './wasmer';

/** One peer's steps as seen from the driver: direct calls in Node, page.evaluate in Chromium. */
export interface Target {
  call<T>(step: string, args?: unknown): Promise<T>;
  memory(): Promise<number | undefined>;
}

async function attempt<T>(what: string, step: () => Promise<T>): Promise<Maybe<T>> {
  const started = Date.now();
  try {
    const result = await step();
    log(`  ${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result;
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    log(`  ${what}: FAILED ${message}`);
    return { error: message };
  }
}

export function log(message: string): void {
  if (process.env.BENCH_QUIET !== '1') console.error(message);
}

async function idleMemory(target: Target, count: number, wasmInitialBytes: number): Promise<IdleMemory> {
  await target.call('settle');
  const beforeBytes = await target.memory();
  try {
    const up = await target.call<IdleUp>('idleUp', { count });
    const afterBytes = await target.memory();
    const perInstanceBytes = beforeBytes !== undefined && afterBytes !== undefined ? (afterBytes - beforeBytes) / count : undefined;
    return { ...up, beforeBytes, afterBytes, perInstanceBytes, wasmInitialBytes };
  } finally {
    await target.call('idleDown');
  }
}

export async function measureFlotilla(target: Target, options: PeersOptions, programs: Programs): Promise<HostResults['flotilla']> {
  const setup = await attempt('flotilla setup', () => target.call('setup', { poolSize: options.poolSize }));
  const broken = failed(setup) ? setup : undefined;
  const step = <T>(what: string, run: () => Promise<T>): Promise<Maybe<T>> => (broken ? Promise.resolve(broken) : attempt(`flotilla ${what}`, run));
  // Memory first, while the renderer or process holds no garbage of earlier steps.
  const idle = await step('idle memory', () => idleMemory(target, options.idleCount, initialMemoryBytes(programs.interactive)));
  const warm = await step('warm starts', () => target.call<StartTimes>('warmStarts', { runs: options.runs }));
  const warmQuiet = await step('warm starts, quiet pool', () => target.call<StartTimes>('warmStarts', { runs: options.runs, idle: true }));
  const bursts = await step('bursts', () => target.call<BurstTimes>('bursts', { counts: options.bursts }));
  const io = await step('file I/O', () => target.call<IoTimes>('fileIo', { mib: options.ioMib, runs: options.ioRuns }));
  const pipe = await step('pipe', () => target.call<PipeTimes>('pipe', { mib: options.ioMib, runs: options.pipeRuns }));
  const kill = await step('kill', () => target.call<KillTimes>('kill', { runs: options.killRuns }));
  const cold = await step('cold starts', () => target.call<StartTimes>('coldStarts', { runs: options.coldRuns }));
  const maxLive = await step('max live', () => target.call<MaxLive>('maxLive', { cap: options.maxCap, batch: 10, budgetMs: options.maxBudgetMs }));
  await attempt('flotilla dispose', () => target.call('dispose'));
  return { warm, warmQuiet, cold, bursts, io, pipe, kill, idle, maxLive };
}

export async function measureShim(target: Target, options: PeersOptions, programs: Programs): Promise<HostResults['shim']> {
  const starts = await attempt('shim starts', () => target.call<ShimStarts>('starts', { runs: options.runs }));
  const prestarted = await attempt('shim pre-started starts', () => target.call<StartTimes>('prestartedStarts', { runs: options.runs }));
  const idle = await attempt('shim idle memory', () => idleMemory(target, options.idleCount, initialMemoryBytes(programs.hello)));
  const io = await attempt('shim file I/O', () => target.call<IoTimes>('fileIo', { mib: options.ioMib, runs: options.shimIoRuns }));
  const maxLive = await attempt('shim max live', () => target.call<MaxLive>('maxLive', { cap: options.maxCap, batch: 10, budgetMs: options.maxBudgetMs }));
  return { starts, prestarted, io, idle, maxLive };
}

export async function measureWasmer(target: Target, options: PeersOptions, programs: Programs): Promise<HostResults['wasmer']> {
  const init = await attempt('wasmer init', () => target.call<InitTimes>('init'));
  const broken = failed(init) ? init : undefined;
  const step = <T>(what: string, run: () => Promise<T>): Promise<Maybe<T>> => (broken ? Promise.resolve(broken) : attempt(`wasmer ${what}`, run));
  const starts = await step('starts', () => target.call<StartTimes>('starts', { runs: options.runs }));
  const runCalls = await step('run() calls', () => target.call<number[]>('runCalls', { runs: options.runs }));
  const idle = await step('idle memory', () => idleMemory(target, options.idleCount, initialMemoryBytes(programs.interactive)));
  const io = await step('file I/O', () => target.call<IoTimes>('fileIo', { mib: options.ioMib, runs: options.ioRuns, path: '/tmp/big' }));
  const kill = await step('kill', () => target.call<KillTimes>('kill', { runs: options.killRuns }));
  const maxLive = await step('max live', () => target.call<MaxLive>('maxLive', { cap: options.maxCap, batch: 10, budgetMs: options.maxBudgetMs }));
  await attempt('wasmer close', () => target.call('close'));
  return { init, starts, runCalls, io, kill, idle, maxLive };
}

function directTarget(steps: object): Target {
  const table = steps as Record<string, (args: unknown) => Promise<unknown>>;
  return {
    call: async <T>(step: string, args: unknown = {}) => (await table[step]!.call(steps, args)) as T,
    memory: processRss,
  };
}

export async function runNode(options: PeersOptions, programs: Programs): Promise<HostResults> {
  const bytes = async (name: string) => programs[name as keyof Programs];
  const flotilla = await measureFlotilla(directTarget(new FlotillaSteps(() => bytes('iobench'))), options, programs);
  await buildNodeShimWorker();
  const shim = await measureShim(directTarget(new ShimSteps(spawnNodeShimWorker, bytes)), options, programs);
  const { Wasmer } = await import('@wasmer/sdk/node');
  const wasmer = await measureWasmer(directTarget(new WasmerSteps(Wasmer as unknown as WasmerClass, bytes)), options, programs);
  return { flotilla, shim, wasmer };
}


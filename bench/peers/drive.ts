// The measurement sequence of each runtime, the same in Node and in
// Chromium: a Target runs one step (a direct call in Node, page.evaluate in
// Chromium) and reads the host's memory. A step that fails is kept as a
// finding ({ error }) and the sequence goes on.

import { FlotillaSteps } from './flotilla';
import { buildNodeShimWorker, processRss, spawnNodeShimWorker } from './nodeHost';
import { initialMemoryBytes, type Programs } from './programs';
import { failed, type BurstTimes, type HostResults, type IdleMemory, type IdleUp, type InitTimes, type IoTimes, type KillTimes, type Maybe, type MaxLive, type PeersOptions, type PipeTimes, type SpinKill, type StartTimes } from './results';
import { ShimSteps, type ShimStarts } from './shim';
import { WasmerSteps, type WasmerClass } from './wasmer';

/** One peer's steps as seen from the driver: direct calls in Node, page.evaluate in Chromium. */
export interface Target {
  call<T>(step: string, args?: unknown): Promise<T>;
  memory(): Promise<number | undefined>;
  /** CPU time the host has used so far (ms): the Node process, or the page's renderer process. */
  cpuMs(): Promise<number | undefined>;
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

/** Rounds of the memory measurement: RSS moves with garbage the host collects when it likes. */
const MEMORY_ROUNDS = 2;

async function idleMemory(target: Target, count: number, wasmInitialBytes: number): Promise<IdleMemory> {
  const rounds: IdleMemory['rounds'] = [];
  let ms = 0;
  for (let round = 0; round < MEMORY_ROUNDS; round++) {
    await target.call('settle');
    const beforeBytes = await target.memory();
    try {
      const up = await target.call<IdleUp>('idleUp', { count });
      ms = Math.max(ms, up.ms);
      const afterBytes = await target.memory();
      if (beforeBytes !== undefined && afterBytes !== undefined) rounds.push({ beforeBytes, afterBytes, perInstanceBytes: (afterBytes - beforeBytes) / count });
    } finally {
      await target.call('idleDown');
    }
  }
  // The first round's: its baseline holds no instance yet (wasmer keeps its workers after their processes end, so its later rounds start from a higher floor).
  const perInstanceBytes = rounds[0]?.perInstanceBytes;
  return { count, ms, perInstanceBytes, wasmInitialBytes, rounds };
}

/** The sequences below leave max live out: it runs last, on a fresh runtime (in Chromium a fresh page), see measureMaxLive. */
export async function measureFlotilla(target: Target, options: PeersOptions, programs: Programs): Promise<Omit<HostResults['flotilla'], 'maxLive' | 'spinKill'>> {
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
  const kill = await step('kill', () => target.call<KillTimes>('kill', { runs: options.killRuns, kinds: ['blocked'] }));
  const cold = await step('cold starts', () => target.call<StartTimes>('coldStarts', { runs: options.coldRuns }));
  await attempt('flotilla dispose', () => target.call('dispose'));
  return { warm, warmQuiet, cold, bursts, io, pipe, kill, idle };
}

export async function measureShim(target: Target, options: PeersOptions, programs: Programs): Promise<Omit<HostResults['shim'], 'maxLive'>> {
  const starts = await attempt('shim starts', () => target.call<ShimStarts>('starts', { runs: options.runs }));
  const prestarted = await attempt('shim pre-started starts', () => target.call<StartTimes>('prestartedStarts', { runs: options.runs }));
  const idle = await attempt('shim idle memory', () => idleMemory(target, options.idleCount, initialMemoryBytes(programs.hello)));
  const io = await attempt('shim file I/O', () => target.call<IoTimes>('fileIo', { mib: options.ioMib, runs: options.shimIoRuns }));
  return { starts, prestarted, io, idle };
}

export async function measureWasmer(target: Target, options: PeersOptions, programs: Programs): Promise<Omit<HostResults['wasmer'], 'maxLive' | 'spinKill'>> {
  const init = await attempt('wasmer init', () => target.call<InitTimes>('init'));
  const broken = failed(init) ? init : undefined;
  const step = <T>(what: string, run: () => Promise<T>): Promise<Maybe<T>> => (broken ? Promise.resolve(broken) : attempt(`wasmer ${what}`, run));
  const first = await step('first run', () => target.call<StartTimes>('starts', { runs: 1 }));
  // Before the later runs: the memories of finished runs count against the renderer's wasm budget until a GC.
  const idle = await step('idle memory', () => idleMemory(target, options.idleCount, initialMemoryBytes(programs.interactive)));
  const starts = await step('later runs', () => target.call<StartTimes>('starts', { runs: options.runs }));
  const runCalls = await step('run() calls', () => target.call<number[]>('runCalls', { runs: options.runs }));
  const io = await step('file I/O', () => target.call<IoTimes>('fileIo', { mib: options.ioMib, runs: options.ioRuns, path: '/tmp/big' }));
  const kill = await step('kill', () => target.call<KillTimes>('kill', { runs: options.killRuns, kinds: ['blocked'] }));
  await attempt('wasmer close', () => target.call('close'));
  return { init, first, starts, runCalls, io, kill, idle };
}

/**
 * Kills guests spinning without syscalls, then measures the host's CPU in
 * the second after the last exit was reported (does the guest really stop?)
 * and, for wasmer, whether the client still closes. Runs last: a guest that
 * keeps spinning would slow everything after it. wasmer gets one such guest
 * (each one it leaves spinning takes a core).
 */
export async function measureSpinKill(peer: 'flotilla' | 'wasmer', target: Target, options: PeersOptions): Promise<Maybe<SpinKill>> {
  const ready = peer === 'flotilla' ? await attempt('flotilla setup', () => target.call('setup', { poolSize: 4 })) : await attempt('wasmer init', () => target.call('init'));
  if (failed(ready)) return ready;
  return attempt(`${peer} kill while spinning`, async () => {
    const kill = await target.call<KillTimes>('kill', { runs: peer === 'wasmer' ? 1 : options.killRuns, kinds: ['spinning'] });
    const before = await target.cpuMs();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = await target.cpuMs();
    const cpuAfterMs = before !== undefined && after !== undefined ? after - before : undefined;
    if (peer === 'flotilla') {
      await target.call('dispose');
      return { ...kill, cpuAfterMs };
    }
    return { ...kill, cpuAfterMs, close: await target.call<'closed' | 'pending'>('close', { timeoutMs: 10_000 }) };
  });
}

/** Live instances until the first failure or the cap, on a fresh runtime: Flotilla's with a small pool, a new wasmer client. */
export async function measureMaxLive(peer: 'flotilla' | 'shim' | 'wasmer', target: Target, options: PeersOptions): Promise<Maybe<MaxLive>> {
  const ready = peer === 'flotilla' ? await attempt('flotilla setup', () => target.call('setup', { poolSize: 10 }))
    : peer === 'wasmer' ? await attempt('wasmer init', () => target.call('init'))
    : undefined;
  if (ready !== undefined && failed(ready)) return ready;
  const result = await attempt(`${peer} max live`, () => target.call<MaxLive>('maxLive', { cap: options.maxCap, batch: 10, budgetMs: options.maxBudgetMs }));
  if (peer === 'flotilla') await attempt('flotilla dispose', () => target.call('dispose'));
  if (peer === 'wasmer') await attempt('wasmer close', () => target.call('close'));
  return result;
}

function directTarget(steps: object): Target {
  const table = steps as Record<string, (args: unknown) => Promise<unknown>>;
  return {
    call: async <T>(step: string, args: unknown = {}) => (await table[step]!.call(steps, args)) as T,
    memory: processRss,
    cpuMs: async () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1000;
    },
  };
}

export async function runNode(options: PeersOptions, programs: Programs): Promise<HostResults> {
  const bytes = async (name: string) => programs[name as keyof Programs];
  await buildNodeShimWorker();
  const { Wasmer } = await import('@wasmer/sdk/node');
  const targets = {
    flotilla: () => directTarget(new FlotillaSteps(() => bytes('iobench'))),
    shim: () => directTarget(new ShimSteps(spawnNodeShimWorker, bytes)),
    wasmer: () => directTarget(new WasmerSteps(Wasmer as unknown as WasmerClass, bytes)),
  };
  const flotilla = await measureFlotilla(targets.flotilla(), options, programs);
  const shim = await measureShim(targets.shim(), options, programs);
  const wasmer = await measureWasmer(targets.wasmer(), options, programs);
  const maxLive = {
    flotilla: await measureMaxLive('flotilla', targets.flotilla(), options),
    shim: await measureMaxLive('shim', targets.shim(), options),
    wasmer: await measureMaxLive('wasmer', targets.wasmer(), options),
  };
  // Last: wasmer leaves its spinning guest running (node-main.ts exits the process afterwards).
  const spinKill = {
    flotilla: await measureSpinKill('flotilla', targets.flotilla(), options),
    wasmer: await measureSpinKill('wasmer', targets.wasmer(), options),
  };
  return {
    flotilla: { ...flotilla, maxLive: maxLive.flotilla, spinKill: spinKill.flotilla },
    shim: { ...shim, maxLive: maxLive.shim },
    wasmer: { ...wasmer, maxLive: maxLive.wasmer, spinKill: spinKill.wasmer },
  };
}


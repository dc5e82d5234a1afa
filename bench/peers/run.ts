// Flotilla against its peers, @bjorn3/browser_wasi_shim and @wasmer/sdk 0.16,
// running the same WASI binaries in Node and in Chromium in the same run.
// `npx tsx bench/peers/run.ts` runs this part alone (prints the markdown,
// writes build/bench/peers.{json,md}); `npm run bench` (bench/run.ts) adds it
// to bench/results/latest.{json,md}. What each figure means: bench/README.md.
// Not a test: nothing here passes or fails on timing.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../e2e/browser';
import { PeerPage } from './chromium';
import { FlotillaSteps } from './flotilla';
import { machineDescription } from './machine';
import { buildNodeShimWorker, processRss, spawnNodeShimWorker } from './nodeHost';
import { initialMemoryBytes, preparePrograms, ROOT, type Programs } from './programs';
import { peersMarkdown } from './report';
import { failed, type BurstTimes, type HostResults, type IdleMemory, type IdleUp, type InitTimes, type IoTimes, type KillTimes, type Maybe, type MaxLive, type PeersOptions, type PeersResult, type PipeTimes, type StartTimes } from './results';
import { ShimSteps, type ShimStarts } from './shim';
import { buildSite, serveSite } from './site';
import { WasmerSteps, type WasmerClass } from './wasmer';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

export const DEFAULT_OPTIONS: PeersOptions = {
  runs: env('BENCH_PEER_RUNS', 40),
  coldRuns: env('BENCH_COLD_RUNS', 7),
  bursts: [10, 100],
  poolSize: 120,
  ioMib: env('BENCH_IO_MIB', 64),
  ioRuns: 3,
  shimIoRuns: 1,
  pipeRuns: 3,
  killRuns: 5,
  idleCount: env('BENCH_IDLE', 50),
  maxCap: env('BENCH_MAX_LIVE', 200),
  maxBudgetMs: 60_000,
};

/** One peer's steps as seen from the driver: direct calls in Node, page.evaluate in Chromium. */
interface Target {
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

function log(message: string): void {
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

async function measureFlotilla(target: Target, options: PeersOptions, programs: Programs): Promise<HostResults['flotilla']> {
  const setup = await attempt('flotilla setup', () => target.call('setup', { poolSize: options.poolSize }));
  const broken = failed(setup) ? setup : undefined;
  const step = <T>(what: string, run: () => Promise<T>): Promise<Maybe<T>> => (broken ? Promise.resolve(broken) : attempt(`flotilla ${what}`, run));
  const warm = await step('warm starts', () => target.call<StartTimes>('warmStarts', { runs: options.runs }));
  const warmQuiet = await step('warm starts, quiet pool', () => target.call<StartTimes>('warmStarts', { runs: options.runs, idle: true }));
  const bursts = await step('bursts', () => target.call<BurstTimes>('bursts', { counts: options.bursts }));
  const io = await step('file I/O', () => target.call<IoTimes>('fileIo', { mib: options.ioMib, runs: options.ioRuns }));
  const pipe = await step('pipe', () => target.call<PipeTimes>('pipe', { mib: options.ioMib, runs: options.pipeRuns }));
  const kill = await step('kill', () => target.call<KillTimes>('kill', { runs: options.killRuns }));
  const idle = await step('idle memory', () => idleMemory(target, options.idleCount, initialMemoryBytes(programs.interactive)));
  const cold = await step('cold starts', () => target.call<StartTimes>('coldStarts', { runs: options.coldRuns }));
  const maxLive = await step('max live', () => target.call<MaxLive>('maxLive', { cap: options.maxCap, batch: 10, budgetMs: options.maxBudgetMs }));
  await attempt('flotilla dispose', () => target.call('dispose'));
  return { warm, warmQuiet, cold, bursts, io, pipe, kill, idle, maxLive };
}

async function measureShim(target: Target, options: PeersOptions, programs: Programs): Promise<HostResults['shim']> {
  const starts = await attempt('shim starts', () => target.call<ShimStarts>('starts', { runs: options.runs }));
  const prestarted = await attempt('shim pre-started starts', () => target.call<StartTimes>('prestartedStarts', { runs: options.runs }));
  const io = await attempt('shim file I/O', () => target.call<IoTimes>('fileIo', { mib: options.ioMib, runs: options.shimIoRuns }));
  const idle = await attempt('shim idle memory', () => idleMemory(target, options.idleCount, initialMemoryBytes(programs.hello)));
  const maxLive = await attempt('shim max live', () => target.call<MaxLive>('maxLive', { cap: options.maxCap, batch: 10, budgetMs: options.maxBudgetMs }));
  return { starts, prestarted, io, idle, maxLive };
}

async function measureWasmer(target: Target, options: PeersOptions, programs: Programs): Promise<HostResults['wasmer']> {
  const init = await attempt('wasmer init', () => target.call<InitTimes>('init'));
  const broken = failed(init) ? init : undefined;
  const step = <T>(what: string, run: () => Promise<T>): Promise<Maybe<T>> => (broken ? Promise.resolve(broken) : attempt(`wasmer ${what}`, run));
  const starts = await step('starts', () => target.call<StartTimes>('starts', { runs: options.runs }));
  const runCalls = await step('run() calls', () => target.call<number[]>('runCalls', { runs: options.runs }));
  const io = await step('file I/O', () => target.call<IoTimes>('fileIo', { mib: options.ioMib, runs: options.ioRuns, path: '/tmp/big' }));
  const kill = await step('kill', () => target.call<KillTimes>('kill', { runs: options.killRuns }));
  const idle = await step('idle memory', () => idleMemory(target, options.idleCount, initialMemoryBytes(programs.interactive)));
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

async function runNode(options: PeersOptions, programs: Programs): Promise<HostResults> {
  log(`peers in Node ${process.version}`);
  const bytes = async (name: string) => programs[name as keyof Programs];
  const flotilla = await measureFlotilla(directTarget(new FlotillaSteps(() => bytes('iobench'))), options, programs);
  await buildNodeShimWorker();
  const shim = await measureShim(directTarget(new ShimSteps(spawnNodeShimWorker, bytes)), options, programs);
  const { Wasmer } = await import('@wasmer/sdk/node');
  const wasmer = await measureWasmer(directTarget(new WasmerSteps(Wasmer as unknown as WasmerClass, bytes)), options, programs);
  return { flotilla, shim, wasmer };
}

async function runChromium(options: PeersOptions, programs: Programs, browser: Browser): Promise<HostResults> {
  log(`peers in Chromium ${browser.version()}`);
  await buildSite();
  const site = await serveSite();
  try {
    const url = `${site.url}bench/peers/page.html`;
    // One browser context per peer: its own renderer process, so neither memory nor the wasm memory budget is shared.
    const inPage = async <T>(peer: string, measure: (target: Target) => Promise<T>): Promise<T> => {
      const page = await PeerPage.open(browser, url);
      try {
        return await measure({ call: (step, args) => page.call(peer, step, args), memory: () => page.rendererRss() });
      } finally {
        await page.close();
      }
    };
    const flotilla = await inPage('flotilla', (target) => measureFlotilla(target, options, programs));
    const shim = await inPage('shim', (target) => measureShim(target, options, programs));
    const wasmer = await inPage('wasmer', (target) => measureWasmer(target, options, programs));
    return { flotilla, shim, wasmer };
  } finally {
    await site.close();
  }
}

/** Runs everything; `browser` may be one the caller already launched (bench/run.ts). */
export async function runPeers(options: PeersOptions = DEFAULT_OPTIONS, browser?: Browser): Promise<PeersResult> {
  const programs = await preparePrograms();
  const nodeStarted = Date.now();
  const node = await runNode(options, programs);
  const nodeSeconds = (Date.now() - nodeStarted) / 1000;
  const ownBrowser = browser ?? (await launchChromium());
  try {
    const chromiumStarted = Date.now();
    const chromium = await runChromium(options, programs, ownBrowser);
    return {
      machine: await machineDescription(ownBrowser.version()),
      options,
      programs: Object.fromEntries(Object.entries(programs).map(([name, bytes]) => [name, { bytes: bytes.length, initialMemoryBytes: initialMemoryBytes(bytes) }])),
      node,
      chromium,
      seconds: { node: nodeSeconds, chromium: (Date.now() - chromiumStarted) / 1000 },
    };
  } finally {
    if (!browser) await ownBrowser.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await runPeers();
  const markdown = `# Flotilla and its peers\n\n${peersMarkdown(result, 3)}`;
  console.log(markdown);
  await mkdir(join(ROOT, 'build/bench'), { recursive: true });
  await writeFile(join(ROOT, 'build/bench/peers.json'), JSON.stringify(result, null, 2));
  await writeFile(join(ROOT, 'build/bench/peers.md'), markdown);
}

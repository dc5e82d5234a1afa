// Flotilla against its peers, @bjorn3/browser_wasi_shim and @wasmer/sdk 0.16,
// running the same WASI binaries in Node and in Chromium in the same run.
// `npx tsx bench/peers/run.ts` runs this part alone (prints the markdown,
// writes build/bench/peers.{json,md}); `npm run bench` (bench/run.ts) adds it
// to bench/results/latest.{json,md}. What each figure means: bench/README.md.
// Not a test: nothing here passes or fails on timing.

import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../e2e/browser';
import { PeerPage } from './chromium';
import { log, measureFlotilla, measureMaxLive, measureShim, measureSpinKill, measureWasmer, type Target } from './drive';
import { machineDescription } from './machine';
import { initialMemoryBytes, preparePrograms, ROOT, type Programs } from './programs';
import { peersMarkdown } from './report';
import type { HostResults, PeersOptions, PeersResult } from './results';
import { buildSite, serveSite } from './site';

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
        return await measure({ call: (step, args) => page.call(peer, step, args), memory: () => page.rendererRss(), cpuMs: () => page.rendererCpuMs() });
      } finally {
        await page.close();
      }
    };
    const flotilla = await inPage('flotilla', (target) => measureFlotilla(target, options, programs));
    const shim = await inPage('shim', (target) => measureShim(target, options, programs));
    const wasmer = await inPage('wasmer', (target) => measureWasmer(target, options, programs));
    // Max live last, each on a fresh page: no garbage memories of earlier steps in the renderer's budget.
    return {
      flotilla: {
        ...flotilla,
        maxLive: await inPage('flotilla', (target) => measureMaxLive('flotilla', target, options)),
        spinKill: await inPage('flotilla', (target) => measureSpinKill('flotilla', target, options)),
      },
      shim: { ...shim, maxLive: await inPage('shim', (target) => measureMaxLive('shim', target, options)) },
      wasmer: {
        ...wasmer,
        maxLive: await inPage('wasmer', (target) => measureMaxLive('wasmer', target, options)),
        spinKill: await inPage('wasmer', (target) => measureSpinKill('wasmer', target, options)),
      },
    };
  } finally {
    await site.close();
  }
}

const NODE_MAIN = join(ROOT, 'build/bench/peers-node.mjs');

/**
 * The Node figures come from a plain `node` child process running a bundle
 * of node-main.ts: under tsx, every worker thread inherits tsx's loader
 * (--import) and takes ≈2× as long to start, which would inflate cold
 * starts, pool refills and the baselines' workers alike.
 */
async function runNodeChild(options: PeersOptions): Promise<HostResults> {
  await build({
    entryPoints: [join(ROOT, 'bench/peers/node-main.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    outfile: NODE_MAIN,
    logLevel: 'warning',
  });
  const out = join(ROOT, 'build/bench/peers-node.json');
  await writeFile(out, '');
  const child = spawn(process.execPath, [NODE_MAIN, JSON.stringify(options), out], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, NODE_OPTIONS: '' } });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`the Node peer benchmarks exited with ${code}`);
  return JSON.parse(await readFile(out, 'utf8')) as HostResults;
}

/** Runs everything; `browser` may be one the caller already launched (bench/run.ts). */
export async function runPeers(options: PeersOptions = DEFAULT_OPTIONS, browser?: Browser): Promise<PeersResult> {
  const programs = await preparePrograms();
  const nodeStarted = Date.now();
  log(`peers in Node ${process.version} (a plain node process)`);
  const node = await runNodeChild(options);
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

// `npm run bench`: start latency and concurrent starts, in Node and in
// Chromium, in the same run; the learner terminal's page-to-prompt and
// keystroke-to-echo times, and a pipeline against the host. Prints a markdown table and writes
// bench/results/latest.{json,md} with the machine's description.
// Not a test: nothing here passes or fails on timing.

import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { cpus, totalmem, release, platform } from 'node:os';
import { createServer } from 'node:net';
import { Runtime } from '../src/api';
import { launchChromium } from '../e2e/browser';
import { runStartBench, type StartBenchResult } from './measure';
import { benchQuotas, benchQuotasInBrowser, quotasMarkdown, type QuotaBenchResult } from './quotas';
import { benchPipeline, PIPELINE } from './pipeline';
import { benchTerminal, type TerminalBenchResult } from './terminal';
import { benchFleet, type FleetBenchResult } from './fleet';
import { benchSpinners, spinnersMarkdown, type SpinnerBenchResult } from './spinners';
import { runPeers } from './peers/run';
import { peersMarkdown } from './peers/report';
import { NET_BENCH_DEFAULTS, netbenchWasm, runNetBench, type NetBenchResult } from './net';

const RUNS = Number(process.env.BENCH_RUNS ?? 60);
const CONCURRENCY = [20, 100];
const POOL = 120;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function benchNode(): Promise<StartBenchResult> {
  const rt = await Runtime.create({ poolSize: POOL });
  try {
    return await runStartBench({ runs: RUNS, concurrency: CONCURRENCY }, rt);
  } finally {
    await rt.dispose();
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

const netWasm = await netbenchWasm();

async function benchNodeNetwork(): Promise<NetBenchResult> {
  const rt = await Runtime.create({ poolSize: 4 });
  try {
    return await runNetBench({ wasm: netWasm, ...NET_BENCH_DEFAULTS }, rt);
  } finally {
    await rt.dispose();
  }
}

async function benchChromium(): Promise<{ result: StartBenchResult; terminal: TerminalBenchResult; network: NetBenchResult; fleet: FleetBenchResult; quotas: QuotaBenchResult; spinners: SpinnerBenchResult; version: string }> {
  const port = await freePort();
  const server = spawn(process.execPath, ['scripts/serve-e2e.mjs', String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      server.stdout!.on('data', (data: Buffer) => { if (data.toString().includes('server on')) resolve(); });
      server.on('exit', (code) => reject(new Error(`the page server exited with ${code}`)));
    });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      // tsx compiles with esbuild's keepNames, whose __name helper the serialised function calls.
      await page.addInitScript({ content: 'globalThis.__name = (target) => target;' });
      await page.goto(`http://127.0.0.1:${port}/?pool=${POOL}`);
      await page.waitForFunction(() => (globalThis as { flotilla?: unknown }).flotilla !== undefined, undefined, { timeout: 60_000 });
      const result = await page.evaluate(runStartBench, { runs: RUNS, concurrency: CONCURRENCY });
      await page.close();
      const netPage = await browser.newPage();
      await netPage.addInitScript({ content: 'globalThis.__name = (target) => target;' });
      await netPage.goto(`http://127.0.0.1:${port}/`);
      await netPage.waitForFunction(() => (globalThis as { flotilla?: unknown }).flotilla !== undefined, undefined, { timeout: 60_000 });
      const network = await netPage.evaluate(runNetBench, { wasm: netWasm, ...NET_BENCH_DEFAULTS });
      await netPage.close();
      const terminal = await benchTerminal(browser, `http://127.0.0.1:${port}/`);
      const fleet = await benchFleet(browser, `http://127.0.0.1:${port}/`);
      const spinners = await benchSpinners(browser, `http://127.0.0.1:${port}/`);
      const quotas = await benchQuotasInBrowser(browser, `http://127.0.0.1:${port}/`);
      return { result, terminal, network, fleet, quotas, spinners, version: browser.version() };
    } finally {
      await browser.close();
    }
  } finally {
    server.kill('SIGTERM');
  }
}

function row(where: string, result: StartBenchResult): string {
  const f = (ms: number) => ms.toFixed(2);
  return `| ${where} | ${result.firstByteMs.length} | ${f(percentile(result.firstByteMs, 50))} | ${f(percentile(result.firstByteMs, 95))} | ${CONCURRENCY.map((n) => f(result.concurrentMs[String(n)]!)).join(' | ')} | ${result.poolSize} |`;
}

const node = await benchNode();
const nodeNetwork = await benchNodeNetwork();
const pipeline = await (async () => {
  const rt = await Runtime.create({ poolSize: 2 });
  try {
    return await benchPipeline(rt);
  } finally {
    await rt.dispose();
  }
})();
const chromium = await benchChromium();
const quotas = await benchQuotas(chromium.quotas);
// Against @bjorn3/browser_wasi_shim and @wasmer/sdk (bench/peers; BENCH_PEERS=0 skips it).
const peers = process.env.BENCH_PEERS === '0' ? undefined : await runPeers();
const machine = {
  cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  os: `${platform()} ${release()}`,
  node: process.version,
  chromium: chromium.version,
  date: new Date().toISOString(),
};
const table = [
  '| where | runs | run→first byte p50 (ms) | p95 (ms) | ' + CONCURRENCY.map((n) => `${n} concurrent hello (ms)`).join(' | ') + ' | warm pool |',
  '|---|---|---|---|' + CONCURRENCY.map(() => '---|').join('') + '---|',
  row('Node ' + process.version, node),
  row('Chromium ' + chromium.version, chromium.result),
].join('\n');
const f = (ms: number | undefined) => (ms === undefined ? 'n/a' : ms.toFixed(1));
const terminalTable = [
  '| measurement | value |',
  '|---|---|',
  `| page load → interactive prompt, p50 of ${chromium.terminal.promptMs.length} loads (Chromium) | ${f(percentile(chromium.terminal.promptMs, 50))} ms |`,
  `| keystroke → echo written to xterm, p50 / p95 of ${chromium.terminal.echoMs.length} keys (Chromium) | ${f(percentile(chromium.terminal.echoMs, 50))} / ${f(percentile(chromium.terminal.echoMs, 95))} ms |`,
  `| keystroke → echo parsed into xterm's buffer (xterm batches writes), p50 / p95 (Chromium) | ${f(percentile(chromium.terminal.parsedMs, 50))} / ${f(percentile(chromium.terminal.parsedMs, 95))} ms |`,
  `| \`${PIPELINE}\` in a base container (Node), median of ${pipeline.runs} | ${f(pipeline.containerMs)} ms |`,
  `| the same pipeline on the host's sh, median of ${pipeline.runs} | ${f(pipeline.hostMs)} ms${pipeline.hostMs ? ` (container/host ×${(pipeline.containerMs / pipeline.hostMs).toFixed(1)})` : ''} |`,
].join('\n');
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const netRow = (where: string, r: NetBenchResult) =>
  `| ${where} | ${median(r.throughputMiBs).toFixed(0)} (${r.throughputMiBs.map((x) => x.toFixed(0)).join(', ')}) | ${r.rttUsP50.toFixed(1)} / ${r.rttUsP95.toFixed(1)} | ${r.httpUsP50.toFixed(0)} | ${r.connectUsP50.toFixed(0)} | ${r.fetchMsP50.toFixed(2)} |`;
const networkTable = [
  `| where | stream throughput, MiB/s: median (runs of ${NET_BENCH_DEFAULTS.mib} MiB) | 64-byte round trip p50 / p95 (µs) | HTTP request via httpd + loadgen, keep-alive (µs, p50) | connect (µs, p50) | rt.fetch /healthz from the page to httpd (ms, p50) |`,
  '|---|---|---|---|---|---|',
  netRow('Node ' + process.version, nodeNetwork),
  netRow('Chromium ' + chromium.version, chromium.network),
].join('\n');
const fleetRun = chromium.fleet;
const fleetTable = [
  '| measurement (Chromium, `crash sleep` containers) | value |',
  '|---|---|',
  `| containers one host (one renderer process) ran before one failed to start | ${fleetRun.perHost.running}${fleetRun.perHost.firstFailure ? ` (then: ${fleetRun.perHost.firstFailure.slice(0, 90)})` : ''} |`,
  ...Object.entries(fleetRun.untilRunningMs).map(([n, ms]) => `| request → ${n} running across 6 hosts (warm pools, runMany) | ${ms.toFixed(0)} ms |`),
  `| running at once in one tab (goal ≥ 500) | ${fleetRun.perTab.running} over ${Object.keys(fleetRun.perTab.hosts).length} hosts (${Object.entries(fleetRun.perTab.hosts).map(([h, n]) => `${h} ${n}`).join(', ')})${fleetRun.perTab.failed ? `, ${fleetRun.perTab.failed} failed` : ''} |`,
].join('\n');
const markdown = `# Benchmarks\n\nMachine: ${machine.cpus}, ${machine.memoryGiB} GiB, ${machine.os}; ${machine.date}.\nMedians and percentiles of one run on a noisy machine: read them as a scale, not a promise.\n\n## Container start\n\n${table}\n\n## Learner terminal\n\n${terminalTable}\n\n## Networks (between two containers; goals: ≥ 500 MiB/s, round trip ≤ 150 µs)\n\n${networkTable}\n\n## Fleet across hosts\n\n${fleetTable}\n\n## Quotas and runaway guests\n\n${quotasMarkdown(quotas, chromium.version)}\n\n${spinnersMarkdown(chromium.spinners)}\n${peers ? `\n## Peers\n\n${peersMarkdown(peers, 3)}\n` : ''}`;
console.log(markdown);
await writeFile('bench/results/latest.json', JSON.stringify({ machine, node, chromium: chromium.result, terminal: chromium.terminal, pipeline, network: { node: nodeNetwork, chromium: chromium.network }, fleet: chromium.fleet, quotas, spinners: chromium.spinners, peers }, null, 2));
await writeFile('bench/results/latest.md', markdown);

// Network figures between two containers (issue 3): stream throughput,
// small-message round trip, connection set-up, all measured inside the
// client container by bench/c/netbench.c with the monotonic clock; and
// HTTP round trips from the page (rt.fetch) to httpd. The same function
// runs in Node and, serialised, in Chromium's playground page.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FlotillaRuntime } from '../src/api/types';
import { compileC } from '../scripts/wasi-cc.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

export interface NetBenchResult {
  throughputMiBs: number[];
  rttUsP50: number;
  rttUsP95: number;
  connectUsP50: number;
  fetchMsP50: number;
  /** loadgen → httpd /healthz, one keep-alive connection: p50 of the request round trip (µs). */
  httpUsP50: number;
}

export interface NetBenchOptions {
  /** netbench.wasm's bytes (plain array: it crosses into the page). */
  wasm: number[];
  mib: number;
  rounds: number;
  pings: number;
  connects: number;
  fetches: number;
}

/** Builds bench/c/netbench.c (cached by scripts/wasi-cc.mjs). */
export async function netbenchWasm(): Promise<number[]> {
  const wasm = await compileC(
    { 'netbench.c': readFileSync(join(HERE, 'c', 'netbench.c'), 'utf8'), 'flotilla_net.h': readFileSync(join(HERE, '..', 'images', 'include', 'flotilla_net.h'), 'utf8') },
    ['netbench.c'],
  );
  return [...wasm];
}

/** Self-contained (no imports at run time): page.evaluate serialises it. */
export async function runNetBench(options: NetBenchOptions, runtime?: FlotillaRuntime): Promise<NetBenchResult> {
  const rt = runtime ?? (globalThis as unknown as { flotilla: FlotillaRuntime }).flotilla;
  await rt.importProgram('netbench', new Uint8Array(options.wasm));
  const network = `bench-${Math.random().toString(36).slice(2, 8)}`;
  rt.networks.create(network);
  const server = await rt.run('netbench', { name: `${network}-server`, args: ['server', '5000'], networks: [network] });
  const web = await rt.run('httpd', { name: `${network}-web`, networks: [network] });
  const until = async (ready: () => boolean) => {
    for (let i = 0; i < 400 && !ready(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  };
  await until(() => server.output().includes('listening') && web.output().includes('listening'));
  const client = async (args: string[]): Promise<Record<string, number>> => {
    const c = await rt.run('netbench', { args, networks: [network] });
    const status = await c.wait();
    const out = c.output();
    await c.remove();
    if (status.exitCode !== 0) throw new Error(`netbench ${args.join(' ')} failed (${status.exitCode}): ${out}`);
    return Object.fromEntries(out.trim().split('\n').map((line) => line.split(' ')).map(([key, value]) => [key!, Number(value)]));
  };
  const host = `${network}-server`;
  const throughputMiBs: number[] = [];
  for (let i = 0; i < options.rounds; i++) throughputMiBs.push((await client(['throughput', host, '5000', String(options.mib)])).throughput_mib_s!);
  const ping = await client(['pingpong', host, '5000', String(options.pings)]);
  const connect = await client(['connect', host, '5000', String(options.connects)]);
  // A small HTTP request round trip: loadgen against httpd, one keep-alive connection.
  const load = await rt.run('nettools', { entrypoint: ['/bin/loadgen'], args: ['-n', String(options.pings), '-c', '1', '-k', `http://${network}-web/healthz`], networks: [network] });
  await load.wait();
  const latency = /^Latency: +min \S+ \S+, p50 ([\d.]+) (µs|ms|s)/m.exec(load.output());
  if (!latency) throw new Error(`loadgen printed no latency: ${load.output()}`);
  const httpUsP50 = Number(latency[1]) * ({ µs: 1, ms: 1000, s: 1e6 } as Record<string, number>)[latency[2]!]!;
  await load.remove();
  const fetchMs: number[] = [];
  for (let i = 0; i < options.fetches; i++) {
    const start = performance.now();
    const response = await rt.fetch(`${network}-web`, 80, '/healthz');
    await response.text();
    fetchMs.push(performance.now() - start);
  }
  fetchMs.sort((a, b) => a - b);
  await server.remove({ force: true });
  await web.remove({ force: true });
  rt.networks.remove(network);
  return {
    throughputMiBs,
    rttUsP50: ping.rtt_us_p50!,
    rttUsP95: ping.rtt_us_p95!,
    connectUsP50: connect.connect_us_p50!,
    fetchMsP50: fetchMs[Math.floor(fetchMs.length / 2)]!,
    httpUsP50,
  };
}

export const NET_BENCH_DEFAULTS = { mib: 256, rounds: 3, pings: 2000, connects: 200, fetches: 50 };

// The peers section of bench/results/latest.md: tables of medians, the
// ratios of Flotilla against each baseline measured in the same run, and the
// issue's goals. bench/README.md explains every row.

import { failed, type HostResults, type IdleMemory, type IoTimes, type KillTimes, type Maybe, type MaxLive, type PeersResult, type SpinKill, type StartTimes } from './results';
import { median, percentile } from './stats';

const MiB = 2 ** 20;
type Host = 'node' | 'chromium';
const HOSTS: Host[] = ['node', 'chromium'];

function ok<T>(value: Maybe<T> | undefined): T | undefined {
  return value === undefined || failed(value) ? undefined : value;
}

function why(value: Maybe<unknown> | undefined): string {
  return value !== undefined && failed(value) ? `failed: ${value.error.replace(/\|/g, '\\|').slice(0, 120)}` : 'n/a';
}

const ms = (value: number | undefined, digits = 1) => (value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits));

/** "p50 / p95 (n)" of a list of times; the first entry can be skipped (first runs are reported apart). */
function p50p95(values: number[] | undefined, from = 0): string {
  if (!values || values.length <= from) return 'n/a';
  const later = values.slice(from);
  return `${ms(median(later), 2)} / ${ms(percentile(later, 95), 2)} (${later.length})`;
}

function ratio(baseline: number | undefined, ours: number | undefined): string {
  if (baseline === undefined || ours === undefined || Number.isNaN(baseline) || Number.isNaN(ours) || ours <= 0) return 'n/a';
  return `×${(baseline / ours).toFixed(baseline / ours >= 10 ? 0 : 1)}`;
}

function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

function startRows(results: Record<Host, HostResults>): string[][] {
  const cell = (pick: (host: HostResults) => Maybe<StartTimes> | undefined, from = 0, what: 'first' | 'spread' = 'spread') => HOSTS.map((host) => {
    const value = pick(results[host]);
    const times = ok(value)?.firstByteMs;
    if (!times) return why(value);
    return what === 'first' ? ms(times[0]) : p50p95(times, from);
  });
  const wasmerInit = HOSTS.map((host) => {
    const init = ok(results[host].wasmer.init);
    if (!init) return why(results[host].wasmer.init);
    return `${ms((init.importMs ?? 0) + init.initMs + init.loadMs + init.sandboxMs)} (import ${ms(init.importMs ?? 0)}, init ${ms(init.initMs)}, load ${ms(init.loadMs)}, sandbox ${ms(init.sandboxMs)})`;
  });
  const runCalls = HOSTS.map((host) => {
    const calls = ok(results[host].wasmer.runCalls);
    return calls ? p50p95(calls) : why(results[host].wasmer.runCalls);
  });
  return [
    ['Flotilla, warm pool, quiet: `run()` → first byte', ...cell((r) => r.flotilla.warmQuiet)],
    ['Flotilla, warm pool, back to back (refill running): `run()` → first byte', ...cell((r) => r.flotilla.warm)],
    ['Flotilla, quiet start in phases: supervisor done (`started` event) / `run()` resolved (worker set up) / first byte', ...phases(results)],
    ['Flotilla, cold: `Runtime.create()` → first byte', ...cell((r) => r.flotilla.cold)],
    ['shim, first run: compile + new worker → first byte', ...cell((r) => r.shim.starts, 0, 'first')],
    ['shim, later runs: new worker → first byte', ...cell((r) => r.shim.starts, 1)],
    ['shim, pre-started worker (a pool of one): post → first byte', ...cell((r) => r.shim.prestarted)],
    ['wasmer, set-up: import + `new Wasmer()` + `packages.load` ×4 + `sandboxes.create`', ...wasmerInit],
    ['wasmer, first run: `spawn()` → first byte', ...cell((r) => r.wasmer.first, 0, 'first')],
    ['wasmer, later runs: `spawn()` → first byte', ...cell((r) => r.wasmer.starts)],
    ['wasmer, later runs: `run()` → resolved (whole run)', ...runCalls],
  ];
}

function phases(results: Record<Host, HostResults>): string[] {
  return HOSTS.map((host) => {
    const value = results[host].flotilla.warmQuiet;
    const quiet = ok(value);
    if (!quiet?.startedMs || !quiet.resolvedMs) return why(value);
    return `${ms(median(quiet.startedMs), 2)} / ${ms(median(quiet.resolvedMs), 2)} / ${ms(median(quiet.firstByteMs), 2)}`;
  });
}

function p50Of(value: Maybe<StartTimes> | undefined, from = 0): number | undefined {
  const times = ok(value)?.firstByteMs;
  return times && times.length > from ? median(times.slice(from)) : undefined;
}

function wasmerFirstTotal(host: HostResults): number | undefined {
  const init = ok(host.wasmer.init);
  const first = ok(host.wasmer.first)?.firstByteMs[0];
  return init && first !== undefined ? (init.importMs ?? 0) + init.initMs + init.loadMs + init.sandboxMs + first : undefined;
}

function ratioRows(results: Record<Host, HostResults>): string[][] {
  const row = (label: string, baseline: (r: HostResults) => number | undefined, ours: (r: HostResults) => number | undefined) =>
    [label, ...HOSTS.map((host) => ratio(baseline(results[host]), ours(results[host])))];
  const warm = (r: HostResults) => p50Of(r.flotilla.warmQuiet);
  const cold = (r: HostResults) => p50Of(r.flotilla.cold);
  return [
    row('wasmer later runs (p50) ÷ Flotilla warm, quiet (p50)', (r) => p50Of(r.wasmer.starts), warm),
    row('wasmer later runs (p50) ÷ Flotilla warm, back to back (p50)', (r) => p50Of(r.wasmer.starts), (r) => p50Of(r.flotilla.warm)),
    row('shim new worker per run (p50) ÷ Flotilla warm, quiet (p50)', (r) => p50Of(r.shim.starts, 1), warm),
    row('shim pre-started worker (p50) ÷ Flotilla warm, quiet (p50)', (r) => p50Of(r.shim.prestarted), warm),
    row('wasmer set-up + first run ÷ Flotilla cold (p50)', wasmerFirstTotal, cold),
    row('shim first run ÷ Flotilla cold (p50)', (r) => ok(r.shim.starts)?.firstByteMs[0], cold),
  ];
}

function maxLiveCell(value: Maybe<MaxLive> | undefined): string {
  const max = ok(value);
  if (!max) return why(value);
  const reason = max.stoppedBy === 'failure' ? `first failure: ${(max.error ?? '').replace(/\|/g, '\\|').slice(0, 100)}` : max.stoppedBy === 'cap' ? `reached the cap of ${max.cap}` : `time budget spent`;
  return `${max.live} (${reason}; ${(max.ms / 1000).toFixed(1)} s)`;
}

function scaleRows(results: Record<Host, HostResults>): string[][] {
  const bursts = (count: number) => HOSTS.map((host) => {
    const value = ok(results[host].flotilla.bursts);
    return value ? `${ms(value.runningMs[String(count)])} (all \`run()\` resolved: ${ms(value.resolvedMs[String(count)])})` : why(results[host].flotilla.bursts);
  });
  return [
    ['Flotilla: 10 containers requested → all 10 guests running (prompt printed), warm pool', ...bursts(10)],
    ['Flotilla: 100 containers requested → all 100 running, warm pool', ...bursts(100)],
    ['max live, Flotilla (interactive containers)', ...HOSTS.map((host) => maxLiveCell(results[host].flotilla.maxLive))],
    ['max live, shim (workers holding an instance)', ...HOSTS.map((host) => maxLiveCell(results[host].shim.maxLive))],
    ['max live, wasmer (interactive processes)', ...HOSTS.map((host) => maxLiveCell(results[host].wasmer.maxLive))],
  ];
}

function perIdle(value: Maybe<IdleMemory> | undefined): number | undefined {
  return ok(value)?.perInstanceBytes;
}

function memoryRows(results: Record<Host, HostResults>): string[][] {
  const cell = (value: Maybe<IdleMemory> | undefined) => {
    const idle = ok(value);
    if (!idle) return why(value);
    if (idle.perInstanceBytes === undefined) return 'not measurable here';
    const rounds = idle.rounds.map((round) => (round.perInstanceBytes / MiB).toFixed(2)).join(', ');
    return `${(idle.perInstanceBytes / MiB).toFixed(2)} (rounds: ${rounds}; beyond wasm memory ${((idle.perInstanceBytes - idle.wasmInitialBytes) / MiB).toFixed(2)}; ${idle.count} up in ${ms(idle.ms, 0)} ms)`;
  };
  const flotilla = (host: Host) => perIdle(results[host].flotilla.idle);
  return [
    ['Flotilla: interactive container blocked in `read(0)`', ...HOSTS.map((host) => cell(results[host].flotilla.idle))],
    ['shim: worker holding a finished hello instance', ...HOSTS.map((host) => cell(results[host].shim.idle))],
    ['wasmer: interactive process blocked in `read(0)`', ...HOSTS.map((host) => cell(results[host].wasmer.idle))],
    ['shim ÷ Flotilla', ...HOSTS.map((host) => ratio(perIdle(results[host].shim.idle), flotilla(host)))],
    ['wasmer ÷ Flotilla', ...HOSTS.map((host) => ratio(perIdle(results[host].wasmer.idle), flotilla(host)))],
  ];
}

function throughput(value: Maybe<IoTimes> | undefined, which: 'writeMs' | 'readMs'): number | undefined {
  const io = ok(value);
  return io && io[which].length ? io.mib / (median(io[which]) / 1000) : undefined;
}

function ioRows(results: Record<Host, HostResults>): string[][] {
  const cell = (value: Maybe<IoTimes> | undefined) => {
    const io = ok(value);
    if (!io) return why(value);
    return `${ms(throughput(io, 'writeMs'), 0)} / ${ms(throughput(io, 'readMs'), 0)} (whole run ${ms(median(io.wallMs), 0)} ms, ${io.wallMs.length} runs)`;
  };
  const vs = (peer: (r: HostResults) => Maybe<IoTimes>) => HOSTS.map((host) => {
    const r = results[host];
    return `${ratio(throughput(r.flotilla.io, 'writeMs'), throughput(peer(r), 'writeMs'))} / ${ratio(throughput(r.flotilla.io, 'readMs'), throughput(peer(r), 'readMs'))}`;
  });
  return [
    ['Flotilla (`/tmp`, the container\'s writable layer)', ...HOSTS.map((host) => cell(results[host].flotilla.io))],
    ['shim (`/tmp`, its in-memory `Directory`)', ...HOSTS.map((host) => cell(results[host].shim.io))],
    ['wasmer (`/tmp`, the sandbox\'s in-memory file system)', ...HOSTS.map((host) => cell(results[host].wasmer.io))],
    ['Flotilla ÷ shim (write / read throughput)', ...vs((r) => r.shim.io)],
    ['Flotilla ÷ wasmer (write / read throughput)', ...vs((r) => r.wasmer.io)],
  ];
}

function pipeRows(results: Record<Host, HostResults>): string[][] {
  return [
    ['Flotilla: `iobench produce N | iobench consume` under the base image\'s shell', ...HOSTS.map((host) => {
      const pipe = ok(results[host].flotilla.pipe);
      if (!pipe) return why(results[host].flotilla.pipe);
      return `${ms(pipe.mib / (median(pipe.consumeMs) / 1000), 0)} MiB/s (whole pipeline ${ms(median(pipe.wallMs), 0)} ms)`;
    })],
    ['shim', 'no pipes: one program per instance, no processes', 'same'],
    ['wasmer', 'no pipeline without a shell package (`wasmer/bash` comes from the registry: offline, none)', 'same'],
  ];
}

function killRows(results: Record<Host, HostResults>): string[][] {
  const cell = (value: Maybe<KillTimes> | undefined, which: keyof KillTimes) => {
    const kill = ok(value);
    return kill ? p50p95(kill[which]) : why(value);
  };
  const after = (value: Maybe<SpinKill> | undefined) => {
    const kill = ok(value);
    if (!kill) return why(value);
    const cpu = kill.cpuAfterMs === undefined ? 'not measurable' : `${ms(kill.cpuAfterMs, 0)} ms`;
    return `${cpu}${kill.close ? `; client close: ${kill.close === 'closed' ? 'done' : 'still pending after 10 s'}` : ''}`;
  };
  return [
    ['Flotilla, guest blocked in `read(0)`', ...HOSTS.map((host) => cell(results[host].flotilla.kill, 'blockedMs'))],
    ['Flotilla, guest spinning without syscalls', ...HOSTS.map((host) => cell(results[host].flotilla.spinKill, 'spinningMs'))],
    ['Flotilla, host CPU in the second after the last spinning guest was reported killed', ...HOSTS.map((host) => after(results[host].flotilla.spinKill))],
    ['wasmer, process blocked in `read(0)`', ...HOSTS.map((host) => cell(results[host].wasmer.kill, 'blockedMs'))],
    ['wasmer, process spinning', ...HOSTS.map((host) => cell(results[host].wasmer.spinKill, 'spinningMs'))],
    ['wasmer, host CPU in the second after the spinning process was reported killed', ...HOSTS.map((host) => after(results[host].wasmer.spinKill))],
    ['shim', '`worker.terminate()` only: no exit status to wait for', 'same; a spinning worker keeps its core ≈2 s (PLATFORM.md)'],
  ];
}

function goalRows(results: Record<Host, HostResults>): string[][] {
  const verdict = (values: (number | undefined)[], good: (value: number) => boolean) => {
    const known = values.filter((value): value is number => value !== undefined);
    if (known.length === 0) return 'unknown';
    return known.every(good) ? 'met' : known.some(good) ? 'met in part' : 'not met';
  };
  const warm = HOSTS.map((host) => p50Of(results[host].flotilla.warmQuiet));
  const hundred = HOSTS.map((host) => ok(results[host].flotilla.bursts)?.runningMs['100']);
  const beyond = HOSTS.map((host) => {
    const idle = ok(results[host].flotilla.idle);
    return idle?.perInstanceBytes === undefined ? undefined : (idle.perInstanceBytes - idle.wasmInitialBytes) / MiB;
  });
  const faster = HOSTS.map((host) => {
    const wasmer = p50Of(results[host].wasmer.starts);
    const ours = p50Of(results[host].flotilla.warmQuiet);
    return wasmer !== undefined && ours ? wasmer / ours : undefined;
  });
  const cells = (values: (number | undefined)[], unit: string, digits = 2) => values.map((value) => (value === undefined ? 'n/a' : `${value.toFixed(digits)}${unit}`));
  return [
    ['start p50 from the warm pool (quiet) ≤ 2 ms', ...cells(warm, ' ms'), verdict(warm, (value) => value <= 2)],
    ['100 containers running ≤ 300 ms after the request', ...cells(hundred, ' ms', 0), verdict(hundred, (value) => value <= 300)],
    ['≤ 2 MiB per idle container beyond its wasm memory (renderer RSS in Chromium)', ...cells(beyond, ' MiB'), verdict([beyond[1]], (value) => value <= 2)],
    ['start ≥ 3× faster than @wasmer/sdk\'s later runs (p50 ÷ p50)', ...cells(faster, '×', 1), verdict(faster, (value) => value >= 3)],
  ];
}

/** The peers section (headings start at `level`). */
export function peersMarkdown(result: PeersResult, level = 2): string {
  const h = '#'.repeat(level);
  const m = result.machine;
  const results = { node: result.node, chromium: result.chromium };
  const cols = ['', `Node ${m.node}`, `Chromium ${m.chromium}`];
  const programs = Object.entries(result.programs).map(([name, info]) => `${name} ${(info.bytes / 1024).toFixed(0)} KiB`).join(', ');
  return [
    `Flotilla against [@bjorn3/browser_wasi_shim](https://github.com/bjorn3/browser_wasi_shim) 0.4.2 (one worker per run) and [@wasmer/sdk](https://www.npmjs.com/package/@wasmer/sdk) 0.16.0 (offline, local module bytes; in Chromium inside a dedicated worker), all running the same wasm32-wasip1 binaries (${programs}), in Node and in Chromium in the same run. Machine: ${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB, ${m.os}; Node ${m.node} (V8 ${m.nodeV8}), Chromium ${m.chromium}; ${m.date}. Took ${result.seconds.node.toFixed(0)} s (Node) + ${result.seconds.chromium.toFixed(0)} s (Chromium). Times in ms, p50 / p95 (runs); the machine is noisy: compare the ratios, which come from the same run. What every row means: [bench/README.md](../README.md).`,
    `${h} Goals (issue 5)\n\n${table(['goal', ...cols.slice(1), 'verdict'], goalRows(results))}`,
    `${h} Start latency (hello → first output byte)\n\n${table(['ms', ...cols.slice(1)], startRows(results))}`,
    `${h} Start ratios (baseline ÷ Flotilla; above ×1 Flotilla is faster)\n\n${table(cols, ratioRows(results))}`,
    `${h} Many containers\n\n${table(cols, scaleRows(results))}`,
    `${h} Memory per idle instance (MiB; Node: process RSS delta, Chromium: renderer RSS delta, ÷ count)\n\n${table(cols, memoryRows(results))}`,
    `${h} File I/O: write then read ${result.options.ioMib} MiB in 64 KiB calls (MiB/s, write / read, guest clock, median)\n\n${table(cols, ioRows(results))}`,
    `${h} Pipe between two processes (${result.options.ioMib} MiB, consumer's first byte → EOF)\n\n${table(cols, pipeRows(results))}`,
    `${h} Kill latency (\`kill()\` → exit reported, ms p50 / p95)\n\n${table(cols, killRows(results))}`,
  ].join('\n\n');
}

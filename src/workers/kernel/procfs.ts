// A container's /proc: Linux-format files generated from the container
// kernel's process table and the container's facts, so ps, top, free, df,
// uname and hostname stay ordinary WASI programs (docs/PROC.md).

import { SyntheticDirectory, type SyntheticSpec } from '../../fs/SyntheticTree';
import type { FsDirectory } from '../../fs/types';

export interface ProcProcess {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  readonly argv: readonly string[];
  /** ms since the epoch */
  readonly startedAt: number;
  readonly state: 'R' | 'S' | 'Z';
  readonly memoryBytes: number;
  readonly peakBytes: number;
  /** Time spent computing (ms): running time less time blocked. */
  readonly cpuMs: number;
  /** Its controlling terminal, pts/N, when it has one. */
  readonly pts?: number;
  /** The process group in the foreground of that terminal. */
  readonly foregroundPgid?: number;
}

export interface ProcSource {
  processes(): ProcProcess[];
  /** ms since the epoch when the container started its current run */
  startedAt(): number;
  hostname(): string;
  memoryLimitBytes(): number;
  disk(): { sizeBytes: number; usedBytes: number; inodes: number; inodesUsed: number };
}

const TICKS = 100; // clock ticks per second in /proc/<pid>/stat (USER_HZ)
const PAGE = 4096;
export const OS_RELEASE = '0.1.0-flotilla';

export function createProcFs(source: ProcSource, options: { parent: () => FsDirectory; dev: bigint; now: () => bigint }): SyntheticDirectory {
  return SyntheticDirectory.root(() => procRoot(source), options);
}

function file(content: () => string): SyntheticSpec {
  return { kind: 'file', content };
}

function directory(children: () => ReadonlyMap<string, SyntheticSpec>): SyntheticSpec {
  return { kind: 'directory', children };
}

function procRoot(source: ProcSource): Map<string, SyntheticSpec> {
  const root = new Map<string, SyntheticSpec>([
    ['uptime', file(() => uptime(source))],
    ['loadavg', file(() => loadavg(source))],
    ['meminfo', file(() => meminfo(source))],
    ['mounts', file(() => 'overlay / overlay rw 0 0\nproc /proc proc ro 0 0\n')],
    ['diskusage', file(() => diskusage(source))],
    ['sys', directory(() => new Map([['kernel', directory(() => kernelInfo(source))]]))],
  ]);
  for (const process of source.processes()) root.set(String(process.pid), directory(() => processDir(source, process.pid)));
  return root;
}

function kernelInfo(source: ProcSource): Map<string, SyntheticSpec> {
  return new Map([
    ['hostname', file(() => `${source.hostname()}\n`)],
    ['ostype', file(() => 'Flotilla\n')],
    ['osrelease', file(() => `${OS_RELEASE}\n`)],
    ['version', file(() => '#1 Flotilla (WASI preview1 in a Web Worker)\n')],
  ]);
}

function processDir(source: ProcSource, pid: number): Map<string, SyntheticSpec> {
  const current = (): ProcProcess | undefined => source.processes().find((process) => process.pid === pid);
  const gone = (): string => '';
  return new Map([
    ['cmdline', file(() => { const p = current(); return p ? p.argv.map((arg) => `${arg}\0`).join('') : gone(); })],
    ['comm', file(() => { const p = current(); return p ? `${comm(p)}\n` : gone(); })],
    ['stat', file(() => { const p = current(); return p ? stat(source, p) : gone(); })],
    ['status', file(() => { const p = current(); return p ? status(p) : gone(); })],
  ]);
}

function comm(process: ProcProcess): string {
  const name = process.argv[0] ?? '?';
  return name.slice(name.lastIndexOf('/') + 1).slice(0, 15);
}

function uptime(source: ProcSource): string {
  const seconds = Math.max(0, (Date.now() - source.startedAt()) / 1000);
  const busy = source.processes().reduce((sum, process) => sum + process.cpuMs, 0) / 1000;
  return `${seconds.toFixed(2)} ${Math.max(0, seconds - busy).toFixed(2)}\n`;
}

function loadavg(source: ProcSource): string {
  const processes = source.processes();
  const running = processes.filter((process) => process.state === 'R').length;
  const last = processes.reduce((max, process) => Math.max(max, process.pid), 0);
  const load = running.toFixed(2);
  return `${load} ${load} ${load} ${running}/${processes.length} ${last}\n`;
}

function meminfo(source: ProcSource): string {
  const kb = (bytes: number): string => `${String(Math.round(bytes / 1024)).padStart(8)} kB`;
  const total = source.memoryLimitBytes();
  const used = source.processes().reduce((sum, process) => sum + process.memoryBytes, 0);
  const free = Math.max(0, total - used);
  return [
    `MemTotal:       ${kb(total)}`,
    `MemFree:        ${kb(free)}`,
    `MemAvailable:   ${kb(free)}`,
    `Buffers:        ${kb(0)}`,
    `Cached:         ${kb(0)}`,
    `SwapTotal:      ${kb(0)}`,
    `SwapFree:       ${kb(0)}`,
    '',
  ].join('\n');
}

function diskusage(source: ProcSource): string {
  const disk = source.disk();
  return `/ ${disk.sizeBytes} ${disk.usedBytes} ${Math.max(0, disk.sizeBytes - disk.usedBytes)} ${disk.inodes} ${disk.inodesUsed}\n`;
}

/** Linux's /proc/<pid>/stat: 52 fields; what Flotilla knows is filled, the rest is 0. */
function stat(source: ProcSource, process: ProcProcess): string {
  const fields = new Array<string>(52).fill('0');
  const ticks = Math.round((process.cpuMs / 1000) * TICKS);
  fields[0] = String(process.pid);
  fields[1] = `(${comm(process)})`;
  fields[2] = process.state;
  fields[3] = String(process.ppid);
  fields[4] = String(process.pgid);
  fields[5] = String(process.pgid); // session
  if (process.pts !== undefined) {
    fields[6] = String((136 << 8) | (process.pts & 0xff) | ((process.pts & ~0xff) << 12)); // tty_nr: pts/N
    fields[7] = String(process.foregroundPgid ?? -1); // tpgid
  } else {
    fields[7] = '-1';
  }
  fields[13] = String(ticks); // utime
  fields[14] = '0'; // stime
  fields[19] = '1'; // num_threads
  fields[21] = String(Math.round(((process.startedAt - source.startedAt()) / 1000) * TICKS)); // starttime, in ticks since boot
  fields[22] = String(process.memoryBytes); // vsize
  fields[23] = String(Math.ceil(process.memoryBytes / PAGE)); // rss, pages
  return `${fields.join(' ')}\n`;
}

function status(process: ProcProcess): string {
  const states = { R: 'R (running)', S: 'S (sleeping)', Z: 'Z (zombie)' } as const;
  const kb = (bytes: number): string => `${String(Math.round(bytes / 1024)).padStart(8)} kB`;
  return [
    `Name:\t${comm(process)}`,
    `State:\t${states[process.state]}`,
    `Pid:\t${process.pid}`,
    `PPid:\t${process.ppid}`,
    'Uid:\t0\t0\t0\t0',
    'Gid:\t0\t0\t0\t0',
    `VmPeak:\t${kb(process.peakBytes)}`,
    `VmSize:\t${kb(process.memoryBytes)}`,
    `VmRSS:\t${kb(process.memoryBytes)}`,
    'Threads:\t1',
    '',
  ].join('\n');
}

// A container's memory and CPU quotas (docker run --memory, --cpus, and a
// CPU-time limit like `ulimit -t`): checked here, carried to the worker in
// the container's ControlBlock, enforced by guest instrumentation
// (src/wasm, src/workers/GuestGovernor.ts), and reported in the exit status.
//   memory     each program's linear memory is capped (its module's maximum
//              is rewritten): malloc fails inside the guest past it; a
//              program that then traps, or exits with an error, is OOMKilled.
//   cpuTimeMs  the run's CPU time; when spent the container is killed
//              (SIGXCPU, 152) with the message "CPU time limit of N ms exceeded".
//   cpus       a share of one CPU: busy programs sleep in proportion, so one
//              container cannot starve the others or the page.

import type { ExitStatus } from '../api/types';
import type { QuotaUsage } from '../workers/ControlBlock';
import { InvalidOptionsError } from './errors';

export const WASM_PAGE_BYTES = 65536;
/** wasm32's whole address space. */
export const MAX_MEMORY_BYTES = 4 * 1024 ** 3;
export const DEFAULT_MEMORY_BYTES = 256 * 1024 ** 2;
const MAX_CPU_TIME_MS = 0x7fffffff;
const MAX_CPUS = 1024;
const SIGXCPU = 24;

/** The quota options of ContainerOptions and of the runtime's default limits. */
export interface QuotaOptions {
  readonly memory?: number | string;
  readonly cpuTimeMs?: number;
  readonly cpus?: number;
}

export interface ResolvedQuotas {
  /** Each program's linear-memory cap, a whole number of 64 KiB pages. */
  readonly memoryBytes: number;
  readonly memoryPages: number;
  /** The run's CPU-time limit (ms); undefined: none. */
  readonly cpuTimeMs: number | undefined;
  /** Share of one CPU; undefined: unlimited. */
  readonly cpus: number | undefined;
}

export const DEFAULT_QUOTAS: ResolvedQuotas = {
  memoryBytes: DEFAULT_MEMORY_BYTES,
  memoryPages: DEFAULT_MEMORY_BYTES / WASM_PAGE_BYTES,
  cpuTimeMs: undefined,
  cpus: undefined,
};

/** `options` over `defaults`, checked (InvalidOptionsError naming the option). */
export function resolveQuotas(options: QuotaOptions, defaults: ResolvedQuotas = DEFAULT_QUOTAS, prefix = ''): ResolvedQuotas {
  const memoryBytes = options.memory === undefined ? defaults.memoryBytes : parseMemory(`${prefix}memory`, options.memory);
  return {
    memoryBytes,
    memoryPages: memoryBytes / WASM_PAGE_BYTES,
    cpuTimeMs: options.cpuTimeMs === undefined ? defaults.cpuTimeMs : checkCpuTime(`${prefix}cpuTimeMs`, options.cpuTimeMs),
    cpus: options.cpus === undefined ? defaults.cpus : checkCpus(`${prefix}cpus`, options.cpus),
  };
}

const UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3 };

/** Bytes, or a string with Docker's units ('512m', '1g', '64MiB'); rounded down to whole 64 KiB pages. */
export function parseMemory(option: string, value: unknown): number {
  let bytes: number;
  if (typeof value === 'number') {
    bytes = value;
  } else if (typeof value === 'string') {
    const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
    const unit = match ? UNITS[match[2]!.toLowerCase()] : undefined;
    if (!match || unit === undefined) throw new InvalidOptionsError(option, `${JSON.stringify(value)} is not a size (bytes, or a number with b, k, m or g)`);
    bytes = Number(match[1]) * unit;
  } else {
    throw new InvalidOptionsError(option, `${describe(value)} is not a size (bytes, or a string such as '256m')`);
  }
  if (!Number.isFinite(bytes) || bytes < WASM_PAGE_BYTES) throw new InvalidOptionsError(option, `${describe(value)} is below the smallest limit, one 64 KiB page (65536 bytes)`);
  if (bytes > MAX_MEMORY_BYTES) throw new InvalidOptionsError(option, `${describe(value)} is above wasm32's 4 GiB`);
  return Math.floor(bytes / WASM_PAGE_BYTES) * WASM_PAGE_BYTES;
}

function checkCpuTime(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_CPU_TIME_MS) {
    throw new InvalidOptionsError(option, `${describe(value)} must be a whole number of milliseconds from 1 to ${MAX_CPU_TIME_MS}`);
  }
  return value;
}

function checkCpus(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0.001 || value > MAX_CPUS) {
    throw new InvalidOptionsError(option, `${describe(value)} must be a share of CPUs from 0.001 to ${MAX_CPUS} (e.g. 0.5 for half a CPU)`);
  }
  return value;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
}

/** What the container's ControlBlock holds of them (0: none). */
export function quotaWords(quotas: ResolvedQuotas): { memoryPages: number; cpuTimeMs: number; cpus: number } {
  return { memoryPages: quotas.memoryPages, cpuTimeMs: quotas.cpuTimeMs ?? 0, cpus: quotas.cpus ?? 0 };
}

/**
 * The exit status as the quotas explain it: a run the CPU-time limit ended
 * is SIGXCPU with a message; a container whose main process ended 137
 * after a program's memory.grow failed at the cap is OOMKilled, unless the
 * API killed it (`killRequested`).
 */
export function explainExit(status: ExitStatus, usage: QuotaUsage, quotas: ResolvedQuotas, killRequested = false): ExitStatus {
  if (usage.cpuTimeExceeded) {
    return { ...status, exitCode: 128 + SIGXCPU, reason: 'killed', signal: 'SIGXCPU', oomKilled: false, message: `CPU time limit of ${quotas.cpuTimeMs} ms exceeded`, stack: undefined };
  }
  if (usage.outOfMemory && !killRequested && status.exitCode === 137 && status.reason !== 'oom') {
    return { ...status, reason: 'oom', oomKilled: true, signal: undefined, message: `out of memory: a program of the container reached the memory limit of ${quotas.memoryBytes / 1024 ** 2} MiB` };
  }
  return status;
}

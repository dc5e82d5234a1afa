// A container's resource limits: the built-in defaults, the runtime's
// defaults over them, a container's options over those; every value
// checked before anything is created (InvalidOptionsError naming it).

import type { ResourceLimits } from '../api/types';
import type { FsLimits } from '../fs/types';
import type { ProcessLimits } from '../workers/protocol';
import { InvalidOptionsError } from './errors';

/** Limits with every value decided. */
export interface ResolvedLimits {
  readonly disk: { readonly bytes: number; readonly inodes: number; readonly error: 'nospc' | 'dquot' };
  readonly pids: number;
  readonly fds: number;
  readonly logCapacity: number;
}

export const DEFAULT_LIMITS: ResolvedLimits = {
  // What /proc/diskusage (df) showed before quotas were configurable.
  disk: { bytes: 1024 ** 3, inodes: 65_536, error: 'nospc' },
  // Each process is a worker of its own (an engine instance, a few MiB): a
  // container must not be able to start hundreds. Docker has no default.
  pids: 64,
  // Linux's default soft `ulimit -n`.
  fds: 1024,
  logCapacity: 1024 * 1024,
};

/**
 * The memory a container may use, as stats and /proc/meminfo report it,
 * until memory quotas are configurable per container.
 */
export const DEFAULT_MEMORY_LIMIT_BYTES = 2 * 1024 ** 3;

/** The largest open-file limit (HandleTable's MAX_FDS: fd numbers fit wasi-libc's int). */
const MAX_FDS = 1 << 20;
/** stdin, stdout, stderr and the '/' preopen: a process needs these before it can open anything. */
const MIN_FDS = 4;

/**
 * `options` over `defaults`, checked. `extraPreopens` counts the descriptors
 * every process starts with besides stdio and '/' (more preopened
 * directories, pre-opened listening sockets).
 */
export function resolveLimits(options: ResourceLimits, defaults: ResolvedLimits = DEFAULT_LIMITS, extraPreopens = 0, prefix = ''): ResolvedLimits {
  const disk = options.disk;
  if (disk !== undefined) {
    if (typeof disk !== 'object' || disk === null || Array.isArray(disk)) throw new InvalidOptionsError(`${prefix}disk`, 'must be an object { bytes?, inodes?, error? }');
    for (const key of Object.keys(disk)) {
      if (key !== 'bytes' && key !== 'inodes' && key !== 'error') throw new InvalidOptionsError(`${prefix}disk.${key}`, 'is not a disk limit (bytes, inodes, error)');
    }
    if (disk.error !== undefined && disk.error !== 'nospc' && disk.error !== 'dquot') {
      throw new InvalidOptionsError(`${prefix}disk.error`, `${JSON.stringify(disk.error)} must be 'nospc' (ENOSPC) or 'dquot' (EDQUOT)`);
    }
  }
  const fds = count(`${prefix}fds`, options.fds, defaults.fds, MIN_FDS + extraPreopens, MAX_FDS);
  return {
    disk: {
      bytes: count(`${prefix}disk.bytes`, disk?.bytes, defaults.disk.bytes, 0, Number.MAX_SAFE_INTEGER),
      inodes: count(`${prefix}disk.inodes`, disk?.inodes, defaults.disk.inodes, 0, 2 ** 32),
      error: disk?.error ?? defaults.disk.error,
    },
    // The container's main process is one.
    pids: count(`${prefix}pids`, options.pids, defaults.pids, 1, 1 << 20),
    fds,
    logCapacity: count(`${prefix}logCapacity`, options.logCapacity, defaults.logCapacity, 0, 2 ** 31),
  };
}

/** A whole number within [min, max], or the default when absent. */
function count(option: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new InvalidOptionsError(option, `${describe(value)} is not a whole number`);
  if (value < min || value > max) throw new InvalidOptionsError(option, `${value} is out of range (${min} to ${max})${option.endsWith('fds') && value < min ? ': stdin, stdout, stderr, the preopened directories and listening sockets need descriptors too' : ''}`);
  return value;
}

function describe(value: unknown): string {
  return typeof value === 'number' || typeof value === 'bigint' ? String(value) : JSON.stringify(value) ?? String(value);
}

/** The writable layer's quotas, as src/fs takes them. */
export function fsLimitsOf(limits: ResolvedLimits): FsLimits {
  return { maxBytes: limits.disk.bytes, maxInodes: limits.disk.inodes, limitError: limits.disk.error === 'dquot' ? 'EDQUOT' : 'ENOSPC' };
}

export function processLimitsOf(limits: ResolvedLimits): ProcessLimits {
  return { pids: limits.pids, fds: limits.fds };
}

import { describe, expect, it } from 'vitest';
import type { ExitStatus } from '../api/types';
import { InvalidOptionsError } from './errors';
import { DEFAULT_QUOTAS, explainExit, parseMemory, quotaWords, resolveQuotas } from './quotas';

describe('resolveQuotas', () => {
  it('defaults to 256 MiB of memory, no CPU-time limit, an unlimited share', () => {
    expect(resolveQuotas({})).toEqual({ memoryBytes: 256 * 2 ** 20, memoryPages: 4096, cpuTimeMs: undefined, cpus: undefined });
    expect(quotaWords(DEFAULT_QUOTAS)).toEqual({ memoryPages: 4096, cpuTimeMs: 0, cpus: 0 });
  });

  it('takes options over defaults, and Docker size units, in whole pages', () => {
    const defaults = resolveQuotas({ memory: '1g', cpus: 2 });
    expect(resolveQuotas({ cpuTimeMs: 500 }, defaults)).toEqual({ memoryBytes: 2 ** 30, memoryPages: 16384, cpuTimeMs: 500, cpus: 2 });
    expect(parseMemory('memory', '64m')).toBe(64 * 2 ** 20);
    expect(parseMemory('memory', '64MiB')).toBe(64 * 2 ** 20);
    expect(parseMemory('memory', '1.5g')).toBe(1.5 * 2 ** 30);
    expect(parseMemory('memory', '100k')).toBe(65536); // rounded down to a page
    expect(parseMemory('memory', 200_000)).toBe(196_608);
  });

  it.each([
    [{ memory: '12 parsecs' }, 'memory'],
    [{ memory: 65535 }, 'memory'],
    [{ memory: 2 ** 32 + 65536 }, 'memory'],
    [{ memory: true }, 'memory'],
    [{ cpus: 0 }, 'cpus'],
    [{ cpus: 2000 }, 'cpus'],
    [{ cpus: '1' }, 'cpus'],
    [{ cpuTimeMs: 0 }, 'cpuTimeMs'],
    [{ cpuTimeMs: 2 ** 31 }, 'cpuTimeMs'],
  ])('rejects %o naming %s', (options, option) => {
    const error = (() => { try { resolveQuotas(options as never, DEFAULT_QUOTAS, 'limits.'); } catch (caught) { return caught; } })();
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect((error as InvalidOptionsError).option).toBe(`limits.${option}`);
  });
});

describe('explainExit', () => {
  const base: ExitStatus = { exitCode: 137, reason: 'killed', signal: 'SIGKILL', oomKilled: false, startedAt: 1, finishedAt: 2 };
  const usage = { cpuMs: 0, throttledMs: 0, cpuTimeExceeded: false, outOfMemory: false };
  const quotas = resolveQuotas({ memory: '16m', cpuTimeMs: 300 });

  it('names the CPU-time limit', () => {
    expect(explainExit(base, { ...usage, cpuTimeExceeded: true }, quotas)).toMatchObject({ exitCode: 152, reason: 'killed', signal: 'SIGXCPU', message: 'CPU time limit of 300 ms exceeded' });
  });

  it('turns a 137 after a failed memory.grow into OOMKilled, unless the API killed it', () => {
    expect(explainExit(base, { ...usage, outOfMemory: true }, quotas)).toMatchObject({ exitCode: 137, reason: 'oom', oomKilled: true, message: 'out of memory: a program of the container reached the memory limit of 16 MiB' });
    expect(explainExit(base, { ...usage, outOfMemory: true }, quotas, true)).toBe(base);
    expect(explainExit({ ...base, exitCode: 0, reason: 'exited', signal: undefined }, { ...usage, outOfMemory: true }, quotas)).toMatchObject({ reason: 'exited' });
    expect(explainExit(base, usage, quotas)).toBe(base);
  });
});

// GuestGovernor without a guest: its check and grow hook called directly,
// over real ControlBlocks (the process's and the container's).
import { describe, expect, it } from 'vitest';
import { ProcessKilled } from '../wasi/errors';
import { ControlBlock } from './ControlBlock';
import { GuestGovernor, SIGXCPU } from './GuestGovernor';
import { prepareGuest } from './guestModule';
import { assemble, body, funcType, I32 } from '../wasm/testing/assemble';
import { isInstrumented, MemoryLimitError } from '../wasm';

function setup(quotas: { memoryPages?: number; cpuTimeMs?: number; cpus?: number } = {}, onCpuLimit?: () => void) {
  const container = new ControlBlock();
  container.setQuotas({ memoryPages: quotas.memoryPages ?? 0, cpuTimeMs: quotas.cpuTimeMs ?? 0, cpus: quotas.cpus ?? 0 });
  const process = new ControlBlock();
  const poll = (): void => {
    const signal = process.takeSignal();
    if (signal !== 0) throw new ProcessKilled(signal);
  };
  const governor = new GuestGovernor({ process, container, poll, memory: () => undefined, onCpuLimit });
  return { container, process, governor };
}

function busy(ms: number, governor: GuestGovernor): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    const next = performance.now() + 0.1;
    while (performance.now() < next) { /* a loop body */ }
    governor.check();
  }
}

describe('GuestGovernor', () => {
  it('adapts the countdown: longer while checks come quickly, shorter when they come late', () => {
    const { governor } = setup();
    const first = governor.check();
    let countdown = first;
    for (let i = 0; i < 20; i++) countdown = governor.check();
    expect(countdown).toBeGreaterThan(first * 100);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    expect(governor.check()).toBe(countdown / 2);
    expect(countdown).toBeLessThanOrEqual(1 << 24);
  });

  it('ends the guest when a signal is pending, and again if the guest caught the first throw', () => {
    const { process, governor } = setup();
    governor.check();
    process.raise(9);
    expect(() => governor.check()).toThrow(ProcessKilled);
    expect(() => governor.check()).toThrow(ProcessKilled); // the signal was taken; the kill sticks
  });

  it('spends the CPU-time limit: SIGXCPU, the container marked and told', () => {
    let told = 0;
    const { container, governor } = setup({ cpuTimeMs: 30 }, () => told++);
    let error: unknown;
    try { busy(1000, governor); } catch (caught) { error = caught; }
    expect(error).toBeInstanceOf(ProcessKilled);
    expect((error as ProcessKilled).signal).toBe(SIGXCPU);
    expect(told).toBe(1);
    const usage = container.quotaUsage();
    expect(usage.cpuTimeExceeded).toBe(true);
    expect(usage.cpuMs).toBeGreaterThanOrEqual(30);
    expect(usage.cpuMs).toBeLessThan(45);
  });

  it('does not count blocked time as CPU time', () => {
    const { process, container, governor } = setup({ cpuTimeMs: 50 });
    process.blocked(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100));
    busy(10, governor);
    governor.finish();
    expect(container.quotaUsage().cpuMs).toBeLessThan(30);
  });

  it('keeps a busy guest to its cpus share by sleeping', () => {
    const { container, governor } = setup({ cpus: 0.5 });
    const started = performance.now();
    busy(300, governor);
    const wall = performance.now() - started;
    const { throttledMs } = container.quotaUsage();
    expect(throttledMs / wall).toBeGreaterThan(0.3);
    expect(throttledMs / wall).toBeLessThan(0.7);
  });

  it('tells a failed memory.grow apart: a later error exit is out of memory', () => {
    const { container, governor } = setup({ memoryPages: 256 });
    expect(governor.grown(5)).toBe(5);
    expect(governor.exitOf(3)).toEqual({ kind: 'exit', code: 3 });
    expect(governor.grown(-1)).toBe(-1);
    expect(governor.exitOf(0)).toEqual({ kind: 'exit', code: 0 });
    expect(governor.exitOf(3)).toMatchObject({ kind: 'trap', outOfMemory: true, message: 'the program exited with status 3 after memory.grow failed at 0 MiB (limit 16 MiB)' });
    expect(container.quotaUsage().outOfMemory).toBe(true);
  });
});

describe('prepareGuest', () => {
  const withMemory = (code: number[]) => assemble({
    types: [funcType([], [I32])], functions: [0], memories: [[0x00, 2]], exports: [{ name: 'f', kind: 0x00, index: 0 }], code: [body(code)],
  });

  it('instruments and caps a module', () => {
    const prepared = prepareGuest(withMemory([0x41, 0x01]), 8);
    expect(prepared.instrumented).toBe(true);
    expect(isInstrumented(new WebAssembly.Module(prepared.bytes as Uint8Array<ArrayBuffer>))).toBe(true);
  });

  it('runs a module it cannot decode uninstrumented but capped, and says why', () => {
    const prepared = prepareGuest(withMemory([0x41, 0x00, 0xfd, 0xff, 0x03]), 8);
    expect(prepared.instrumented).toBe(false);
    expect(prepared.note).toMatch(/^not instrumented: cannot decode opcode 0xfd 0x1ff/);
    expect([...prepared.bytes]).not.toEqual([...withMemory([0x41, 0x00, 0xfd, 0xff, 0x03])]); // the memory section was capped
  });

  it('refuses a module that needs more memory than the cap', () => {
    expect(() => prepareGuest(withMemory([0x41, 0x01]), 1)).toThrow(MemoryLimitError);
  });
});

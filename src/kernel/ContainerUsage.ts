// What a container uses, for stats, read without asking its worker: each
// process publishes its memory, blocked time and open descriptors in its
// ControlBlock (shared memory), and the worker announces processes as they
// start and end ('process' messages); the writable layer's usage is in the
// container's UsageGauges. Sampling sums a few words per process.

import { ControlBlock } from '../workers/ControlBlock';
import { UsageGauges } from '../workers/UsageGauges';

interface TrackedProcess {
  /** Absent for the shell, which runs as TypeScript on the container worker (no wasm memory of its own). */
  readonly control: ControlBlock | undefined;
  readonly startedAt: number;
  /** The CPU time reported last: never less (see ControlBlock.blocked for the instant it could be). */
  cpuMs: number;
}

export interface UsageSample {
  readonly cpuMs: number;
  readonly memoryBytes: number;
  readonly peakBytes: number;
  readonly openFiles: number;
  readonly processes: number;
  readonly diskBytes: number;
  readonly diskInodes: number;
}

export class ContainerUsage {
  /** Published by the container's worker (ContainerRuntime.attach). */
  readonly gauges = new UsageGauges();
  private readonly _processes = new Map<number, TrackedProcess>();
  /** CPU time of the run's processes that have ended. */
  private _endedCpuMs = 0;
  private _peakBytes = 0;

  /** A new run: its CPU time and peak start from zero (as a new cgroup's). */
  reset(): void {
    this._processes.clear();
    this._endedCpuMs = 0;
    this._peakBytes = 0;
  }

  started(pid: number, startedAt: number, control: SharedArrayBuffer | undefined): void {
    this._processes.set(pid, { control: control ? new ControlBlock(control) : undefined, startedAt, cpuMs: 0 });
  }

  ended(pid: number, endedAt: number): void {
    const process = this._processes.get(pid);
    if (!process) return;
    this._processes.delete(pid);
    if (!process.control) return;
    const usage = process.control.usage();
    this._endedCpuMs += Math.max(process.cpuMs, cpuMs(process.startedAt, endedAt, usage.waitedMs));
    this._peakBytes = Math.max(this._peakBytes, usage.peakBytes);
  }

  /** The run is over: every process has ended. */
  endAll(endedAt: number): void {
    for (const pid of [...this._processes.keys()]) this.ended(pid, endedAt);
  }

  sample(now: number): UsageSample {
    let cpu = this._endedCpuMs;
    let memory = 0;
    let peak = this._peakBytes;
    let openFiles = 0;
    for (const process of this._processes.values()) {
      if (!process.control) continue;
      const usage = process.control.usage();
      process.cpuMs = Math.max(process.cpuMs, cpuMs(process.startedAt, now, usage.waitedMs));
      cpu += process.cpuMs;
      memory += usage.memoryBytes;
      peak = Math.max(peak, usage.peakBytes);
      openFiles += usage.openFiles;
    }
    // The container's peak: at least the sum seen now, and no process's own peak is above it.
    this._peakBytes = Math.max(peak, memory);
    const disk = this.gauges.disk();
    return { cpuMs: cpu, memoryBytes: memory, peakBytes: this._peakBytes, openFiles, processes: this._processes.size, diskBytes: disk.bytes, diskInodes: disk.inodes };
  }
}

/** A process's CPU time: its life minus the time it spent blocked (what /proc reports too). */
function cpuMs(startedAt: number, end: number, waitedMs: number): number {
  return Math.max(0, end - startedAt - waitedMs);
}

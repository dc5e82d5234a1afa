// Result shapes of the peer benchmarks' steps: plain JSON, so a step's
// result crosses page.evaluate unchanged. Times in ms, in run order.

import type { Machine } from './machine';
import type { ShimStarts } from './shim';

export interface StartTimes {
  /** request → first stdout/stderr byte seen by the host, one per run. */
  readonly firstByteMs: number[];
  /** request → exit reported, one per run. */
  readonly exitMs: number[];
  /** Flotilla: request → the supervisor's 'started' event (its share of the start done, the run posted). */
  readonly startedMs?: number[];
  /** Flotilla: request → run() resolved. */
  readonly resolvedMs?: number[];
}

export interface IoTimes {
  readonly mib: number;
  /** Inside the guest (iobench's own clock): writing the file, reading it back. */
  readonly writeMs: number[];
  readonly readMs: number[];
  /** request → exit, host clock. */
  readonly wallMs: number[];
  readonly where: string;
}

export interface PipeTimes {
  readonly mib: number;
  readonly command: string;
  /** The consumer's first byte → EOF (guest clock). */
  readonly consumeMs: number[];
  /** request → exit of the pipeline, host clock. */
  readonly wallMs: number[];
}

export interface KillTimes {
  /** kill() → exit reported, guest blocked in fd_read on stdin. */
  readonly blockedMs: number[];
  /** kill() → exit reported, guest spinning without syscalls (crash spin). */
  readonly spinningMs: number[];
}

/** Killing guests that spin without syscalls (crash spin): what happens after the exit is reported. */
export interface SpinKill extends KillTimes {
  /** CPU time the host (Node process, or the page's renderer process) used in the second after the last kill was reported, ms. */
  readonly cpuAfterMs?: number;
  /** wasmer: whether sandbox.close() + wasmer.close() finished within 10 s afterwards. */
  readonly close?: 'closed' | 'pending';
}

export interface BurstTimes {
  /** N → ms from the request until all N guests have printed their prompt. */
  readonly runningMs: Record<string, number>;
  /** N → ms from the request until all N run() calls resolved. */
  readonly resolvedMs: Record<string, number>;
  readonly poolSize: number;
}

export interface IdleUp {
  readonly count: number;
  /** request → all `count` idle instances up (prompt printed, or _start returned). */
  readonly ms: number;
}

export interface MaxLive {
  readonly live: number;
  readonly cap: number;
  readonly stoppedBy: 'cap' | 'failure' | 'time budget';
  /** What failed (the first failure), when stoppedBy is 'failure'. */
  readonly error?: string;
  readonly ms: number;
}

export interface InitTimes {
  /** Importing the SDK's JavaScript entry (browser: in its worker; Node: not measured, 0). */
  readonly importMs?: number;
  /** new Wasmer() → ready (loading the SDK's own 4.8 MB runtime). */
  readonly initMs: number;
  /** packages.load() of the three programs. */
  readonly loadMs: number;
  /** sandboxes.create(). */
  readonly sandboxMs: number;
}

export interface PeersOptions {
  /** Starts measured per runtime (warm pool, shim workers, wasmer runs). */
  readonly runs: number;
  readonly coldRuns: number;
  readonly bursts: readonly number[];
  readonly poolSize: number;
  readonly ioMib: number;
  readonly ioRuns: number;
  /** The shim copies its whole file on every append (quadratic): fewer runs. */
  readonly shimIoRuns: number;
  readonly pipeRuns: number;
  readonly killRuns: number;
  /** Idle instances per memory measurement. */
  readonly idleCount: number;
  /** Max live instances: stop at this many, or at the first failure, or after budgetMs. */
  readonly maxCap: number;
  readonly maxBudgetMs: number;
}

/** Memory per idle instance: the host's memory before and after `count` idle instances. */
export interface IdleMemory {
  readonly count: number;
  /** request → all `count` idle instances up, the slowest round. */
  readonly ms: number;
  /** Node: process RSS; Chromium: the renderer process's RSS. The first round's; undefined when not measurable. */
  readonly perInstanceBytes?: number;
  /** The idle program's initial linear memory, part of every instance. */
  readonly wasmInitialBytes: number;
  readonly rounds: { readonly beforeBytes: number; readonly afterBytes: number; readonly perInstanceBytes: number }[];
}

/** A peer's step that failed: kept as a finding instead of ending the run. */
export interface Failed { readonly error: string }
export type Maybe<T> = T | Failed;
export const failed = (value: unknown): value is Failed => typeof value === 'object' && value !== null && 'error' in value && Object.keys(value).length === 1;

export interface HostResults {
  readonly flotilla: {
    /** Back to back, the pool refilling behind the runs. */
    readonly warm: Maybe<StartTimes>;
    /** The pool full and quiet before each run (as the baselines run). */
    readonly warmQuiet: Maybe<StartTimes>;
    readonly cold: Maybe<StartTimes>;
    readonly bursts: Maybe<BurstTimes>;
    readonly io: Maybe<IoTimes>;
    readonly pipe: Maybe<PipeTimes>;
    readonly kill: Maybe<KillTimes>;
    readonly spinKill: Maybe<SpinKill>;
    readonly idle: Maybe<IdleMemory>;
    readonly maxLive: Maybe<MaxLive>;
  };
  readonly shim: {
    readonly starts: Maybe<ShimStarts>;
    readonly prestarted: Maybe<StartTimes>;
    readonly io: Maybe<IoTimes>;
    readonly idle: Maybe<IdleMemory>;
    readonly maxLive: Maybe<MaxLive>;
  };
  readonly wasmer: {
    readonly init: Maybe<InitTimes>;
    /** The first spawn after set-up. */
    readonly first: Maybe<StartTimes>;
    /** Later spawns (after the idle-memory measurement). */
    readonly starts: Maybe<StartTimes>;
    readonly runCalls: Maybe<number[]>;
    readonly io: Maybe<IoTimes>;
    readonly kill: Maybe<KillTimes>;
    readonly spinKill: Maybe<SpinKill>;
    readonly idle: Maybe<IdleMemory>;
    readonly maxLive: Maybe<MaxLive>;
  };
}

export interface PeersResult {
  readonly machine: Machine;
  readonly options: PeersOptions;
  readonly programs: Record<string, { bytes: number; initialMemoryBytes: number }>;
  readonly node: HostResults;
  readonly chromium: HostResults;
  readonly seconds: { node: number; chromium: number };
}


// The WASI conformance suite, shared by every file system it runs over:
// each tests/wasi/c/*.c is one behaviour, compiled to wasm32-wasip1 and run
// in-process by WasiProcess with a fresh root directory. The expectations
// live here once, so a program added to tests/wasi/c is checked over the
// local ContainerFs (tests/wasi/conformance.test.ts) and over RemoteFs
// (tests/fsrpc/conformance-remote.test.ts) alike.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileC } from '../../scripts/wasi-cc.mjs';
import type { FsDirectory } from '../../src/fs/types';
import { ProcessKilled, WasiProcess } from '../../src/wasi';
import type { Preopen } from '../../src/wasi/host';
import { BufferInput, CollectOutput, SleepWaiter } from '../../src/wasi/testing/fakes';

export const C_DIR = join(dirname(fileURLToPath(import.meta.url)), 'c');

export interface Expectation {
  exit?: number;
  /** POSIX signal number the process must die of (ProcessKilled). */
  killedBy?: number;
  stdout?: string | RegExp;
  stderr?: string | RegExp;
  args?: string[];
  env?: string[];
  /** Stdin arrives in these chunks, one per waiter wake-up, then ends. */
  stdinChunks?: string[];
  extraPreopens?: (root: FsDirectory) => Preopen[];
}

const ok: Expectation = { exit: 0, stdout: 'ok\n' };

export const EXPECTATIONS: Record<string, Expectation> = {
  'args_env.c': { ...ok, args: ['prog', 'héllo', ''], env: ['FOO=bar=baz', 'EMPTY='] },
  'readdir_dots.c': ok,
  'readdir_truncation.c': ok,
  'pread_pwrite.c': ok,
  'seek_tell.c': ok,
  'append.c': ok,
  'rights.c': ok,
  'timestamps.c': ok,
  'allocate.c': ok,
  'renumber.c': ok,
  'prestat.c': { ...ok, extraPreopens: (root) => [{ guestPath: '/tmp', dir: root.createDirectory('tmp') }] },
  'oflags.c': ok,
  'mkdir_rmdir.c': ok,
  'rename.c': ok,
  'link.c': ok,
  'symlink_readlink.c': ok,
  'unlink.c': ok,
  'path_escape.c': ok,
  'poll_clocks.c': { ...ok, stdinChunks: ['hello'] },
  'proc_exit.c': { exit: 42, stdout: 'before exit\n' },
  'proc_raise.c': { killedBy: 15, stdout: 'raising\n' },
  'sched_yield.c': ok,
  'sock.c': ok,
  'garbage_pointers.c': ok,
  'stdin_echo.c': { exit: 0, stdout: 'HELLO, WORLD\nSECOND LINE\n', stderr: '25 bytes\n', stdinChunks: ['hello, ', 'world\n', '', 'second line\n'] },
  'clock.c': ok,
  'random.c': ok,
};

/** A fresh root for one program; `close` (if any) runs after the program ends. */
export interface ConformanceRoot {
  root: FsDirectory;
  close?: () => Promise<unknown> | void;
}

interface RunResult {
  exit: number | undefined;
  killed: ProcessKilled | undefined;
  stdout: string;
  stderr: string;
  signalChecks: number;
}

async function runC(file: string, exp: Expectation, openRoot: () => Promise<ConformanceRoot> | ConformanceRoot): Promise<RunResult> {
  const wasm = await compileC(
    { 'check.h': readFileSync(join(C_DIR, 'check.h'), 'utf8'), [file]: readFileSync(join(C_DIR, file), 'utf8') },
    [file],
  );
  const { root, close } = await openRoot();
  const stdin = new BufferInput('');
  const chunks = [...(exp.stdinChunks ?? [])];
  stdin.closed = chunks.length === 0;
  if (chunks.length > 0) stdin.push(chunks.shift()!);
  const waiter = new SleepWaiter();
  waiter.onWait = () => {
    if (chunks.length > 0) stdin.push(chunks.shift()!);
    else stdin.closed = true;
  };
  stdin.whenEmpty = () => waiter.wait(Infinity); // a real stdin blocks inside read
  const stdout = new CollectOutput();
  const stderr = new CollectOutput();
  let signalChecks = 0;
  const proc = new WasiProcess({
    args: exp.args ?? ['prog'],
    env: exp.env ?? [],
    preopens: [{ guestPath: '/', dir: root }, ...(exp.extraPreopens?.(root) ?? [])],
    stdin, stdout, stderr, waiter,
    checkSignals: () => { signalChecks++; },
  });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm as Uint8Array<ArrayBuffer>), proc.imports);
  let exit: number | undefined;
  let killed: ProcessKilled | undefined;
  try {
    exit = proc.run(instance);
  } catch (error) {
    if (error instanceof ProcessKilled) killed = error;
    else throw error;
  } finally {
    await close?.();
  }
  return { exit, killed, stdout: stdout.text(), stderr: stderr.text(), signalChecks };
}

function expectOutput(actual: string, expected: string | RegExp | undefined, detail: string): void {
  if (expected === undefined) return;
  if (typeof expected === 'string') expect(actual, detail).toBe(expected);
  else expect(actual, detail).toMatch(expected);
}

/**
 * Defines the suite: the guard that every tests/wasi/c/*.c has an
 * expectation (and every expectation a file), then one test per program,
 * each run over the root `openRoot` returns.
 */
export function describeConformance(title: string, openRoot: () => Promise<ConformanceRoot> | ConformanceRoot): void {
  describe(title, () => {
    it('every tests/wasi/c/*.c has an expectation, and every expectation a file', () => {
      const files = readdirSync(C_DIR).filter((f) => f.endsWith('.c')).sort();
      expect(files).toEqual(Object.keys(EXPECTATIONS).sort());
    });

    for (const [file, exp] of Object.entries(EXPECTATIONS)) {
      it(file, async () => {
        const r = await runC(file, exp, openRoot);
        const detail = `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
        if (exp.killedBy !== undefined) {
          expect(r.killed?.signal, detail).toBe(exp.killedBy);
          expect(r.killed?.exitCode).toBe(128 + exp.killedBy);
        } else {
          expect(r.killed, detail).toBeUndefined();
          expect(r.exit, detail).toBe(exp.exit ?? 0);
        }
        expectOutput(r.stdout, exp.stdout, detail);
        expectOutput(r.stderr, exp.stderr, detail);
        expect(r.signalChecks).toBeGreaterThan(0);
      });
    }
  });
}

// The WASI conformance programs (tests/wasi/c) run by WasiProcess over
// RemoteFs: the preopened root is a proxy whose ContainerFs is served from
// another worker thread, as in a process worker. Each must behave exactly
// as over the local ContainerFs (tests/wasi/conformance.test.ts; its
// expectations are not exported, so they are copied here — the first test
// catches a program added there and not here).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileC } from '../../scripts/wasi-cc.mjs';
import type { FsDirectory } from '../../src/fs/types';
import { ProcessKilled, WasiProcess } from '../../src/wasi';
import type { Preopen } from '../../src/wasi/host';
import { BufferInput, CollectOutput, SleepWaiter } from '../../src/wasi/testing/fakes';
import { ServerWorker } from './harness';

const C_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'wasi', 'c');

interface Expectation {
  exit?: number;
  killedBy?: number;
  stdout?: string | RegExp;
  stderr?: string | RegExp;
  args?: string[];
  env?: string[];
  stdinChunks?: string[];
  extraPreopens?: (root: FsDirectory) => Preopen[];
}

const ok: Expectation = { exit: 0, stdout: 'ok\n' };

const EXPECTATIONS: Record<string, Expectation> = {
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

let server: ServerWorker;
beforeAll(async () => {
  server = await ServerWorker.start();
});
afterAll(async () => {
  await server?.close();
});

async function runC(file: string, exp: Expectation) {
  const wasm = await compileC(
    { 'check.h': readFileSync(join(C_DIR, 'check.h'), 'utf8'), [file]: readFileSync(join(C_DIR, file), 'utf8') },
    [file],
  );
  // A fresh, empty ContainerFs in the server worker per program, like the local runner.
  const { name, fs } = await server.open({ mode: 'hub' });
  const stdin = new BufferInput('');
  const chunks = [...(exp.stdinChunks ?? [])];
  stdin.closed = chunks.length === 0;
  if (chunks.length > 0) stdin.push(chunks.shift()!);
  const waiter = new SleepWaiter();
  waiter.onWait = () => {
    if (chunks.length > 0) stdin.push(chunks.shift()!);
    else stdin.closed = true;
  };
  const stdout = new CollectOutput();
  const stderr = new CollectOutput();
  let signalChecks = 0;
  const proc = new WasiProcess({
    args: exp.args ?? ['prog'],
    env: exp.env ?? [],
    preopens: [{ guestPath: '/', dir: fs.root }, ...(exp.extraPreopens?.(fs.root) ?? [])],
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
    await server.ask({ type: 'close', name });
  }
  return { exit, killed, stdout: stdout.text(), stderr: stderr.text(), signalChecks };
}

describe('WASI conformance over RemoteFs (server in another thread)', () => {
  it('covers every tests/wasi/c/*.c', () => {
    const files = readdirSync(C_DIR).filter((f) => f.endsWith('.c')).sort();
    expect(files).toEqual(Object.keys(EXPECTATIONS).sort());
  });

  for (const [file, exp] of Object.entries(EXPECTATIONS)) {
    it(file, async () => {
      const r = await runC(file, exp);
      const detail = `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
      if (exp.killedBy !== undefined) {
        expect(r.killed?.signal, detail).toBe(exp.killedBy);
        expect(r.killed?.exitCode).toBe(128 + exp.killedBy);
      } else {
        expect(r.killed, detail).toBeUndefined();
        expect(r.exit, detail).toBe(exp.exit ?? 0);
      }
      if (exp.stdout !== undefined) {
        if (typeof exp.stdout === 'string') expect(r.stdout, detail).toBe(exp.stdout);
        else expect(r.stdout, detail).toMatch(exp.stdout);
      }
      if (exp.stderr !== undefined) {
        if (typeof exp.stderr === 'string') expect(r.stderr, detail).toBe(exp.stderr);
        else expect(r.stderr, detail).toMatch(exp.stderr);
      }
      expect(r.signalChecks).toBeGreaterThan(0);
    });
  }
});

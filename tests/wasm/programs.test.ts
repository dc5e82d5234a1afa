// The rewriter on real programs: C built with @yowasp/clang (plain, and with
// SIMD, tail calls and DWARF), the images' programs and CRuby. Instrumented
// programs validate and print what the originals print; a spinning program
// comes back to the host; traps still name the guest's functions; a memory
// cap makes malloc fail inside the guest.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileC } from '../../scripts/wasi-cc.mjs';
import { ContainerFs } from '../../src/fs/ContainerFs';
import { ImageStore } from '../../src/images/ImageStore';
import { NodeImageSource } from '../../src/images/NodeImageSource';
import { ProcessKilled, WasiProcess } from '../../src/wasi';
import { BufferInput, CollectOutput, SleepWaiter } from '../../src/wasi/testing/fakes';
import { capMemory, CHECK_IMPORT, GROW_IMPORT, instrument, instrumentWithStats, INTERNAL_MODULE } from '../../src/wasm';

const HERE = dirname(fileURLToPath(import.meta.url));
const WORKLOAD = readFileSync(join(HERE, 'c', 'workload.c'), 'utf8');

interface Run { exit?: number; killed?: number; trap?: Error; stdout: string; stderr: string; checks: number; grows: number[] }

/** Runs a WASI command in-process (argv[0] 'prog' unless `argv0`); for an instrumented one, `check` decides what each check does. */
function run(bytes: Uint8Array, args: string[], check: (count: number) => number = () => 1000): Run {
  const stdout = new CollectOutput();
  const stderr = new CollectOutput();
  const wasi = new WasiProcess({
    args: args[0]?.startsWith('/') ? args : ['prog', ...args], env: [], preopens: [{ guestPath: '/', dir: new ContainerFs().root }],
    stdin: new BufferInput(''), stdout, stderr, waiter: new SleepWaiter(), checkSignals: () => {},
  });
  const result: Run = { stdout: '', stderr: '', checks: 0, grows: [] };
  const internal = {
    [CHECK_IMPORT]: () => check(++result.checks),
    [GROW_IMPORT]: (value: number) => { result.grows.push(value); return value; },
  };
  try {
    const module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    const imports: WebAssembly.Imports = { ...wasi.imports, [INTERNAL_MODULE]: internal };
    // Flotilla's process extensions (box imports them): not needed by what runs here.
    for (const item of WebAssembly.Module.imports(module)) if (!imports[item.module]) imports[item.module] = {};
    for (const item of WebAssembly.Module.imports(module)) (imports[item.module] as Record<string, unknown>)[item.name] ??= () => 52;
    result.exit = wasi.run(new WebAssembly.Instance(module, imports));
  } catch (error) {
    if (error instanceof ProcessKilled) result.killed = error.signal;
    else if (error instanceof Error) result.trap = error;
    else throw error;
  }
  result.stdout = stdout.text();
  result.stderr = stderr.text();
  return result;
}

const WORKLOADS: Array<[string, string]> = [['sum', '300000'], ['sort', '20000'], ['table', '100000'], ['tail', '200000'], ['vec', '100'], ['sieve', '200000']];

describe.each([
  ['-O2', []],
  ['-O2 -msimd128 -mtail-call -g', ['-msimd128', '-mtail-call', '-g']],
])('a C program built with %s', (_label, flags) => {
  let original: Uint8Array;
  let instrumented: Uint8Array;
  let stats: ReturnType<typeof instrumentWithStats>['stats'];

  beforeAll(async () => {
    original = await compileC({ 'workload.c': WORKLOAD }, ['workload.c'], { flags });
    ({ bytes: instrumented, stats } = instrumentWithStats(original));
  }, 120_000);

  it('instruments every loop, validates, and drops only what points into the code', () => {
    expect(WebAssembly.validate(instrumented as Uint8Array<ArrayBuffer>)).toBe(true);
    expect(stats.loops).toBeGreaterThan(50);
    if (flags.includes('-g')) {
      expect(stats.droppedSections.filter((name) => !name.startsWith('.debug_'))).toEqual([]);
      expect(stats.droppedSections).toContain('.debug_info');
      expect(stats.tailCallingFunctions).toBeGreaterThanOrEqual(2);
    }
    const module = new WebAssembly.Module(instrumented as Uint8Array<ArrayBuffer>);
    expect(WebAssembly.Module.customSections(module, 'name')).toHaveLength(1);
  });

  it.each(WORKLOADS)('%s prints the same as the original, and reaches the check', (mode, n) => {
    const before = run(original, [mode, n]);
    const after = run(instrumented, [mode, n], () => 64);
    expect(before.exit).toBe(0);
    expect(after).toMatchObject({ exit: 0, stdout: before.stdout, stderr: before.stderr });
    expect(after.stdout).toMatch(new RegExp(`^${mode} `));
    expect(after.checks).toBeGreaterThan(10);
  });

  it('a trap\'s stack names the guest\'s functions from the name section', () => {
    const names = (error: Error) => error.stack!.split('\n').filter((line) => line.includes('wasm-function')).map((line) => line.trim().split(' ')[1]);
    const plain = names(run(original, ['trap']).trap!);
    const after = run(instrumented, ['trap']).trap!;
    expect(after).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(names(after)).toEqual(plain);
    expect(names(after)).toContain('out.wasm.deliberate_trap');
  });

  it('a loop without calls is stopped by a check that throws', () => {
    const result = run(instrumented, ['spin'], (count) => {
      if (count === 50) throw new ProcessKilled(9);
      return 1000;
    });
    expect(result).toMatchObject({ killed: 9, stdout: 'spinning\n', checks: 50 });
  });
});

describe('the images\' programs and CRuby', () => {
  const store = new ImageStore(new NodeImageSource(resolve(HERE, '../../build/images')));
  async function program(image: string, path?: string): Promise<Uint8Array> {
    const loaded = await store.get(image);
    const wanted = path ?? loaded.config.Entrypoint[0]!;
    for (const layer of loaded.layers) for (const entry of layer.entries) if (entry.path === wanted && entry.data) return entry.data.slice();
    throw new Error(`${wanted} not in ${image}`);
  }

  it('hello and box print the same instrumented', async () => {
    const hello = await program('hello');
    expect(run(instrument(hello), ['a', 'b']).stdout).toBe(run(hello, ['a', 'b']).stdout);
    const box = await program('base', '/bin/box');
    const script = ['/bin/seq', '1', '2000'];
    const plain = run(box, script);
    expect(plain.stdout.split('\n'), plain.stderr).toHaveLength(2001);
    expect(run(instrument(box), script).stdout).toBe(plain.stdout);
  });

  it('a trap reports the same frames, the functions moved by the two imports', async () => {
    const crash = await program('crash');
    const frames = (error: Error) => error.stack!.split('\n').map((line) => /wasm-function\[(\d+)\]/.exec(line)?.[1]).filter((index) => index !== undefined).map(Number);
    const plain = frames(run(crash, ['trap']).trap!);
    const instrumented = run(instrument(crash), ['trap']).trap!;
    expect(instrumented).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(plain.length).toBeGreaterThan(1);
    expect(frames(instrumented)).toEqual(plain.map((index) => index + 2));
  });

  it('a memory cap makes malloc fail inside the guest, and the grow hook sees it', async () => {
    const crash = await program('crash');
    const capped = run(instrument(crash, { maxMemoryPages: 256 }), ['oom']); // 16 MiB instead of the binary's 64
    expect(capped.exit).toBe(3);
    expect(capped.stderr).toMatch(/^crash: out of memory: malloc failed after 1[0-5] MiB\n$/);
    expect(capped.grows.at(-1)).toBe(-1);
    expect(run(capMemory(crash, 256), ['oom']).stderr).toBe(capped.stderr);
  });

  it('CRuby\'s module (tens of MB) instruments in well under a second and validates', async () => {
    const ruby = await program('ruby', '/usr/local/bin/ruby');
    instrument(ruby); // warm up the rewriter's code
    const started = performance.now();
    const { bytes, stats } = instrumentWithStats(ruby, { maxMemoryPages: 4096 });
    const elapsed = performance.now() - started;
    expect(ruby.length).toBeGreaterThan(20e6);
    expect(WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>)).toBe(true);
    expect(stats.functions).toBeGreaterThan(10_000);
    expect(elapsed).toBeLessThan(2000);
  }, 60_000);
});

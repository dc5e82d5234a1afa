// Unit tests of the rewriter on hand-assembled modules: every kind of
// function reference renumbered, loops and tail calls instrumented, every
// instruction family decoded, sections kept, dropped or synthesized.
// Programs built from C are exercised in tests/wasm/.
import { describe, expect, it } from 'vitest';
import { CHECK_IMPORT, GROW_IMPORT, INTERNAL_MODULE, instrument, instrumentWithStats, isInstrumented, MalformedWasmError, ReservedImportError, UnsupportedInstructionError, readSections } from './index';
import { Reader } from './bytes';
import { assemble, body, custom, FUNCREF, funcType, I32, name, nameSection, s32, section, u32, vec } from './testing/assemble';

/** Imports for an instrumented module: a check that counts its calls, a grow hook that records results. */
function hostImports(countdown = 10) {
  const calls = { checks: 0, grows: [] as number[] };
  const internal = {
    [CHECK_IMPORT]: () => { calls.checks++; return countdown; },
    [GROW_IMPORT]: (result: number) => { calls.grows.push(result); return result; },
  };
  return { calls, internal };
}

function compile(bytes: Uint8Array): WebAssembly.Module {
  expect(WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>), 'the output validates').toBe(true);
  return new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
}

// Function indices: 0 the import env.inc; then the defined functions below.
const F = { answer: 1, double: 2, viaCall: 3, viaIndirect: 4, viaRefFunc: 5, start: 6, spin: 7, viaGlobalRef: 8, viaExprElem: 9, started: 10, misc: 11, boom: 12 };

/** A module that reaches functions in every way an index can be written. */
function referenceModule(): Uint8Array<ArrayBuffer> {
  const f32 = [...new Uint8Array(new Float32Array([3.7]).buffer)];
  const f64 = [...new Uint8Array(new Float64Array([2.5]).buffer)];
  return assemble({
    types: [funcType([], [I32]), funcType([I32], [I32]), funcType([], []), funcType([], [I32, I32])],
    imports: [{ module: 'env', name: 'inc', desc: [0x00, 1] }],
    functions: [0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 2],
    tables: [[FUNCREF, 0x00, 4]],
    memories: [[0x01, 1, 3]],
    globals: [
      [I32, 0x01, 0x41, 0x00, 0x0b], // g0: set by the start function
      [FUNCREF, 0x00, 0xd2, ...u32(F.double), 0x0b], // g1: ref.func in a global's initializer
    ],
    exports: [
      ...Object.entries(F).filter(([key]) => key !== 'start').map(([key, index]) => ({ name: key, kind: 0x00, index })),
      { name: 'table', kind: 0x01, index: 0 },
    ],
    start: F.start,
    elements: [
      [0x00, 0x41, 0x00, 0x0b, ...vec([u32(F.double)])], // active: table[0] = double
      [0x03, 0x00, ...vec([u32(F.answer)])], // declarative: ref.func answer
      [0x04, 0x41, 0x03, 0x0b, ...vec([[0xd2, ...u32(F.viaCall), 0x0b]])], // expressions: table[3] = viaCall
      [0x01, 0x00, ...vec([u32(F.boom), u32(F.spin)])], // passive, by index
    ],
    code: [
      body([0x41, 42]), // answer
      body([0x20, 0x00, 0x41, 0x02, 0x6c]), // double
      body([0x10, F.answer, 0x10, 0x00]), // viaCall: inc(answer())
      body([0x41, 0x05, 0x41, 0x00, 0x11, 0x01, 0x00]), // viaIndirect: table[0](5)
      body([0x41, 0x01, 0xd2, F.answer, 0x26, 0x00, 0x41, 0x01, 0x11, 0x00, 0x00]), // viaRefFunc
      body([0x41, 0x07, 0x24, 0x00]), // start: g0 = 7
      // spin: for (n = 100000; --n;); return 100000
      body([0x41, ...s32(100000), 0x21, 0x00, 0x03, 0x40, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x22, 0x00, 0x0d, 0x00, 0x0b, 0x41, ...s32(100000)], [[1, I32]]),
      body([0x41, 0x02, 0x23, 0x01, 0x26, 0x00, 0x41, 21, 0x41, 0x02, 0x11, 0x01, 0x00]), // viaGlobalRef: table[2] = g1; table[2](21)
      body([0x41, 0x03, 0x11, 0x00, 0x00]), // viaExprElem: table[3]()
      body([0x23, 0x00]), // started: g0
      body([
        0x02, 0x7f, 0x41, 0x01, 0x41, 0x00, 0x0e, 0x01, 0x00, 0x00, 0x0b, // block (result i32) 1, br_table
        0x43, ...f32, 0xfc, 0x00, 0x6a, // + i32.trunc_sat_f32_s(3.7) = 4
        0x44, ...f64, 0x1a, 0x42, 0x7f, 0x1a, // f64 and i64 constants, dropped
        0x41, 0x05, 0x41, 0x06, 0x41, 0x00, 0x1c, 0x01, I32, 0x6a, // + select (result i32) = 10
        0x41, 0x00, 0x41, 0x09, 0x36, 0x02, 0x04, 0x41, 0x00, 0x28, 0x02, 0x04, 0x6a, // store 9 at 4, + load = 19
        0x41, 0x01, 0x40, 0x00, 0x1a, 0x3f, 0x00, 0x6a, // memory.grow 1, + memory.size = 21
        0x41, 0xff, 0x00, 0xc0, 0x6a, // + i32.extend8_s(127) = 148
        0x41, 0x10, 0x41, 0x00, 0x41, 0x08, 0xfc, 0x0b, 0x00, // memory.fill
        0x02, 0x03, 0x41, 0x01, 0x41, 0x02, 0x0b, 0x6a, 0x6a, // block (type 3: two results), + 3 = 151
      ]),
      body([0x00]), // boom: unreachable
    ],
    trailer: [
      ...nameSection(Object.entries(F).map(([key, index]) => [index, `fn_${key}`] as const).sort((a, b) => a[0] - b[0]), [
        // local names: spin's local 0; label names: one label in spin
        2, ...u32(vec([[...u32(F.spin), ...vec([[0x00, ...name('n')]])]]).length), ...vec([[...u32(F.spin), ...vec([[0x00, ...name('n')]])]]),
        3, ...u32(vec([[...u32(F.spin), ...vec([[0x00, ...name('again')]])]]).length), ...vec([[...u32(F.spin), ...vec([[0x00, ...name('again')]])]]),
      ]),
      ...custom('.debug_info', [1, 2, 3]),
      ...custom('sourceMappingURL', name('x.map')),
      ...custom('producers', [0]),
    ],
  });
}

function instantiate(bytes: Uint8Array, internal?: Record<string, (...args: number[]) => number>) {
  const imports: WebAssembly.Imports = { env: { inc: (x: number) => x + 1 } };
  if (internal) imports[INTERNAL_MODULE] = internal;
  return new WebAssembly.Instance(compile(bytes), imports).exports as Record<string, (...args: number[]) => number>;
}

describe('instrument: renumbering', () => {
  const original = referenceModule();
  it('the reference module itself runs', () => {
    const exports = instantiate(original);
    expect(exports.misc!()).toBe(151);
  });

  it('keeps exports, the start function, direct, indirect, ref.func, global and element calls working', () => {
    const { calls, internal } = hostImports();
    const out = instrument(original);
    const exports = instantiate(out, internal);
    expect(exports.started!()).toBe(7); // start ran: the start section points at the moved function
    expect(exports.answer!()).toBe(42);
    expect(exports.double!(4)).toBe(8);
    expect(exports.viaCall!()).toBe(43);
    expect(exports.viaIndirect!()).toBe(10);
    expect(exports.viaRefFunc!()).toBe(42);
    expect(exports.viaGlobalRef!()).toBe(42);
    expect(exports.viaExprElem!()).toBe(43);
    expect(exports.misc!()).toBe(151);
    expect(calls.grows).toEqual([1]); // memory.grow's result (old size 1) went through the hook
    expect(exports.spin!()).toBe(100000);
    expect(calls.checks).toBeGreaterThan(100000 / 11 - 200); // every 10 + 1 loop headers after the first 1024
  });

  it('adds the imports after the module\'s own, the countdown global last, and nothing else', () => {
    const module = compile(instrument(original));
    expect(WebAssembly.Module.imports(module)).toEqual([
      { module: 'env', name: 'inc', kind: 'function' },
      { module: INTERNAL_MODULE, name: CHECK_IMPORT, kind: 'function' },
      { module: INTERNAL_MODULE, name: GROW_IMPORT, kind: 'function' },
    ]);
    expect(WebAssembly.Module.exports(module)).toEqual(WebAssembly.Module.exports(compile(original)));
    expect(isInstrumented(module)).toBe(true);
    expect(isInstrumented(compile(original))).toBe(false);
  });

  it('keeps function and local names on the moved functions, drops label names and sections that point into the code', () => {
    const { bytes, stats } = instrumentWithStats(original);
    const module = compile(bytes);
    expect(WebAssembly.Module.customSections(module, '.debug_info')).toHaveLength(0);
    expect(WebAssembly.Module.customSections(module, 'sourceMappingURL')).toHaveLength(0);
    expect(WebAssembly.Module.customSections(module, 'producers')).toHaveLength(1);
    expect(stats.droppedSections).toEqual(['.debug_info', 'sourceMappingURL']);
    const names = parseNames(new Uint8Array(WebAssembly.Module.customSections(module, 'name')[0]!));
    expect(names.functions.get(F.boom + 2)).toBe('fn_boom');
    expect(names.functions.get(F.answer + 2)).toBe('fn_answer');
    expect(names.locals).toEqual([F.spin + 2]);
    expect(names.subsections).toEqual([1, 2]);
  });

  it('a trap\'s stack still names the guest\'s functions', () => {
    const { internal } = hostImports();
    const exports = instantiate(instrument(original), internal);
    let error: unknown;
    try { exports.boom!(); } catch (caught) { error = caught; }
    expect(error).toBeInstanceOf(WebAssembly.RuntimeError);
    expect((error as Error).stack).toMatch(/fn_boom/);
  });

  it('the check can stop a spinning loop by throwing', () => {
    let checks = 0;
    const exports = instantiate(instrument(original, { initialCountdown: 5 }), {
      [CHECK_IMPORT]: () => { if (++checks === 3) throw new Error('killed'); return 7; },
      [GROW_IMPORT]: (result) => result,
    });
    expect(() => exports.spin!()).toThrow('killed');
    expect(checks).toBe(3);
  });

  it('caps memory in the same pass', () => {
    const uncapped = instantiate(original);
    expect([uncapped.misc!(), uncapped.misc!()]).toEqual([151, 152]); // grows 1 -> 2 -> 3 (its maximum)
    const { calls, internal } = hostImports();
    const capped = instantiate(instrument(original, { maxMemoryPages: 2 }), internal);
    expect([capped.misc!(), capped.misc!()]).toEqual([151, 151]); // the second grow fails at the cap
    expect(calls.grows).toEqual([1, -1]);
  });
});

describe('instrument: control flow that can run forever', () => {
  // even(n) and odd(n) in mutual tail recursion, no loop anywhere.
  const tailCalls = assemble({
    types: [funcType([I32], [I32])],
    functions: [0, 0],
    exports: [{ name: 'even', kind: 0x00, index: 0 }],
    code: [
      body([0x20, 0x00, 0x45, 0x04, I32, 0x41, 0x01, 0x05, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x12, 0x01, 0x0b]),
      body([0x20, 0x00, 0x45, 0x04, I32, 0x41, 0x00, 0x05, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x12, 0x00, 0x0b]),
    ],
  });

  it('checks at the entry of functions that make tail calls (and synthesizes the sections it needs)', () => {
    expect(WebAssembly.validate(tailCalls)).toBe(true);
    const { bytes, stats } = instrumentWithStats(tailCalls, { initialCountdown: 100 });
    expect(stats).toMatchObject({ loops: 0, tailCallingFunctions: 2, tailCalls: 2, grows: 0 });
    const { calls, internal } = hostImports(1000);
    const module = compile(bytes);
    expect(WebAssembly.Module.imports(module).map((item) => item.name)).toEqual([CHECK_IMPORT]); // no memory: no grow hook
    const even = (new WebAssembly.Instance(module, { [INTERNAL_MODULE]: internal }).exports.even as (n: number) => number);
    expect(even(100_001)).toBe(0);
    expect(calls.checks).toBe(100);
  });

  it('instruments an empty module and one without imports, globals or types', () => {
    const empty = assemble({});
    expect(WebAssembly.Module.imports(compile(instrument(empty)))).toHaveLength(1);
    const memoryOnly = assemble({ memories: [[0x00, 0x01]] });
    expect(WebAssembly.Module.imports(compile(instrument(memoryOnly))).map((item) => item.name)).toEqual([CHECK_IMPORT, GROW_IMPORT]);
  });
});

describe('instrument: loops are split, branches out of them renumbered', () => {
  // Each function takes n and returns a number that depends on every branch taken.
  const I32_TO_I32 = 1;
  const code = {
    // nested loops, a branch from the inner loop to a block outside it, and to the outer loop's exit
    nested: [
      0x02, 0x40, // block $done
      0x03, 0x40, // loop $outer
      0x20, 0x01, 0x20, 0x00, 0x4e, 0x0d, 0x01, // i >= n: br_if $done
      0x02, 0x40, // block $skip
      0x03, 0x40, // loop $inner
      0x20, 0x02, 0x41, 0x01, 0x6a, 0x21, 0x02, // sum += 1
      0x20, 0x02, 0x41, 0x07, 0x70, 0x45, 0x0d, 0x01, // sum % 7 == 0: br_if $skip
      0x20, 0x02, 0x41, 0x03, 0x71, 0x0d, 0x00, // sum & 3: br_if $inner
      0x0b, 0x0b,
      0x20, 0x01, 0x41, 0x01, 0x6a, 0x21, 0x01, // i += 1
      0x0c, 0x00, // br $outer
      0x0b, 0x0b,
      0x20, 0x02,
    ],
    // br_table inside a loop, to a block around it and to the function (a return)
    table: [
      0x02, I32, // block $out (result i32)
      0x03, 0x40, // loop $again
      0x20, 0x02, 0x41, 0x05, 0x6a, 0x21, 0x02, // sum += 5
      0x20, 0x01, 0x41, 0x01, 0x6a, 0x21, 0x01, // i += 1
      0x20, 0x01, 0x20, 0x00, 0x48, 0x0d, 0x00, // i < n: br_if $again
      0x20, 0x02, 0x20, 0x01, 0x41, 0x03, 0x70, // sum, i % 3
      0x0e, 0x02, 0x01, 0x02, 0x01, // br_table [$out, the function] default $out
      0x0b,
      0x41, 0x7b, // -5 (not reached)
      0x0b,
      0x41, 0xe8, 0x07, 0x6a, // + 1000
    ],
    // a loop with a result
    result: [
      0x03, I32, // loop (result i32)
      0x20, 0x02, 0x20, 0x01, 0x6a, 0x21, 0x02, // sum += i
      0x20, 0x01, 0x41, 0x01, 0x6a, 0x22, 0x01, // i += 1
      0x20, 0x00, 0x48, 0x0d, 0x00, // br_if loop (i < n)
      0x20, 0x02,
      0x0b,
    ],
    // a loop with a parameter (not split: checked in place)
    param: [
      0x20, 0x00, 0x41, 0x01, 0x6a, // n + 1
      0x03, I32_TO_I32, // loop (param i32) (result i32)
      0x20, 0x02, 0x41, 0x03, 0x6a, 0x21, 0x02, // sum += 3
      0x41, 0x01, 0x6b, 0x22, 0x01, 0x20, 0x01, 0x0d, 0x00, // n - 1, br_if loop while non-zero
      0x0b,
      0x20, 0x02, 0x6a,
    ],
    // a branch to the function's own label from inside a loop
    early: [
      0x03, 0x40,
      0x20, 0x01, 0x41, 0x01, 0x6a, 0x22, 0x01, // i += 1
      0x20, 0x00, 0x4e, 0x04, 0x40, 0x20, 0x01, 0x41, 0x02, 0x6c, 0x0c, 0x02, 0x0b, // if (i >= n) br to the function with i * 2
      0x0c, 0x00,
      0x0b,
      0x41, 0x7f,
    ],
  };
  const names = Object.keys(code) as Array<keyof typeof code>;
  const module = assemble({
    types: [funcType([I32], [I32]), funcType([I32], [I32])],
    functions: names.map(() => 0),
    exports: names.map((key, index) => ({ name: key, kind: 0x00, index })),
    code: names.map((key) => body(code[key], [[2, I32]])),
  });

  it('computes the same as the original, however often the check runs', () => {
    expect(WebAssembly.validate(module)).toBe(true);
    const plain = new WebAssembly.Instance(new WebAssembly.Module(module)).exports as Record<string, (n: number) => number>;
    for (const countdown of [1, 2, 3, 1000]) {
      const { bytes, stats } = instrumentWithStats(module, { initialCountdown: countdown });
      expect(stats.loops).toBe(6);
      let checks = 0;
      const exports = new WebAssembly.Instance(compile(bytes), { [INTERNAL_MODULE]: { [CHECK_IMPORT]: () => { checks++; return countdown; } } }).exports as Record<string, (n: number) => number>;
      for (const key of names) {
        for (const n of [0, 1, 5, 20, 100]) expect(exports[key]!(n), `${key}(${n}) with countdown ${countdown}`).toBe(plain[key]!(n));
      }
      if (countdown < 1000) expect(checks).toBeGreaterThan(100);
    }
  });
});

describe('instrument: instruction families', () => {
  const v128 = (bytes: number[]) => [0xfd, 0x0c, ...bytes];
  const lanes = Array.from({ length: 16 }, (_, i) => i);

  function single(code: number[], extra: Partial<Parameters<typeof assemble>[0]> = {}, result = [I32]): Uint8Array<ArrayBuffer> {
    return assemble({
      types: [funcType([], result)],
      functions: [0],
      exports: [{ name: 'f', kind: 0x00, index: 0 }],
      ...extra,
      code: [body(code)],
    });
  }

  /** Instruments `module`; where this engine knows the instructions, the output validates and computes the same. */
  function roundTrip(module: Uint8Array<ArrayBuffer>, imports: WebAssembly.Imports = {}): void {
    const out = instrument(module);
    expect(readSections(out).length).toBeGreaterThan(0);
    if (!WebAssembly.validate(module)) return; // a proposal this engine lacks: decoding is what we can check
    const before = (new WebAssembly.Instance(new WebAssembly.Module(module), imports).exports.f as () => unknown)();
    const after = (new WebAssembly.Instance(compile(out), { ...imports, [INTERNAL_MODULE]: hostImports().internal }).exports.f as () => unknown)();
    expect(after).toEqual(before);
  }

  it('SIMD: v128 constants, shuffles, lanes, lane loads', () => {
    roundTrip(single([
      ...v128(lanes), ...v128(lanes.map((i) => 100 + i)), 0xfd, 0x0d, ...lanes.map((i) => 31 - i), // shuffle
      0xfd, 0x15, 0x03, // i8x16.extract_lane_s 3
      0x41, 0x00, ...v128(lanes), 0xfd, 0x56, 0x02, 0x00, 0x01, 0xfd, 0x1b, 0x01, // v128.load32_lane, extract lane 1
      0x6a,
      0x41, 0x00, 0xfd, 0x00, 0x04, 0x00, 0xfd, 0x1b, 0x00, 0x6a, // v128.load, lane 0
      0x41, 0x00, 0xfd, 0x5c, 0x02, 0x00, 0xfd, 0xa0, 0x01, 0xfd, 0x1b, 0x00, 0x6a, // load32_zero, i32x4.abs (0xa0 = 160)
    ], { memories: [[0x00, 0x01]] }));
  });

  it('threads: atomics on a shared memory, fence, wait and notify', () => {
    roundTrip(single([
      0x41, 0x00, 0x41, 0x05, 0xfe, 0x1e, 0x02, 0x00, // i32.atomic.rmw.add
      0xfe, 0x03, 0x00, // atomic.fence
      0x41, 0x00, 0xfe, 0x10, 0x02, 0x00, 0x6a, // i32.atomic.load
      0x41, 0x00, 0x41, 0x00, 0xfe, 0x00, 0x02, 0x00, 0x6a, // memory.atomic.notify
    ], { memories: [[0x03, 0x01, 0x01]] }));
  });

  it('bulk memory and tables, reference types', () => {
    roundTrip(single([
      0x41, 0x00, 0x41, 0x00, 0x41, 0x02, 0xfc, 0x08, 0x00, 0x00, // memory.init 0
      0xfc, 0x09, 0x00, // data.drop
      0x41, 0x04, 0x41, 0x00, 0x41, 0x02, 0xfc, 0x0a, 0x00, 0x00, // memory.copy
      0x41, 0x00, 0x41, 0x00, 0x41, 0x01, 0xfc, 0x0c, 0x00, 0x00, // table.init 0 0
      0xfc, 0x0d, 0x00, // elem.drop
      0x41, 0x01, 0x41, 0x00, 0x41, 0x01, 0xfc, 0x0e, 0x00, 0x00, // table.copy
      0xd0, FUNCREF, 0x41, 0x01, 0xfc, 0x0f, 0x00, // table.grow
      0xfc, 0x10, 0x00, 0x6a, // table.size
      0x41, 0x00, 0xd0, FUNCREF, 0x41, 0x01, 0xfc, 0x11, 0x00, // table.fill
      0x41, 0x00, 0x25, 0x00, 0xd1, 0x6a, // table.get, ref.is_null
      0x41, 0x04, 0x2d, 0x00, 0x00, 0x6a, // load8_u
    ], {
      tables: [[FUNCREF, 0x00, 0x02]],
      memories: [[0x00, 0x01]],
      elements: [[0x01, 0x00, ...vec([[0x00]])]],
      dataCount: 1,
      data: [[0x01, ...vec([[7], [9]])]],
    }));
  });

  it('exception handling: legacy try/catch/delegate and try_table', () => {
    const tag = section(13, vec([[0x00, 0x01]])); // tag of type 1: (i32) -> ()
    const types = [funcType([], [I32]), funcType([I32], [])];
    const legacy = assemble({
      types, functions: [0], exports: [{ name: 'f', kind: 0x00, index: 0 }],
      trailer: [],
      code: [body([
        0x06, I32, // try (result i32)
        0x06, 0x40, 0x41, 0x07, 0x08, 0x00, 0x18, 0x00, // try; throw 0 (7); delegate 0
        0x41, 0x00, // (unreachable fallthrough value)
        0x07, 0x00, // catch 0: the i32
        0x19, 0x41, 0x01, // catch_all: 1
        0x0b,
      ])],
    });
    // the tag section sits between memory and global: splice it in after the function section
    const withTag = spliceAfter(legacy, 3, tag);
    roundTrip(withTag);
    const modern = spliceAfter(assemble({
      types, functions: [0], exports: [{ name: 'f', kind: 0x00, index: 0 }],
      code: [body([
        0x02, I32, // block (result i32)
        0x1f, 0x40, ...vec([[0x00, 0x00, 0x00]]), // try_table (catch 0 -> label 0)
        0x41, 0x07, 0x08, 0x00, // throw 0 (7)
        0x0b, 0x41, 0x00, 0x0b, // end try_table; 0; end block
      ])],
    }), 3, tag);
    roundTrip(modern);
    const throwRef = spliceAfter(assemble({
      types, functions: [0], exports: [{ name: 'f', kind: 0x00, index: 0 }],
      code: [body([0x02, 0x69, 0x1f, 0x40, ...vec([[0x03, 0x00]]), 0x0b, 0x41, 0x00, 0x0f, 0x0b, 0x0a])], // catch_all_ref, throw_ref
    }), 3, tag);
    expect(() => instrument(throwRef)).not.toThrow();
  });

  it('GC and typed function references, with recursion groups in the type section', () => {
    const module = assemble({
      types: [
        [0x4e, ...vec([[0x5f, ...vec([[I32, 0x01]])], [0x5e, 0x78, 0x01]])], // rec { struct (mut i32), array (mut i8) }
        [0x50, ...vec([]), ...funcType([], [I32])], // sub () -> i32
      ],
      functions: [2],
      exports: [{ name: 'f', kind: 0x00, index: 0 }],
      code: [body([
        0x41, 0x05, 0xfb, 0x00, 0x00, // struct.new 0
        0xfb, 0x02, 0x00, 0x00, // struct.get 0 0
        0x41, 0x03, 0xfb, 0x07, 0x01, 0xfb, 0x0f, 0x6a, // array.new_default 1, array.len
        0xd2, 0x00, 0x14, 0x02, 0x1a, // ref.func 0, call_ref 2 (… dropped)
      ])],
      elements: [[0x03, 0x00, ...vec([[0x00]])]],
    });
    const { bytes } = instrumentWithStats(module);
    // the appended check type is type 3 (two in the recursion group, one more)
    const imports = readImportTypes(bytes);
    expect(imports).toEqual([{ name: CHECK_IMPORT, type: 3 }]);
    roundTrip(module);
  });

  it('refuses opcodes it cannot decode, with the opcode and where', () => {
    expect(() => instrument(single([0x17]))).toThrow(UnsupportedInstructionError);
    const error = (() => { try { instrument(single([0x41, 0x00, 0xfd, 0xff, 0x03])); } catch (caught) { return caught; } })() as UnsupportedInstructionError;
    expect(error).toBeInstanceOf(UnsupportedInstructionError);
    expect(error.opcode).toBe('0xfd 0x1ff');
    expect(error.message).toMatch(/0xfd 0x1ff at byte \d+ \(function 0\)/);
    expect(error.code).toBe('UNSUPPORTED_INSTRUCTION');
  });

  it('refuses malformed modules and modules that import the internal module', () => {
    expect(() => instrument(new Uint8Array([1, 2, 3]))).toThrow(MalformedWasmError);
    const truncated = single([0x41, 0x00]).slice(0, -2);
    expect(() => instrument(truncated)).toThrow(MalformedWasmError);
    const sneaky = assemble({ types: [funcType([], [I32])], imports: [{ module: INTERNAL_MODULE, name: CHECK_IMPORT, desc: [0x00, 0x00] }] });
    expect(() => instrument(sneaky)).toThrow(ReservedImportError);
  });
});

/** Inserts `extra` (a whole section) after the section with id `afterId`. */
function spliceAfter(module: Uint8Array, afterId: number, extra: number[]): Uint8Array<ArrayBuffer> {
  const sections = readSections(module);
  const after = sections.find((item) => item.id === afterId)!;
  return new Uint8Array([...module.subarray(0, after.end), ...extra, ...module.subarray(after.end)]);
}

function readImportTypes(bytes: Uint8Array): Array<{ name: string; type: number }> {
  const section = readSections(bytes).find((item) => item.id === 2)!;
  const r = new Reader(bytes, section.start, section.end);
  const out: Array<{ name: string; type: number }> = [];
  for (let count = r.u32(); count > 0; count--) {
    r.name();
    const itemName = r.name();
    r.byte();
    out.push({ name: itemName, type: r.u32() });
  }
  return out;
}

function parseNames(payload: Uint8Array): { functions: Map<number, string>; locals: number[]; subsections: number[] } {
  const r = new Reader(payload);
  const functions = new Map<number, string>();
  const locals: number[] = [];
  const subsections: number[] = [];
  while (!r.done) {
    const id = r.byte();
    const end = r.u32() + r.pos;
    subsections.push(id);
    if (id === 1) for (let count = r.u32(); count > 0; count--) functions.set(r.u32(), r.name());
    if (id === 2) for (let count = r.u32(); count > 0; count--) { locals.push(r.u32()); for (let n = r.u32(); n > 0; n--) { r.u32(); r.name(); } }
    r.pos = end;
  }
  return { functions, locals, subsections };
}

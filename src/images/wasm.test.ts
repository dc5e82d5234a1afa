import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidWasmError, MissingImportsError } from './errors';
import { ImageStore } from './ImageStore';
import { NodeImageSource } from './NodeImageSource';
import { assertImports, checkImports, compileWasm, importNames, moduleKind, WASI_PREVIEW1_IMPORTS } from './wasm';

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

async function helloModule(): Promise<WebAssembly.Module> {
  const image = await new ImageStore(new NodeImageSource(resolve(__dirname, '../../build/images'))).get('hello');
  const entry = image.layers[0]!.entries.find((item) => item.path === '/bin/hello')!;
  // data is a view into the layer's SharedArrayBuffer: compileWasm copes.
  return compileWasm(entry.data!, '/bin/hello');
}

describe('compileWasm', () => {
  it('turns a CompileError into InvalidWasmError with the engine message', async () => {
    const error = await compileWasm(new Uint8Array([...HEADER, 0xff, 0x00]), '/bin/bad').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidWasmError);
    expect((error as InvalidWasmError).code).toBe('INVALID_WASM');
    expect((error as InvalidWasmError).detail.length).toBeGreaterThan(0);
    expect((error as Error).message).toMatch(/^\/bin\/bad is not a valid WebAssembly module: /);
    expect((error as Error).message).toContain((error as InvalidWasmError).detail);
  });

  it('rejects non-wasm files such as scripts', async () => {
    const error = await compileWasm(new TextEncoder().encode('#!/bin/sh\necho hi\n')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidWasmError);
  });

  it('compiles the built hello from shared memory', async () => {
    expect(await helloModule()).toBeInstanceOf(WebAssembly.Module);
  });
});

describe('imports and kind', () => {
  it('hello is a command needing only WASI preview1', async () => {
    const module = await helloModule();
    expect(moduleKind(module)).toBe('command');
    expect(importNames(module)).toContain('wasi_snapshot_preview1.fd_write');
    expect(checkImports(module, WASI_PREVIEW1_IMPORTS)).toEqual([]);
    expect(() => assertImports(module, WASI_PREVIEW1_IMPORTS)).not.toThrow();
  });

  it('lists what an incomplete host lacks', async () => {
    const module = await helloModule();
    const partial = new Set([...WASI_PREVIEW1_IMPORTS].filter((name) => !/fd_write|proc_exit/.test(name)));
    expect(checkImports(module, partial)).toEqual(['wasi_snapshot_preview1.fd_write', 'wasi_snapshot_preview1.proc_exit']);
    let error: unknown;
    try {
      assertImports(module, partial, '/bin/hello');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MissingImportsError);
    expect((error as MissingImportsError).code).toBe('MISSING_IMPORTS');
    expect((error as MissingImportsError).missing).toEqual(['wasi_snapshot_preview1.fd_write', 'wasi_snapshot_preview1.proc_exit']);
    expect((error as Error).message).toBe('/bin/hello needs imports this runtime does not provide: wasi_snapshot_preview1.fd_write, wasi_snapshot_preview1.proc_exit');
  });

  it('finds non-WASI imports and tells reactors from commands', async () => {
    // (module (import "env" "thing" (func)) (func (export "_initialize")))
    const bytes = new Uint8Array([
      ...HEADER,
      0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: () -> ()
      0x02, 0x0d, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x05, 0x74, 0x68, 0x69, 0x6e, 0x67, 0x00, 0x00, // import env.thing
      0x03, 0x02, 0x01, 0x00, // function section
      0x07, 0x0f, 0x01, 0x0b, ...new TextEncoder().encode('_initialize'), 0x00, 0x01, // export
      0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b, // code
    ]);
    const module = await compileWasm(bytes);
    expect(moduleKind(module)).toBe('reactor');
    expect(checkImports(module, WASI_PREVIEW1_IMPORTS)).toEqual(['env.thing']);
  });
});

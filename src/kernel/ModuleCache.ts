// Compiles each program once per runtime and shares the compiled
// WebAssembly.Module with every container that runs it: posting a Module
// to a worker is far cheaper than compiling in each (PLATFORM.md).

/** How a program is compiled for a container: its memory cap (64 KiB pages; see src/kernel/quotas.ts). */
export interface CompileOptions {
  readonly memoryPages?: number;
}

/**
 * Compiles and checks a program; `driver` names a language driver that runs
 * a WASI reactor (e.g. 'ruby'). Programs are instrumented (src/wasm) and
 * capped at `options.memoryPages`, so a module is cached per (program, cap).
 */
export type Compile = (bytes: Uint8Array, driver?: string, options?: CompileOptions) => Promise<WebAssembly.Module>;

export class ModuleCache {
  private readonly _modules = new Map<string, Promise<WebAssembly.Module>>();

  constructor(private readonly _compile: Compile) {}

  /** `key` identifies the bytes (an image id and a path, or a digest). Failures are not cached. */
  get(key: string, bytes: () => Uint8Array, driver?: string, options: CompileOptions = {}): Promise<WebAssembly.Module> {
    const cacheKey = options.memoryPages === undefined ? key : `${key}|memory=${options.memoryPages}`;
    let module = this._modules.get(cacheKey);
    if (!module) {
      module = this._compile(bytes(), driver, options);
      this._modules.set(cacheKey, module);
      module.catch(() => this._modules.delete(cacheKey));
    }
    return module;
  }

}

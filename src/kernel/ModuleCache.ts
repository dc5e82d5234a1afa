// Compiles each program once per runtime and shares the compiled
// WebAssembly.Module with every container that runs it: posting a Module
// to a worker is far cheaper than compiling in each (PLATFORM.md).

/** Compiles and checks a program; `driver` names a language driver that runs a WASI reactor (e.g. 'ruby'). */
export type Compile = (bytes: Uint8Array, driver?: string) => Promise<WebAssembly.Module>;

export class ModuleCache {
  private readonly _modules = new Map<string, Promise<WebAssembly.Module>>();

  constructor(private readonly _compile: Compile) {}

  /** `key` identifies the bytes (an image id and a path, or a digest). Failures are not cached. */
  get(key: string, bytes: () => Uint8Array, driver?: string): Promise<WebAssembly.Module> {
    let module = this._modules.get(key);
    if (!module) {
      module = this._compile(bytes(), driver);
      this._modules.set(key, module);
      module.catch(() => this._modules.delete(key));
    }
    return module;
  }

}

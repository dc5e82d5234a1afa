// The library entry point: `const rt = await Runtime.create()`. Wires the
// image store, the module cache, the worker pool and the supervisor in one
// readable place, the same way in the browser and in Node.

import { assertImports, compileWasm, ImageStore, HttpImageSource, moduleKind, InvalidWasmError, MissingImportsError, sha256Hex, type ImageSource } from '../images';
import type { ContainerRecord } from '../kernel/ContainerRecord';
import type { RunnableImage } from '../kernel/ImageCatalog';
import { InvalidOptionsError } from '../kernel/errors';
import { ModuleCache, type CompileOptions } from '../kernel/ModuleCache';
import { CHECK_IMPORT, GROW_IMPORT, INTERNAL_MODULE, MemoryLimitError, ReservedImportError } from '../wasm';
import { noteUninstrumented, prepareGuest, type PreparedGuest } from '../workers/guestModule';
import { Supervisor } from '../kernel/Supervisor';
import type { NetworkUpstream } from '../kernel/network/NetworkControl';
import type { WorkerFactory } from '../kernel/WorkerHandle';
import { WorkerPool } from '../kernel/WorkerPool';
import { WASI_PREVIEW1_FUNCTIONS, WASIX_MODULE, WASIX_SOCKET_FUNCTIONS } from '../wasi';
import { FLOTILLA_EXTENSION_FUNCTIONS, FLOTILLA_EXTENSION_MODULE } from '../workers/extensionNames';
import { ContainerHandle } from './ContainerHandle';
import { StoreCatalog } from './StoreCatalog';
import type { ContainerStats, ResourceLimits } from './types';
import type { Container, ContainerInfo, ContainerOptions, FlotillaRuntime, ImageInfo, NetworkApi, RuntimeEvent, Subscribe } from './types';

export interface RuntimeOptions {
  /** Where images come from. Default: `<page>/images/` in the browser, build/images in Node. */
  readonly images?: ImageSource;
  /** Shorthand for `images: new HttpImageSource(url)`: where built images are served. */
  readonly imageBaseUrl?: string | URL;
  /** Warm workers kept ready for new containers (default 4). */
  readonly poolSize?: number;
  /** How long a SIGKILL may take to reach a guest before its worker is terminated (ms, default 100). */
  readonly killGraceMs?: number;
  /** A running container whose worker shows no sign of life this long is ended as dead (ms, default 10 000; 0: never). */
  readonly stuckAfterMs?: number;
  /** CPUs the containers share fairly once more of them are busy than that (default: the machine's cores; 0: off). */
  readonly cpuBudget?: number;
  /** Bytes of output kept per container (default 1 MiB; same as limits.logCapacity). */
  readonly logCapacity?: number;
  /** Default resource limits of containers (each container's options override them); see ResourceLimits. */
  readonly limits?: ResourceLimits;
  /** Creates container workers. Default: Web Workers in the browser, worker_threads in Node. */
  readonly workers?: WorkerFactory;
}

const SUPPORTED_IMPORTS: ReadonlySet<string> = new Set([
  ...WASI_PREVIEW1_FUNCTIONS.map((name) => `wasi_snapshot_preview1.${name}`),
  ...FLOTILLA_EXTENSION_FUNCTIONS.map((name) => `${FLOTILLA_EXTENSION_MODULE}.${name}`),
  ...WASIX_SOCKET_FUNCTIONS.map((name) => `${WASIX_MODULE}.${name}`),
]);
/** An instrumented module also imports the runtime's checks; the program itself may not (prepareGuest refuses it). */
const SUPPORTED_WHEN_INSTRUMENTED: ReadonlySet<string> = new Set([...SUPPORTED_IMPORTS, `${INTERNAL_MODULE}.${CHECK_IMPORT}`, `${INTERNAL_MODULE}.${GROW_IMPORT}`]);

export class Runtime implements FlotillaRuntime {
  readonly onEvent: Subscribe<RuntimeEvent>;
  private readonly _handles = new Map<string, ContainerHandle>();

  private constructor(
    private readonly _supervisor: Supervisor,
    private readonly _catalog: StoreCatalog,
    private readonly _pool: WorkerPool,
  ) {
    this.onEvent = _supervisor.onEvent;
    _supervisor.onEvent((event) => { if (event.type === 'removed') this._handles.delete(event.id); });
  }

  static async create(options: RuntimeOptions = {}): Promise<Runtime> {
    const platform = await defaultPlatform(options);
    const catalog = new StoreCatalog(new ImageStore(platform.images));
    const pool = new WorkerPool(platform.workers, options.poolSize ?? 4);
    const modules = new ModuleCache(prepareModule);
    const supervisor = new Supervisor({ catalog, pool, modules, killGraceMs: options.killGraceMs, stuckAfterMs: options.stuckAfterMs, cpuBudget: options.cpuBudget, logCapacity: options.logCapacity, limits: options.limits });
    // Ready as soon as one worker is: the rest of the pool warms up while the first container starts.
    await pool.fill('first');
    return new Runtime(supervisor, catalog, pool);
  }

  /** Resolves when the whole worker pool has started (create() resolves after the first worker). */
  poolReady(): Promise<void> {
    return this._pool.fill('all');
  }

  /** Warm workers waiting for containers. */
  get idleWorkers(): number {
    return this._pool.idleCount;
  }

  async images(): Promise<ImageInfo[]> {
    return (await this._catalog.list()).map((image) => image.info);
  }

  /**
   * Makes an image of one WASI program (like `docker import`): the module
   * becomes /bin/<name> and its entrypoint. Rejects invalid wasm and
   * programs that import what the runtime does not provide.
   */
  async importProgram(name: string, wasm: Uint8Array): Promise<ImageInfo> {
    await prepareModule(wasm); // reject a bad program now, with the compiler's message
    const digest = `sha256:${await sha256Hex(wasm)}`;
    const path = `/bin/${name}`;
    const now = 0n;
    const image: RunnableImage = {
      info: { name, id: digest, entrypoint: [path], cmd: [], env: [], workdir: '/', exposedPorts: [], labels: {}, size: wasm.length, files: [path] },
      layers: [{
        digest,
        entries: [
          { path: '/bin', kind: 'directory', mode: 0o755, mtimeNs: now },
          { path, kind: 'file', mode: 0o755, mtimeNs: now, data: wasm },
          { path: '/tmp', kind: 'directory', mode: 0o1777, mtimeNs: now },
        ],
      }],
    };
    this._catalog.add(image);
    return image.info;
  }

  async create(image: string, options?: ContainerOptions): Promise<Container> {
    return this._handle(await this._supervisor.create(image, options));
  }

  async run(image: string, options?: ContainerOptions): Promise<Container> {
    return this._handle(await this._supervisor.create(image, options, true));
  }

  get(idOrName: string): Container {
    return this._handle(this._supervisor.get(idOrName));
  }

  stats(options?: { all?: boolean }): ContainerStats[] {
    const records = this._supervisor.list();
    return (options?.all ? records : records.filter((record) => record.state === 'running')).map((record) => this._supervisor.statsOf(record));
  }

  list(options?: { all?: boolean }): ContainerInfo[] {
    const all = this._supervisor.list().map((record) => this._supervisor.info(record));
    return options?.all ? all : all.filter((info) => info.state === 'running');
  }

  get networks(): NetworkApi {
    return this._supervisor.networks;
  }

  fetch(container: string, port: number, input?: string | Request, init?: RequestInit): Promise<Response> {
    return this._supervisor.fetch(container, port, input, init);
  }

  /**
   * For a fleet of hosts (src/hosts): where this runtime's network asks
   * about names and addresses of containers on other hosts.
   */
  joinFleetNetwork(upstream: NetworkUpstream): void {
    this._supervisor.network.upstream = upstream;
  }

  /** For a fleet: a container on another host connects to `container`:port over `relay` (ECONNREFUSED when nobody listens). */
  acceptRelay(container: string, port: number, from: { address: number; port: number }, relay: MessagePort): void {
    this._supervisor.network.acceptRelay(this._supervisor.get(container).id, port, from, relay);
  }

  dispose(): Promise<void> {
    return this._supervisor.dispose();
  }

  private _handle(record: ContainerRecord): ContainerHandle {
    let handle = this._handles.get(record.id);
    if (!handle) this._handles.set(record.id, handle = new ContainerHandle(this._supervisor, record));
    return handle;
  }
}

/**
 * Compiles a program and checks it can run here: a WASI command whose
 * imports we provide, or a reactor that a language driver runs (the driver
 * supplies the reactor's own extra imports).
 */
async function prepareModule(bytes: Uint8Array, driver?: string, options: CompileOptions = {}): Promise<WebAssembly.Module> {
  // Instrumented for kills and CPU quotas, capped at the container's memory
  // limit (src/wasm); a module the rewriter cannot decode runs uninstrumented.
  let prepared: PreparedGuest;
  try {
    prepared = prepareGuest(bytes, options.memoryPages);
  } catch (error) {
    if (error instanceof MemoryLimitError) throw new InvalidOptionsError('memory', error.message);
    if (error instanceof ReservedImportError) throw new MissingImportsError([error.importName], 'program');
    throw error;
  }
  const module = await compileWasm(prepared.bytes as Uint8Array<ArrayBuffer>, 'program'); // compileWasm copies shared views itself
  if (prepared.note) noteUninstrumented(module, prepared.note);
  if (driver !== undefined) {
    if (moduleKind(module) !== 'reactor') throw new InvalidWasmError(`the ${driver} driver runs WASI reactors, and this module exports _start`, 'program');
    return module;
  }
  assertImports(module, prepared.instrumented ? SUPPORTED_WHEN_INSTRUMENTED : SUPPORTED_IMPORTS, 'program');
  if (moduleKind(module) !== 'command') throw new InvalidWasmError('it exports no _start function (a WASI reactor, not a command)', 'program');
  return module;
}

async function defaultPlatform(options: RuntimeOptions): Promise<{ images: ImageSource; workers: WorkerFactory }> {
  const base = options.imageBaseUrl ?? globalThis.location?.href;
  if (options.imageBaseUrl !== undefined && !options.images) options = { ...options, images: new HttpImageSource(new URL(options.imageBaseUrl, base)) };
  if (isNode()) {
    // Kept out of browser bundles: these modules import node:* built-ins.
    const nodePlatform = await import('./nodePlatform');
    return {
      images: options.images ?? nodePlatform.defaultImageSource(),
      workers: options.workers ?? nodePlatform.defaultWorkerFactory(),
    };
  }
  const { BrowserWorkerFactory } = await import('../kernel/BrowserWorkerFactory');
  return {
    images: options.images ?? new HttpImageSource(new URL('images/', base ?? 'http://localhost/')),
    workers: options.workers ?? new BrowserWorkerFactory(),
  };
}

function isNode(): boolean {
  // Read through globalThis: this module is page code, typed without Node's globals.
  const host = globalThis as { process?: { versions?: { node?: string } }; window?: unknown };
  return typeof host.process?.versions?.node === 'string' && host.window === undefined;
}

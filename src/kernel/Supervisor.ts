// The kernel: owns every container, its worker and its lifecycle
// (created → running → exited, or dead when its worker is lost). It never
// throws because of what a guest did: guest failures become ExitStatus.

import { expose, transfer } from 'comlink';
import type { ContainerInfo, ContainerOptions, ExecOptions, ExitStatus, LogChunk, NetworkApi, NetworkAttachment, NetworkInfo, RuntimeEvent, TreeEntry } from '../api/types';
import { formatIpv4 } from '../net/address';
import { fetchOverStream } from './network/hostFetch';
import { NetworkControl } from './network/NetworkControl';
import { DEFAULT_NETWORK, NetworkRegistry, type Network } from './network/NetworkRegistry';
import type { ContainerStats, ResourceLimits } from '../api/types';
import { ControlBlock } from '../workers/ControlBlock';
import { usesProcessExtensions } from '../workers/extensionNames';
import { FileMailboxClient } from '../workers/FileMailbox';
import { isWorkerMessage, PROTOCOL_VERSION, type ContainerWorkerApi, type InitProgram, type KernelServices, type WorkerMessage } from '../workers/protocol';
import { parseSignal, SIGNALS } from '../workers/signals';
import { ContainerFiles } from './ContainerFiles';
import { ContainerRecord, type ContainerConfig } from './ContainerRecord';
import { Emitter } from './Emitter';
import { Watchdog } from './Watchdog';
import { ContainerFileError, ContainerNotFoundError, EntrypointNotExecutableError, EntrypointNotFoundError, InvalidOptionsError, InvalidStateError, NameInUseError, RuntimeDisposedError } from './errors';
import { toExitStatus } from './exitStatus';
import type { ImageCatalog, RunnableImage } from './ImageCatalog';
import { LineSplitter } from './LineSplitter';
import type { ModuleCache } from './ModuleCache';
import { randomId, randomName, VALID_NAME } from './names';
import { resolveConfig, resolveEntrypoint } from './containerConfig';
import { DEFAULT_LIMITS, fsLimitsOf, processLimitsOf, resolveLimits, type ResolvedLimits } from './limits';
import { ExecRecord } from './ExecSession';
import { DEFAULT_QUOTAS, explainExit, quotaWords, resolveQuotas, type ResolvedQuotas } from './quotas';
import { uninstrumentedNote } from '../workers/guestModule';
import { StdinPump } from './StdinPump';
import { TerminalDevice } from './TerminalDevice';
import type { WorkerPool } from './WorkerPool';

export interface SupervisorOptions {
  readonly catalog: ImageCatalog;
  readonly pool: WorkerPool;
  readonly modules: ModuleCache;
  /** How long a SIGKILL may take to reach the guest's next syscall before its worker is terminated. */
  readonly killGraceMs?: number;
  /** A running container without a sign of life this long is ended as dead (ms; default 10 000; 0: never). */
  readonly stuckAfterMs?: number;
  /**
   * CPUs the containers may use together when more of them are busy than
   * that (default: the machine's cores): each busy one then gets an equal
   * share (0: no fair sharing). Keeps the page responsive under load.
   */
  readonly cpuBudget?: number;
  /** Default bytes of output kept per container (limits.logCapacity wins). */
  readonly logCapacity?: number;
  /** Default resource limits of containers (src/kernel/limits.ts), over the built-in ones. */
  readonly limits?: ResourceLimits;
}

const DEFAULT_STUCK_AFTER_MS = 10_000;
const FAIR_SHARE_TICK_MS = 250;

/** The machine's cores (the page's or Node's), the default CPU budget of the containers together. */
function defaultCpuBudget(): number {
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof cores === 'number' && cores > 0 ? cores : 2;
}

export class Supervisor {
  private readonly _containers = new Map<string, ContainerRecord>();
  /** Names claimed by creations still in progress (they await images and modules). */
  private readonly _pendingNames = new Set<string>();
  private readonly _onEvent = new Emitter<RuntimeEvent>();
  readonly onEvent = this._onEvent.event;
  private _disposed = false;
  /** The networks' control plane (this host's). */
  readonly network = new NetworkControl(new NetworkRegistry());

  private readonly _limitDefaults: ResolvedLimits;
  private readonly _quotaDefaults: ResolvedQuotas;

  private readonly _watchdog: Watchdog | undefined;
  private readonly _watchdogTimer: ReturnType<typeof setInterval> | undefined;
  private readonly _shareTimer: ReturnType<typeof setInterval> | undefined;
  /** CPU time each running container had used at the last fair-share tick. */
  private readonly _cpuSeen = new WeakMap<ContainerRecord, number>();

  constructor(private readonly _options: SupervisorOptions) {
    const stuckAfterMs = _options.stuckAfterMs ?? DEFAULT_STUCK_AFTER_MS;
    if (stuckAfterMs > 0) {
      this._watchdog = new Watchdog({ stuckAfterMs });
      this._watchdogTimer = setInterval(() => this._watch(), Math.min(1000, Math.max(50, stuckAfterMs / 4)));
      (this._watchdogTimer as { unref?: () => void }).unref?.(); // never keeps a Node process alive
    }
    const budget = _options.cpuBudget ?? defaultCpuBudget();
    if (budget > 0) {
      this._shareTimer = setInterval(() => this._shareCpu(budget), FAIR_SHARE_TICK_MS);
      (this._shareTimer as { unref?: () => void }).unref?.();
    }
    const limits = _options.limits ?? {};
    this._limitDefaults = resolveLimits({ ...limits, logCapacity: limits.logCapacity ?? _options.logCapacity }, DEFAULT_LIMITS, 0, 'limits.');
    this._quotaDefaults = resolveQuotas(limits, DEFAULT_QUOTAS, 'limits.');
  }

  /**
   * Creates a container; with `start`, also starts it, posting the run right
   * behind the set-up message instead of waiting for its answer (one
   * round trip to the worker less: run()'s path).
   */
  async create(imageRef: string, options: ContainerOptions = {}, start = false): Promise<ContainerRecord> {
    this._checkAlive();
    const name = this._claimName(options.name);
    this._pendingNames.add(name);
    try {
      return await this._create(name, imageRef, options, start);
    } finally {
      this._pendingNames.delete(name);
    }
  }

  private async _create(name: string, imageRef: string, options: ContainerOptions, start: boolean): Promise<ContainerRecord> {
    const image = await this._options.catalog.get(imageRef);
    const id = randomId();
    const config = resolveConfig(image, options, hostnameOf(id), this._limitDefaults);
    const quotas = resolveQuotas(options, this._quotaDefaults);
    const program = await this._program(image, config.command[0]!, quotas.memoryPages);
    const directories = checkDirectories(options.directories);
    const networks = this._networksFor(options.networks);
    const listen = checkListenPorts(options.listen);
    this._checkAlive();

    // Join the networks first: a bad address is the caller's error and must leave nothing behind.
    const net = this.network.attach({ id, name, hostname: hostnameOf(id) });
    try {
      for (const { network, aliases, ipAddress } of networks) this.network.registry.connect(network, { id, name, hostname: hostnameOf(id) }, aliases, ipAddress);
    } catch (error) {
      this.network.detach(id);
      throw error;
    }
    const worker = this._options.pool.acquire();
    const api = worker.api;
    const control = new ControlBlock();
    control.setQuotas(quotaWords(quotas));
    const mailbox = new FileMailboxClient(() => control.wake());
    const stdin = new StdinPump(control);
    const record = new ContainerRecord(id, name, image, config, program, worker, api, control, stdin, new ContainerFiles(mailbox));
    record.listen = listen;
    record.quotas = quotas;
    if (config.tty) record.tty = new TerminalDevice(control, stdin, api);
    const services = new MessageChannel();
    expose(this._servicesFor(quotas.memoryPages), services.port1);
    this._containers.set(record.id, record);
    worker.handle.onMessage((data) => { if (isWorkerMessage(data)) this._onWorkerMessage(record, data); });
    worker.handle.onCrash((reason) => this._onWorkerLost(record, `the container's worker crashed: ${reason}`));
    try {
      await worker.ready;
      // The services port is transferred; comlink only looks at top-level arguments for transfers.
      const attached = api.attach(transfer({
        version: PROTOCOL_VERSION,
        containerId: record.id,
        control: control.buffer,
        mailbox: mailbox.buffer,
        layers: image.layers,
        files: encodeFiles(options.files),
        directories,
        limits: fsLimitsOf(config.limits),
        processLimits: processLimitsOf(config.limits),
        gauges: record.usage.gauges.buffer,
        tty: config.tty,
        hostname: hostnameOf(record.id),
        services: services.port2,
        net,
      }, [services.port2, net.port]));
      if (start) {
        // Messages to a worker keep their order: the run follows the set-up.
        this._onEvent.fire({ type: 'created', id: record.id, name: record.name });
        await this.start(record.id);
      }
      await attached;
    } catch (error) {
      record.runId++; // a run already posted ends with the worker: report nothing for it
      this._containers.delete(record.id);
      this.network.detach(record.id);
      void worker.handle.terminate();
      if (start) this._onEvent.fire({ type: 'removed', id: record.id });
      throw new ContainerFileError('/', `cannot prepare the container's file system: ${messageOf(error)}`);
    }
    if (!start) this._onEvent.fire({ type: 'created', id: record.id, name: record.name });
    return record;
  }

  async start(idOrName: string): Promise<void> {
    const record = this.get(idOrName);
    if (record.state === 'running') throw new InvalidStateError(record.id, record.state, 'start');
    if (record.state === 'dead') throw new InvalidStateError(record.id, `dead (${record.workerLost})`, 'start');
    const runId = ++record.runId;
    record.stdin.reset();
    if (record.config.initialStdin) record.stdin.write(record.config.initialStdin);
    if (!record.config.openStdin) record.stdin.close();
    record.state = 'running';
    record.startedAt = Date.now();
    record.exit = undefined;
    record.usage.reset();
    record.control.resetQuotaUsage();
    record.killRequested = false;
    this._onEvent.fire({ type: 'started', id: record.id });
    record.api.run({
      runId,
      program: record.program,
      args: record.config.command,
      env: record.config.env,
      preopens: record.config.preopens,
      cwd: record.config.workdir,
      listen: record.listen,
    }).catch((error: unknown) => {
      // The worker refused the run (e.g. its runtime failed); its exit message never comes.
      if (record.runId === runId && record.state === 'running') this._finish(record, { kind: 'error', message: messageOf(error) });
    });
  }

  wait(idOrName: string): Promise<ExitStatus> {
    return this.get(idOrName).nextExit();
  }

  /** SIGTERM, then SIGKILL when the program has not ended after `timeoutMs`. */
  async stop(idOrName: string, timeoutMs = 10_000): Promise<ExitStatus> {
    const record = this.get(idOrName);
    if (record.state !== 'running') {
      if (record.exit) return record.exit;
      throw new InvalidStateError(record.id, record.state, 'stop');
    }
    record.stopping ??= (async () => {
      const exit = record.nextExit();
      record.control.raise(SIGNALS.SIGTERM!);
      this.network.wake(record.id);
      const status = await Promise.race([exit, delay(timeoutMs).then(() => undefined)]);
      return status ?? this._killNow(record);
    })().finally(() => { record.stopping = undefined; });
    return record.stopping;
  }

  async kill(idOrName: string, signal: string | number = 'SIGKILL'): Promise<void> {
    const record = this.get(idOrName);
    const number = parseSignal(signal);
    if (number === undefined) throw new InvalidOptionsError('signal', `unknown signal ${JSON.stringify(signal)}`);
    if (record.state !== 'running') throw new InvalidStateError(record.id, record.state, 'kill');
    if (number === SIGNALS.SIGKILL) await this._killNow(record);
    else {
      record.control.raise(number);
      this.network.wake(record.id);
    }
  }

  async restart(idOrName: string, timeoutMs?: number): Promise<void> {
    const record = this.get(idOrName);
    if (record.state === 'running') await this.stop(record.id, timeoutMs);
    record.restartCount++;
    await this.start(record.id);
  }

  async remove(idOrName: string, force = false): Promise<void> {
    const record = this.get(idOrName);
    if (record.state === 'running') {
      if (!force) throw new InvalidStateError(record.id, 'running (stop it first or force the removal)', 'remove');
      await this._killNow(record);
    }
    this._containers.delete(record.id);
    this.network.detach(record.id);
    record.onLog.clear();
    await record.worker.handle.terminate();
    this._onEvent.fire({ type: 'removed', id: record.id });
  }

  /** By full id, unique id prefix or name. */
  get(idOrName: string): ContainerRecord {
    const exact = this._containers.get(idOrName) ?? this._findByName(idOrName);
    if (exact) return exact;
    const matches = idOrName.length >= 1 ? [...this._containers.values()].filter((record) => record.id.startsWith(idOrName)) : [];
    if (matches.length === 1) return matches[0]!;
    throw new ContainerNotFoundError(idOrName);
  }

  list(): ContainerRecord[] {
    return [...this._containers.values()];
  }

  /**
   * What a container uses now and its limits (docker stats): shared-memory
   * words its processes and its worker publish, summed here; no round trip.
   */
  stats(idOrName: string): ContainerStats {
    return this.statsOf(this.get(idOrName));
  }

  statsOf(record: ContainerRecord): ContainerStats {
    const now = Date.now();
    const usage = record.usage.sample(now);
    const { limits } = record.config;
    return {
      id: record.id,
      name: record.name,
      state: record.state,
      time: now,
      cpu: { timeMs: usage.cpuMs, throttledMs: record.control.quotaUsage().throttledMs, limitMs: record.quotas.cpuTimeMs, cpus: record.quotas.cpus },
      memory: { bytes: usage.memoryBytes, peakBytes: usage.peakBytes, limitBytes: record.quotas.memoryBytes },
      disk: { bytes: usage.diskBytes, inodes: usage.diskInodes, limitBytes: limits.disk.bytes, limitInodes: limits.disk.inodes },
      pids: { current: usage.processes, limit: limits.pids },
      fds: { open: usage.openFiles, limitPerProcess: limits.fds },
      logs: { bytes: record.logs.bytes, droppedBytes: record.logs.droppedBytes, capacity: record.logs.capacity },
      network: this.network.stats(record.id),
    };
  }

  /** Runs a program in a running container on a session of its own (docker exec). */
  async exec(idOrName: string, command: readonly string[], options: ExecOptions = {}): Promise<ExecRecord> {
    const record = this.get(idOrName);
    if (record.state !== 'running') throw new InvalidStateError(record.id, record.state, 'exec in');
    // Only the container kernel can start more processes; a lone WASI program owns its worker's thread.
    if (record.program.kind === 'wasm' && !usesProcessExtensions(record.program.module)) {
      throw new InvalidStateError(record.id, 'running a single program on its own thread (exec needs a shell or a program that starts processes)', 'exec in');
    }
    if (!Array.isArray(command) || command.length === 0 || command.some((arg) => typeof arg !== 'string')) {
      throw new InvalidOptionsError('command', 'must be a non-empty array of strings');
    }
    const tty = options.tty ?? false;
    const config = resolveConfig(record.image, { env: options.env, workdir: options.workdir ?? record.config.workdir, args: command, entrypoint: [] }, hostnameOf(record.id));
    const session = new ExecRecord(record.nextExec++, record.api, tty);
    record.execs.set(session.id, session);
    session.prepareStdin(typeof options.stdin === 'string' ? new TextEncoder().encode(options.stdin) : options.stdin, options.openStdin ?? tty);
    const status = record.api.exec({
      terminal: session.id,
      argv: [...command],
      env: mergeEnvEntries(record.config.env, config.env),
      cwd: config.workdir,
      tty,
      control: session.control.buffer,
    }).finally(() => record.execs.delete(session.id));
    session.started(status);
    status.catch(() => {});
    return session;
  }

  /** The container's facts, with its addresses on each network it is on. */
  info(record: ContainerRecord): ContainerInfo {
    const networks: Record<string, { ipAddress: string; aliases: readonly string[] }> = {};
    for (const network of this.network.registry.networksOf(record.id)) {
      const endpoint = network.endpoints.get(record.id)!;
      networks[network.name] = { ipAddress: network.driver === 'null' ? '' : formatIpv4(endpoint.address), aliases: endpoint.aliases };
    }
    return record.info(networks);
  }

  /** Docker's network commands over the registry. */
  readonly networks: NetworkApi = {
    create: (name, options) => this.network.registry.create(name, options).info(),
    list: () => this.network.registry.list().map((network) => network.info()),
    inspect: (nameOrId) => this.network.registry.get(nameOrId).info(),
    remove: (nameOrId) => this.network.registry.remove(nameOrId),
    connect: (networkName, container, options) => {
      const network = this.network.registry.get(networkName);
      const record = this.get(container);
      this.network.registry.connect(network, { id: record.id, name: record.name, hostname: hostnameOf(record.id) }, options?.aliases ?? []);
    },
    disconnect: (networkName, container) => this.network.registry.disconnect(this.network.registry.get(networkName), this.get(container).id),
  };

  /** An HTTP request from the page to a port the container listens on (rt.fetch). */
  async fetch(idOrName: string, port: number, input: string | Request = '/', init?: RequestInit): Promise<Response> {
    const record = this.get(idOrName);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidOptionsError('port', `${JSON.stringify(port)} is not a TCP port`);
    const url = typeof input === 'string' ? new URL(input, `http://${record.name}:${port}/`) : new URL(input.url);
    const request = new Request(typeof input === 'string' ? url : input, init);
    const end = this.network.connectFromHost(record.id, port);
    try {
      return await fetchOverStream(this.network.arena, end, request, `${record.name}:${port}`);
    } finally {
      this.network.releaseHostEnd(end);
    }
  }

  async readFile(idOrName: string, path: string): Promise<Uint8Array> {
    return this._fileOperation(idOrName, path, (files) => files.readFile(path));
  }

  async writeFile(idOrName: string, path: string, data: Uint8Array): Promise<void> {
    return this._fileOperation(idOrName, path, (files) => files.writeFile(path, data));
  }

  async listDir(idOrName: string, path: string): Promise<string[]> {
    return this._fileOperation(idOrName, path, (files) => files.listDir(path));
  }

  async readTree(idOrName: string, path: string): Promise<TreeEntry[]> {
    return this._fileOperation(idOrName, path, (files) => files.readTree(path));
  }

  async dispose(): Promise<void> {
    if (this._disposed) return;
    this._disposed = true;
    clearInterval(this._watchdogTimer);
    clearInterval(this._shareTimer);
    await Promise.all(this.list().map((record) => this.remove(record.id, true).catch(() => {})));
    await this._options.pool.dispose();
    this._onEvent.clear();
  }

  private async _fileOperation<T>(idOrName: string, path: string, operation: (files: ContainerFiles) => Promise<T>): Promise<T> {
    const record = this.get(idOrName);
    if (record.workerLost) throw new ContainerFileError(path, `the container's file system is gone: ${record.workerLost}`);
    try {
      return await operation(record.files);
    } catch (error) {
      throw new ContainerFileError(path, messageOf(error));
    }
  }

  /** Delivers SIGKILL; a guest that does not reach a syscall in time loses its worker. */
  private async _killNow(record: ContainerRecord): Promise<ExitStatus> {
    if (record.state !== 'running') return record.nextExit();
    const exit = record.nextExit();
    record.killRequested = true;
    record.control.raise(SIGNALS.SIGKILL!);
    this.network.wake(record.id);
    const status = await Promise.race([exit, delay(this._options.killGraceMs ?? 100).then(() => undefined)]);
    if (status) return status;
    const runId = record.runId;
    void record.worker.handle.terminate();
    if (record.runId === runId && record.state === 'running') {
      const note = record.program.kind === 'wasm' ? uninstrumentedNote(record.program.module) : undefined;
      record.workerLost = `its worker was terminated because the program did not stop at SIGKILL (no syscall${note ? `; ${note}` : ''}); the writable layer is lost`;
      this._finish(record, { kind: 'signal', signal: SIGNALS.SIGKILL! }, 'dead');
    }
    return exit;
  }

  private _onWorkerMessage(record: ContainerRecord, message: WorkerMessage): void {
    // Whatever run it is from, output taken gives its writers room again (flow control, outputFlow.ts).
    if (message.type === 'output') (message.terminal ? record.execs.get(message.terminal)?.control : record.control)?.releaseOutput(message.data.length);
    if (message.runId !== record.runId || record.state !== 'running') return;
    switch (message.type) {
      case 'output': {
        if (message.terminal) {
          // An exec session's output is its own, not the container's log (as docker exec).
          record.execs.get(message.terminal)?.emit(message.fd, message.data);
          break;
        }
        const chunk: LogChunk = { stream: message.fd === 1 ? 'stdout' : 'stderr', data: message.data, time: Date.now() };
        record.logs.append(chunk);
        record.onLog.fire(chunk);
        (record.tty as TerminalDevice | undefined)?.emit(message.data);
        this._emitLines(record, chunk);
        break;
      }
      case 'stdin-space':
        record.stdin.pump();
        break;
      case 'process':
        record.usage.started(message.pid, message.startedAt, message.control);
        break;
      case 'process-exit':
        record.usage.ended(message.pid, message.endedAt);
        break;
      case 'exit':
        this._finish(record, message.exit);
        break;
    }
  }

  /**
   * Fair share: when more containers are busy (used CPU since the last
   * tick) than `budget` CPUs, each busy one is held to budget / busy of a
   * CPU by its own governor (on top of its own cpus, the smaller wins), so
   * dozens of spinning guests leave the page its share of the machine.
   */
  private _shareCpu(budget: number): void {
    const running = this.list().filter((record) => record.state === 'running');
    if (running.length === 0) return;
    const busy = running.filter((record) => {
      const used = record.control.quotaUsage().cpuMs;
      const before = this._cpuSeen.get(record) ?? 0;
      this._cpuSeen.set(record, used);
      return used > before;
    });
    const share = busy.length > budget ? Math.max(1, Math.floor((budget * 1000) / busy.length)) : 0;
    for (const record of running) record.control.setFairShare(busy.includes(record) ? share : 0);
  }

  /** Ends running containers whose worker shows no sign of life (see Watchdog). */
  private _watch(): void {
    const running = this.list().filter((record) => record.state === 'running');
    if (running.length === 0) return;
    const watched = running.map((record) => ({
      id: record.id,
      record,
      beats: () => record.control.beats,
      sleeping: () => record.control.usage().sleeping,
      watchable: record.program.kind === 'shell' || uninstrumentedNote(record.program.module) === undefined,
    }));
    for (const stuck of this._watchdog!.check(watched)) {
      const { record } = stuck as (typeof watched)[number];
      const seconds = ((this._options.stuckAfterMs ?? DEFAULT_STUCK_AFTER_MS) / 1000).toString();
      void record.worker.handle.terminate();
      this._onWorkerLost(record, `its worker stopped answering (no sign of life for ${seconds} s) and was terminated; the writable layer is lost`);
    }
  }

  private _onWorkerLost(record: ContainerRecord, reason: string): void {
    if (record.workerLost || !this._containers.has(record.id)) return;
    record.workerLost = reason;
    if (record.state === 'running') this._finish(record, { kind: 'error', message: reason }, 'dead');
    else record.state = 'dead';
  }

  private _finish(record: ContainerRecord, exit: Parameters<typeof toExitStatus>[0], state: 'exited' | 'dead' = 'exited'): void {
    this._flushLines(record);
    this.network.release(record.id); // its connections reset, its listeners gone
    const status = explainExit(toExitStatus(exit, record.startedAt ?? Date.now(), Date.now()), record.control.quotaUsage(), record.quotas, record.killRequested);
    record.usage.endAll(status.finishedAt);
    record.finishRun(status, state);
    this._onEvent.fire({ type: 'exited', id: record.id, status });
  }

  private readonly _splitters = new WeakMap<ContainerRecord, Record<'stdout' | 'stderr', LineSplitter>>();

  private _emitLines(record: ContainerRecord, chunk: LogChunk): void {
    let splitters = this._splitters.get(record);
    if (!splitters) this._splitters.set(record, splitters = { stdout: new LineSplitter(), stderr: new LineSplitter() });
    for (const line of splitters[chunk.stream].push(chunk.data)) this._onEvent.fire({ type: 'log', id: record.id, stream: chunk.stream, line });
  }

  private _flushLines(record: ContainerRecord): void {
    const splitters = this._splitters.get(record);
    if (!splitters) return;
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = splitters[stream].flush();
      if (rest !== undefined) this._onEvent.fire({ type: 'log', id: record.id, stream, line: rest });
    }
  }

  /** Services a container worker may ask for (through a MessagePort each); programs come capped at its memory limit. */
  private _servicesFor(memoryPages: number): KernelServices {
    return {
      loadImageProgram: async (reference) => {
        const image = await this._options.catalog.get(reference);
        const program = await this._program(image, image.info.entrypoint[0] ?? image.info.cmd[0] ?? '', memoryPages);
        if (program.kind !== 'wasm') throw new Error(`image ${image.info.name} does not hold a WASI program`);
        return { module: program.module, driver: program.driver };
      },
      compileProgram: (sha256, bytes) => this._options.modules.get(`sha256:${sha256}`, () => bytes, undefined, { memoryPages }),
    };
  }

  /**
   * What the container's main process is: a WASI module (compiled once per
   * runtime and memory limit, instrumented) or the built-in shell.
   */
  private async _program(image: RunnableImage, command: string, memoryPages: number): Promise<InitProgram> {
    const entry = resolveEntrypoint(image, command);
    if (!entry) throw new EntrypointNotFoundError(command, image.info.name);
    const data = entry.data;
    if (data[0] === 0x00 && data[1] === 0x61 && data[2] === 0x73 && data[3] === 0x6d) {
      const driver = image.info.labels['io.flotilla.driver'];
      if (driver !== undefined && driver !== 'ruby') throw new InvalidOptionsError('image', `image ${image.info.name} asks for the unknown driver "${driver}" (label io.flotilla.driver)`);
      const module = await this._options.modules.get(`${image.info.id}:${entry.path}`, () => data.slice(), driver, { memoryPages });
      return driver === 'ruby' ? { kind: 'wasm', module, driver } : { kind: 'wasm', module };
    }
    const firstLine = new TextDecoder().decode(data.slice(0, 256)).split('\n')[0]!.trimEnd();
    if (firstLine === '#!flotilla:sh') return { kind: 'shell' };
    if (firstLine.startsWith('#!flotilla:program ')) return { kind: 'wasm', ...(await this._servicesFor(memoryPages).loadImageProgram(firstLine.slice(19).trim())) };
    throw new EntrypointNotExecutableError(entry.path, image.info.name);
  }

  private _networksFor(networks: ContainerOptions['networks']): Array<{ network: Network; aliases: readonly string[]; ipAddress?: string }> {
    const attachments = parseAttachments(networks);
    const resolved = attachments.map((attachment) => ({ network: this.network.registry.get(attachment.network), aliases: attachment.aliases ?? [], ipAddress: attachment.ipAddress }));
    if (new Set(resolved.map((entry) => entry.network)).size !== resolved.length) throw new InvalidOptionsError('networks', 'a network is listed twice');
    if (resolved.length > 1 && resolved.some((entry) => entry.network.driver === 'null')) throw new InvalidOptionsError('networks', '`none` cannot be combined with other networks');
    return resolved;
  }

  private _claimName(requested: string | undefined): string {
    if (requested === undefined) return randomName((name) => this._pendingNames.has(name) || this._findByName(name) !== undefined);
    if (!VALID_NAME.test(requested)) throw new InvalidOptionsError('name', `"${requested}" must match ${VALID_NAME.source}`);
    const holder = this._findByName(requested);
    if (holder) throw new NameInUseError(requested, holder.id);
    if (this._pendingNames.has(requested)) throw new NameInUseError(requested, '(being created)');
    return requested;
  }

  private _findByName(name: string): ContainerRecord | undefined {
    const bare = name.startsWith('/') ? name.slice(1) : name;
    for (const record of this._containers.values()) if (record.name === bare) return record;
    return undefined;
  }

  private _checkAlive(): void {
    if (this._disposed) throw new RuntimeDisposedError();
  }
}

export type { RunnableImage, ContainerConfig };

function encodeFiles(files: ContainerOptions['files']): Array<{ path: string; data: Uint8Array }> {
  if (!files) return [];
  return Object.entries(files).map(([path, data]) => ({ path, data: typeof data === 'string' ? new TextEncoder().encode(data) : data }));
}

/** Docker's default hostname: the first 12 hex digits of the container id. */
function hostnameOf(id: string): string {
  return id.slice(0, 12);
}

/** The container's environment with an exec's on top (later entries win). */
function mergeEnvEntries(base: readonly string[], extra: readonly string[]): string[] {
  const env = new Map<string, string>();
  for (const entry of [...base, ...extra]) env.set(entry.slice(0, entry.indexOf('=')), entry);
  return [...env.values()];
}

/** The networks a new container joins: `bridge` unless told otherwise. Unknown names throw before anything is created. */
function parseAttachments(networks: ContainerOptions['networks']): NetworkAttachment[] {
  if (networks === undefined) return [{ network: DEFAULT_NETWORK }];
  if (!Array.isArray(networks)) throw new InvalidOptionsError('networks', 'must be an array of network names or { network, aliases }');
  return networks.map((entry: unknown) => {
    if (typeof entry === 'string') return { network: entry };
    if (typeof entry === 'object' && entry !== null && typeof (entry as NetworkAttachment).network === 'string') {
      const aliases = (entry as NetworkAttachment).aliases;
      if (aliases !== undefined && (!Array.isArray(aliases) || aliases.some((alias) => typeof alias !== 'string'))) throw new InvalidOptionsError('networks', 'aliases must be an array of names');
      return entry as NetworkAttachment;
    }
    throw new InvalidOptionsError('networks', `${JSON.stringify(entry)} is neither a network name nor { network, aliases }`);
  });
}

function checkListenPorts(ports: ContainerOptions['listen']): number[] {
  if (ports === undefined) return [];
  if (!Array.isArray(ports)) throw new InvalidOptionsError('listen', 'must be an array of TCP ports');
  for (const port of ports) if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidOptionsError('listen', `${JSON.stringify(port)} is not a TCP port`);
  if (new Set(ports).size !== ports.length) throw new InvalidOptionsError('listen', 'a port is listed twice');
  return [...ports];
}

function checkDirectories(directories: readonly unknown[] | undefined): string[] {
  if (directories === undefined) return [];
  if (!Array.isArray(directories)) throw new InvalidOptionsError('directories', 'must be an array of absolute paths');
  return directories.map((path) => {
    if (typeof path !== 'string' || !path.startsWith('/')) throw new InvalidOptionsError('directories', `${JSON.stringify(path)} is not an absolute path`);
    return path;
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// The inside of one container: its file system and its processes. Lives in
// the container's dedicated worker; the supervisor drives it through
// ContainerWorkerApi (comlink) and the shared ControlBlock.
//
// A container whose main program is a WASI command runs it right here, on
// this worker's thread (the fast path: no other worker is involved). A
// container whose main program is the built-in shell runs the shell on
// this worker's event loop and every program it starts in a process worker
// of its own, served the file system through RemoteFs.

import { transfer, wrap, type Remote } from 'comlink';
import { ContainerFs } from '../fs/ContainerFs';
import { ImageLayer } from '../fs/ImageLayer';
import type { FsDirectory } from '../fs/types';
import { WasiProcess } from '../wasi';
import { ProcessKilled } from '../wasi/errors';
import { ControlBlock } from './ControlBlock';
import { classifyFailure } from './exitClassifier';
import { FileMailboxServer } from './FileMailbox';
import { fileService } from './fileService';
import { warmUp } from './warmUp';
import { ContainerKernel, SIGKILL } from './kernel/ContainerKernel';
import { createShell } from './kernel/createShell';
import { createProcFs, type ProcSource } from './kernel/procfs';
import { FsRpcHub } from './fsRpc/FsRpcHub';
import { ProcessWorkerPool, type ProcessWorkerFactory } from './kernel/ProcessWorkerPool';
import { ProgramLoader } from './kernel/ProgramLoader';
import { ProcessStdin, MessageOutput } from './stdio';
import { UsageGauges } from './UsageGauges';
import { PROTOCOL_VERSION, type AttachSpec, type ProcessLimits, type ContainerWorkerApi, type ExecSpec, type InitProgram, type KernelServices, type ProcessExit, type ProcessSpec, type WorkerMessage } from './protocol';
import { terminatesByDefault } from './signals';
import { FLOTILLA_EXTENSION_MODULE, usesProcessExtensions } from './extensionNames';
import { flotillaExtensions } from './process/extensions';
import { runRuby } from './drivers/ruby';
import { GuestGovernor } from './GuestGovernor';
import { sha256Hex } from './guestModule';
import type { SocketStack, Socket } from '../net/SocketStack';
import { NetworkLink } from './NetworkLink';

// What /proc reports until quotas (issue 4) set real limits per container.
const DEFAULT_MEMORY_LIMIT_BYTES = 2 * 1024 ** 3;
const DEFAULT_DISK_BYTES = 1024 ** 3;
const DEFAULT_INODES = 65536;

/** How often the worker's event loop says it is alive while a program runs (see kernel/Watchdog.ts). */
const HEARTBEAT_MS = 250;

export type PostMessage = (message: WorkerMessage, transfer?: Transferable[]) => void;

interface Attached {
  readonly fs: ContainerFs;
  readonly control: ControlBlock;
  readonly mailbox: FileMailboxServer;
  readonly services: Remote<KernelServices>;
  readonly tty: boolean;
  readonly processLimits: ProcessLimits | undefined;
  readonly network: NetworkLink;
}

export class ContainerRuntime implements ContainerWorkerApi {
  private _attached: Attached | undefined;
  private _kernel: ContainerKernel | undefined;
  private _running = false;
  /** The current run's main program, for /proc. */
  private _init: { argv: readonly string[]; startedAt: number } | undefined;

  constructor(private readonly _post: PostMessage, private readonly _processWorkers: ProcessWorkerFactory) {}

  attach(spec: AttachSpec): void {
    if (spec.version !== PROTOCOL_VERSION) throw new Error(`protocol version ${spec.version} is not ${PROTOCOL_VERSION}`);
    if (this._attached) throw new Error('this worker already holds a container');
    const fs = new ContainerFs({ layers: spec.layers.map((layer) => ImageLayer.fromEntries(layer.entries)) });
    // Limits apply to what the container writes, not to how it is set up.
    for (const directory of spec.directories) fs.mkdirp(directory);
    for (const file of spec.files) fs.writeFile(file.path, file.data, { mode: file.mode });
    fs.writeFile('/etc/hostname', `${spec.hostname}\n`);
    if (spec.limits) fs.meter.setLimits(spec.limits);
    if (spec.gauges) {
      const gauges = new UsageGauges(spec.gauges);
      fs.meter.onChange = (meter) => gauges.publishDisk(meter.bytes, meter.inodes);
      gauges.publishDisk(fs.meter.bytes, fs.meter.inodes);
    }
    const mailbox = new FileMailboxServer(spec.mailbox, fileService(fs));
    void mailbox.serveForever();
    const control = new ControlBlock(spec.control);
    const network = new NetworkLink(spec.net.arena, spec.net.bell, spec.net.port);
    this._attached = { fs, control, mailbox, services: wrap<KernelServices>(spec.services), tty: spec.tty, processLimits: spec.processLimits, network };
    fs.mount('/proc', createProcFs(this._procSource(fs, control, spec), { parent: () => fs.root, dev: fs.dev + 1_000_000n, now: fs.now }));
  }

  /** What /proc shows: the kernel's process table, or the one program running on this thread. */
  private _procSource(fs: ContainerFs, control: ControlBlock, spec: AttachSpec): ProcSource {
    const limits = spec.limits;
    return {
      processes: () => {
        if (this._kernel) return this._kernel.processInfo();
        const now = Date.now();
        const init = this._init;
        if (!init) return [];
        const usage = control.usage();
        const pts = spec.tty ? { pts: 0, foregroundPgid: 1 } : {};
        return [{ pid: 1, ppid: 0, pgid: 1, argv: init.argv, startedAt: init.startedAt, state: usage.sleeping ? 'S' : 'R', memoryBytes: usage.memoryBytes, peakBytes: usage.peakBytes, cpuMs: Math.max(0, now - init.startedAt - usage.waitedMs), ...pts }];
      },
      startedAt: () => this._init?.startedAt ?? Date.now(),
      hostname: () => spec.hostname,
      memoryLimitBytes: () => (control.quotas().memoryPages * 65536) || DEFAULT_MEMORY_LIMIT_BYTES,
      disk: () => {
        const usage = fs.usage();
        return { sizeBytes: limits?.maxBytes ?? DEFAULT_DISK_BYTES, usedBytes: usage.bytes, inodes: limits?.maxInodes ?? DEFAULT_INODES, inodesUsed: usage.inodes };
      },
    };
  }

  async run(spec: ProcessSpec): Promise<void> {
    const attached = this._require();
    if (this._running) throw new Error('a process is already running in this container');
    this._running = true;
    this._init = { argv: spec.args, startedAt: Date.now() };
    let exit: ProcessExit;
    // Signs of life for the supervisor's watchdog: from this event loop while it is
    // free (the shell's kernel), and from every syscall and check of a program on this thread.
    attached.control.beat();
    const heartbeat = setInterval(() => attached.control.beat(), HEARTBEAT_MS);
    try {
      // Plain WASI commands run right here; the shell, and programs that start
      // other processes, need the container kernel on this worker's event loop.
      const program = spec.program;
      exit = program.kind === 'wasm' && !usesProcessExtensions(program.module)
        ? await this._runHere(spec, program, attached)
        : await this._runInKernel(spec, attached);
    } finally {
      clearInterval(heartbeat);
      this._running = false;
      attached.control.clearSignal();
    }
    this._post({ flotilla: PROTOCOL_VERSION, type: 'exit', runId: spec.runId, exit });
  }

  /** Exercises the start path once, so the first container of this worker starts fast (see warmUp). */
  warm(): void {
    warmUp();
  }

  async complete(line: string, cursor: number, terminal = 0): Promise<string[]> {
    return this._kernel?.complete(terminal, line, cursor) ?? [];
  }

  async exec(spec: ExecSpec): Promise<number> {
    const kernel = this._kernel;
    if (!kernel) throw new Error('cannot exec: the container is not running a shell or another program that starts processes (its only program owns its worker)');
    const control = new ControlBlock(spec.control);
    kernel.openTerminal(spec.terminal, control, spec.tty);
    let pid: number | undefined;
    const stopSignals = watchSignals(control, {
      signal: (signal) => { if (pid !== undefined) { try { kernel.kill(pid, signal); } catch { /* ended */ } } },
      ttySignal: (signal) => kernel.ttySignal(spec.terminal, signal),
    });
    try {
      const env = parseEnv(spec.env);
      const path = kernel.which(spec.argv[0] ?? '', env.PATH ?? DEFAULT_PATH, spec.cwd);
      const child = await kernel.spawn(0, { argv: spec.argv, path, env, cwd: spec.cwd, stdio: kernel.terminalStdio(spec.terminal) }, spec.terminal);
      pid = child.pid;
      return await child.wait();
    } finally {
      stopSignals();
      kernel.closeTerminal(spec.terminal);
    }
  }

  /** Runs a WASI command on this thread; returns how it ended. */
  private async _runHere(spec: ProcessSpec, program: Extract<InitProgram, { kind: 'wasm' }>, { fs, control, mailbox, tty, processLimits, network }: Attached): Promise<ProcessExit> {
    let memory: WebAssembly.Memory | undefined;
    let process: WasiProcess | undefined;
    let governor: GuestGovernor | undefined;
    let died = true; // until the program returns or exits on its own: a death resets its connections
    control.resetUsage();
    this._post({ flotilla: PROTOCOL_VERSION, type: 'process', runId: spec.runId, pid: 1, startedAt: this._init?.startedAt ?? Date.now(), control: control.buffer });
    try {
      // The wake count as of the last check: a wake-up that lands between a
      // check and the wait that follows it makes the wait return at once
      // instead of being lost.
      let seenWakes = control.wakeCount();
      const checkSignals = (): void => {
        control.beat();
        seenWakes = control.wakeCount();
        if (memory) control.publishMemory(memory.buffer.byteLength);
        mailbox.servePending(); // file requests (docker cp) are served at every syscall and wake-up
        const signal = control.takeSignal() || control.takeTtySignal(); // the only process is the foreground one
        if (signal !== 0 && terminatesByDefault(signal)) throw new ProcessKilled(signal);
      };
      // Interrupt checks of an instrumented guest (kills, CPU quotas): this process is the container.
      governor = new GuestGovernor({ process: control, container: control, poll: checkSignals, memory: () => memory });
      const flow = { terminal: control, check: checkSignals, block: (wait: () => void) => control.blocked(wait) };
      const sockets = network.stack(checkSignals, (wait) => control.blocked(wait));
      const listeners = listenFor(sockets, spec.listen ?? []);
      process = new WasiProcess({
        args: spec.args,
        env: listeners.length > 0 ? [...spec.env, `LISTEN_FDS=${listeners.length}`] : spec.env,
        preopens: spec.preopens.map((guestPath) => ({ guestPath, dir: resolveDirectory(fs, guestPath) })),
        stdin: new ProcessStdin(control, tty, () => this._post({ flotilla: PROTOCOL_VERSION, type: 'stdin-space', runId: spec.runId }), checkSignals),
        stdout: new MessageOutput(this._post, spec.runId, 1, tty, flow),
        stderr: new MessageOutput(this._post, spec.runId, 2, tty, flow),
        waiter: { wait: (timeoutMs) => control.sleep(seenWakes, timeoutMs) },
        checkSignals,
        maxFds: processLimits?.fds,
        onOpenFiles: (count) => control.publishOpenFiles(count),
        sockets,
        listeners,
      });
      if (program.driver === 'ruby') {
        const code = await runRuby(program.module, process, spec.args, (instance) => { memory = memoryOf(instance); }, governor.importsFor(program.module));
        died = false;
        return governor.exitOf(code);
      }
      const extensions = flotillaExtensions({ pid: 1, memory: () => memory, containerControl: control, check: checkSignals });
      const instance = new WebAssembly.Instance(program.module, { ...process.imports, [FLOTILLA_EXTENSION_MODULE]: extensions, ...governor.importsFor(program.module) });
      memory = memoryOf(instance);
      const code = process.run(instance);
      died = false;
      return governor.exitOf(code);
    } catch (error) {
      return classifyFailure(error, memory, spec.memoryLimitPages ?? (control.quotas().memoryPages || undefined), governor?.growFailed);
    } finally {
      governor?.finish();
      process?.closeSockets(died);
    }
  }

  /** Runs the main program under the container kernel: the shell on this event loop, programs in process workers. */
  private async _runInKernel(spec: ProcessSpec, attached: Attached): Promise<ProcessExit> {
    const { fs, control, tty, services, network } = attached;
    if (spec.listen?.length) return { kind: 'error', message: 'pre-opened listening sockets (listen) are for a container whose only program runs alone; a shell\'s programs open their own' };
    const hub = new FsRpcHub();
    void hub.serveForever();
    // Keep process workers warm for a shell (its commands start often); a lone
    // program that starts others creates them when it needs them.
    const workers = new ProcessWorkerPool(this._processWorkers, spec.program.kind === 'shell' ? 2 : 0);
    const kernel = new ContainerKernel({
      fs,
      control,
      tty,
      postOutput: (terminal, fd, data) => this._post({ flotilla: PROTOCOL_VERSION, type: 'output', runId: spec.runId, fd, data, terminal }, [data.buffer]),
      workers,
      fsServer: { open: () => hub.open(fs.root), close: (endpoint) => hub.remove(endpoint.buffer) },
      // Programs from the container's files: compiled by the supervisor (instrumented, capped, shared by content).
      programs: new ProgramLoader(fs, (image) => services.loadImageProgram(image), async (bytes) => services.compileProgram(await sha256Hex(bytes), transfer(bytes, [bytes.buffer]))),
      createShell,
      network: { arena: network.arena.buffer, bell: network.bell, openPort: () => network.openPort() },
      limits: attached.processLimits,
      onProcessStart: (pid, startedAt, processControl) => this._post({ flotilla: PROTOCOL_VERSION, type: 'process', runId: spec.runId, pid, startedAt, control: processControl?.buffer }),
      onProcessEnd: (pid, endedAt) => this._post({ flotilla: PROTOCOL_VERSION, type: 'process-exit', runId: spec.runId, pid, endedAt }),
    });
    this._kernel = kernel;
    const stopSignals = watchSignals(control, {
      signal: (signal) => { try { kernel.kill(1, signal); } catch { /* already gone */ } },
      ttySignal: (signal) => kernel.ttySignal(0, signal),
    });
    try {
      const init = await kernel.spawnProgram(0, spec.program, { argv: spec.args, path: spec.args[0]!, env: parseEnv(spec.env), cwd: spec.cwd, stdio: kernel.terminalStdio(0) });
      const status = await init.wait();
      return status > 128 && status < 160 ? { kind: 'signal', signal: status - 128 } : { kind: 'exit', code: status };
    } catch (error) {
      return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
    } finally {
      stopSignals();
      kernel.shutdown(SIGKILL); // as Docker: when the main process ends, the others go too
      workers.dispose();
      hub.dispose();
      this._kernel = undefined;
    }
  }

  private _require(): Attached {
    if (!this._attached) throw new Error('no container is attached to this worker');
    return this._attached;
  }
}

/** The pre-opened listening sockets of ContainerOptions.listen, in order. */
function listenFor(sockets: SocketStack, ports: readonly number[]): Socket[] {
  return ports.map((port) => {
    const socket = sockets.open('inet4', 'stream');
    socket.bind({ address: 0, port });
    socket.listen(128);
    return socket;
  });
}

/** Delivers the signals raised on a control block (for a program, and from its terminal) while it runs. */
function watchSignals(control: ControlBlock, deliver: { signal(signal: number): void; ttySignal(signal: number): void }): () => void {
  let watching = true;
  void (async () => {
    while (watching) {
      const seen = control.wakeCount();
      const signal = control.takeSignal();
      if (signal !== 0) deliver.signal(signal);
      const ttySignal = control.takeTtySignal();
      if (ttySignal !== 0) deliver.ttySignal(ttySignal);
      await control.waitForWakeAsync(seen);
    }
  })();
  return () => {
    watching = false;
    control.wake();
  };
}

function parseEnv(entries: readonly string[]): Record<string, string> {
  return Object.fromEntries(entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
}

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function memoryOf(instance: WebAssembly.Instance): WebAssembly.Memory | undefined {
  return instance.exports.memory instanceof WebAssembly.Memory ? instance.exports.memory : undefined;
}

/** The directory at an absolute guest path, created when missing (a mount point). */
function resolveDirectory(fs: ContainerFs, guestPath: string): FsDirectory {
  return fs.mkdirp(guestPath);
}

// The kernel of one container, inside its worker: the process table, the
// programs it starts (each WASI program in a process worker of its own,
// the built-in shell on this worker's event loop), pipes between them,
// signals and the terminal's foreground process group.

import type { ContainerFs } from '../../fs/ContainerFs';
import { ShellHostError, type ShellProcess, type ShellStdio, type ShellStream, type SpawnOptions } from '../../shell/host';
import { ControlBlock } from '../ControlBlock';
import type { FsRpcEndpoint } from '../fsRpc/FsRpcHub';
import type { ProcessExit, ProcessLimits } from '../protocol';
import { PROCESS_PROTOCOL_VERSION, type StdioDescriptor } from '../process/processProtocol';
import type { ProcessWorkerPool } from './ProcessWorkerPool';
import { ProgramLoader, type Program } from './ProgramLoader';
import type { ProcProcess } from './procfs';
import { KernelCallError, KernelCallServer, createKernelCallBuffer, type KernelCall } from './KernelCalls';
import { ContainerInputStream, ContainerOutputStream, NullStream, PipeStream } from './streams';
import { Pipe } from './Pipe';

export const SIGINT = 2;
export const SIGKILL = 9;
const KILL_GRACE_MS = 100;

/** A file-system server that gives each process worker its own RemoteFs channel. */
export interface FsChannelServer {
  open(): FsRpcEndpoint;
  close(channel: FsRpcEndpoint): void;
}

/** What the kernel needs of a shell it runs as a process (src/shell's Shell). */
export interface ShellProgram {
  run(): Promise<number>;
  complete(line: string, cursor: number): Promise<string[]>;
  interrupt(): void;
}

export type ShellFactory = (kernel: ContainerKernel, pid: number, options: { argv: string[]; env: Record<string, string>; cwd: string; stdio: ShellStdio; interactive: boolean }) => ShellProgram;

export interface KernelOptions {
  readonly fs: ContainerFs;
  /** The container's own stdin/terminal (terminal 0). */
  readonly control: ControlBlock;
  readonly tty: boolean;
  /** Output of a process on terminal `terminal` (0: the container's log and terminal; others: exec sessions). */
  readonly postOutput: (terminal: number, fd: 1 | 2, data: Uint8Array) => void;
  readonly workers: ProcessWorkerPool;
  readonly fsServer: FsChannelServer;
  readonly programs: ProgramLoader;
  readonly createShell: ShellFactory;
  /** The container's process and open-file limits (none: unlimited). */
  readonly limits?: ProcessLimits;
  /** A process started (for stats): `control` is where a program in a process worker publishes its usage. */
  readonly onProcessStart?: (pid: number, startedAt: number, control: ControlBlock | undefined) => void;
  readonly onProcessEnd?: (pid: number, endedAt: number) => void;
  /** The container's network: each process worker gets the arena, the doorbell and a control port of its own. */
  readonly network?: { readonly arena: SharedArrayBuffer; readonly bell: number; openPort(): MessagePort };
}

export interface KernelProcess {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  readonly argv: readonly string[];
  readonly startedAt: number;
  /** The terminal (session) the process belongs to: 0 for the container's own, others for exec sessions. */
  readonly terminal: number;
  state: 'running' | 'exited';
  status: number | undefined;
  readonly done: Promise<number>;
  /** Signals for a program in a process worker. */
  readonly control?: ControlBlock;
  shell?: ShellProgram;
}

/** A terminal of the container: its own (0) or an exec session's. */
interface KernelTerminal {
  readonly control: ControlBlock;
  readonly tty: boolean;
  /** The job that reads the terminal and gets Ctrl-C. */
  foreground: number | undefined;
  /** The interactive shell of the terminal: Ctrl-C at its prompt, completion. */
  shell: KernelProcess | undefined;
}

interface ProcessBookkeeping {
  finish(status: number): void;
  readonly releases: Array<() => void>;
  readonly pumps: Array<Promise<void>>;
}

export class ContainerKernel {
  private readonly _processes = new Map<number, KernelProcess>();
  private readonly _books = new Map<number, ProcessBookkeeping>();
  private _nextPid = 1;
  /** Processes not yet ended, against limits.pids. */
  private _live = 0;
  private readonly _terminals = new Map<number, KernelTerminal>();

  constructor(readonly options: KernelOptions) {
    this._terminals.set(0, { control: options.control, tty: options.tty, foreground: undefined, shell: undefined });
  }

  /** Adds an exec session's terminal (its own stdin ring, Ctrl-C and size). */
  openTerminal(id: number, control: ControlBlock, tty: boolean): void {
    if (this._terminals.has(id)) throw new Error(`terminal ${id} is already open`);
    this._terminals.set(id, { control, tty, foreground: undefined, shell: undefined });
  }

  closeTerminal(id: number): void {
    if (id !== 0) this._terminals.delete(id);
  }

  get processes(): ReadonlyMap<number, KernelProcess> {
    return this._processes;
  }

  /** Streams of a terminal: the container's own stdin and output (0), or an exec session's. */
  terminalStdio(terminal = 0): ShellStdio {
    const { control, tty } = this._terminal(terminal);
    const post = (fd: 1 | 2, data: Uint8Array): void => this.options.postOutput(terminal, fd, data);
    return {
      stdin: new ContainerInputStream(control, tty, terminal),
      stdout: new ContainerOutputStream(1, post, tty, terminal, control),
      stderr: new ContainerOutputStream(2, post, tty, terminal, control),
    };
  }

  /**
   * Starts a program; `parent` is the pid of the process asking (0 for the
   * container itself), whose terminal the program joins (`terminal` when the
   * container starts it: 0, or an exec session's).
   */
  async spawn(parent: number, options: SpawnOptions, terminal?: number): Promise<ShellProcess> {
    return this.spawnProgram(parent, await this.options.programs.load(options.path), options, terminal);
  }

  /** Starts an already loaded program (e.g. the container's main program, compiled by the supervisor). */
  spawnProgram(parent: number, program: Program, options: SpawnOptions, terminal?: number): Promise<ShellProcess> {
    this._admit();
    const pid = this._nextPid++;
    const pgid = options.pgid ?? pid;
    const term = terminal ?? this._processes.get(parent)?.terminal ?? 0;
    if (options.foreground && options.pgid === undefined) this._terminal(term).foreground = pgid;
    if (program.kind === 'shell') return Promise.resolve(this._startShell(pid, parent, pgid, options, term));
    return this._startWorker(pid, parent, pgid, options, program, term);
  }

  /** Sends a signal to one process. */
  kill(pid: number, signal: number): void {
    const process = this._processes.get(pid);
    if (!process || process.state !== 'running') throw new ShellHostError('ESRCH', `(${pid}) - No such process`);
    this._signal(process, signal);
  }

  killGroup(pgid: number, signal: number): void {
    const members = [...this._processes.values()].filter((process) => process.pgid === pgid && process.state === 'running');
    if (members.length === 0) throw new ShellHostError('ESRCH', `(-${pgid}) - No such process group`);
    for (const process of members) this._signal(process, signal);
  }

  /** Which job of the terminal of process `pid` reads it and gets Ctrl-C (undefined: the shell). */
  setForeground(pid: number, pgid: number | undefined): void {
    const terminal = this._terminals.get(this._processes.get(pid)?.terminal ?? 0);
    if (terminal) terminal.foreground = pgid;
  }

  /** A signal typed at a terminal: to its foreground job, else its shell at the prompt. */
  ttySignal(terminalId: number, signal: number): void {
    const terminal = this._terminals.get(terminalId);
    if (!terminal) return;
    const group = terminal.foreground;
    if (group !== undefined && [...this._processes.values()].some((process) => process.pgid === group && process.state === 'running')) {
      this.killGroup(group, signal);
    } else if (terminal.shell?.state === 'running' && signal === SIGINT) {
      terminal.shell.shell?.interrupt();
    }
  }

  complete(terminalId: number, line: string, cursor: number): Promise<string[]> {
    return this._terminals.get(terminalId)?.shell?.shell?.complete(line, cursor) ?? Promise.resolve([]);
  }

  private _terminal(id: number): KernelTerminal {
    const terminal = this._terminals.get(id);
    if (!terminal) throw new ShellHostError('EIO', `terminal ${id} is closed`);
    return terminal;
  }

  /** The process table as /proc shows it. */
  processInfo(): ProcProcess[] {
    const now = Date.now();
    return [...this._processes.values()].map((process) => {
      const usage = process.control?.usage();
      const end = process.state === 'running' ? now : process.startedAt;
      const terminal = this._terminals.get(process.terminal);
      return {
        pts: terminal?.tty ? process.terminal : undefined,
        foregroundPgid: terminal?.tty ? terminal.foreground ?? terminal.shell?.pgid : undefined,
        pid: process.pid,
        ppid: process.ppid,
        pgid: process.pgid,
        argv: process.argv,
        startedAt: process.startedAt,
        state: process.state === 'exited' ? 'Z' : usage && !usage.sleeping ? 'R' : 'S',
        memoryBytes: usage?.memoryBytes ?? 0,
        peakBytes: usage?.peakBytes ?? 0,
        cpuMs: usage ? Math.max(0, end - process.startedAt - usage.waitedMs) : 0,
      };
    });
  }

  /** Ends every process (the container is stopping). */
  shutdown(signal = SIGKILL): void {
    for (const process of this._processes.values()) if (process.state === 'running') this._signal(process, signal);
  }

  /** Waits for a process and reaps it. */
  async wait(pid: number): Promise<number> {
    const process = this._processes.get(pid);
    if (!process) throw new ShellHostError('ESRCH', `(${pid}) - No such process`);
    const status = await process.done;
    this._processes.delete(pid);
    return status;
  }

  private _startShell(pid: number, ppid: number, pgid: number, options: SpawnOptions, terminal: number): ShellProcess {
    const { record, books } = this._register(pid, ppid, pgid, options.argv, terminal);
    const interactive = options.stdio.stdin.isTerminal && options.argv.length <= 1;
    const shell = this.options.createShell(this, pid, { argv: [...options.argv], env: { ...options.env }, cwd: options.cwd, stdio: options.stdio, interactive });
    record.shell = shell;
    if (interactive) this._terminal(terminal).shell = record;
    shell.run().then(
      (status) => books.finish(status),
      () => books.finish(1),
    );
    return this._handle(record);
  }

  private async _startWorker(pid: number, ppid: number, pgid: number, options: SpawnOptions, program: Extract<Program, { kind: 'wasm' }>, terminal: number): Promise<ShellProcess> {
    const control = new ControlBlock();
    const { record, books } = this._register(pid, ppid, pgid, options.argv, terminal, control);
    const stdio = [
      this._descriptor(options.stdio.stdin, 'read', books),
      this._descriptor(options.stdio.stdout, 'write', books),
      this._descriptor(options.stdio.stderr, 'write', books),
    ] as const;
    await this._launch(record, books, program, options, stdio);
    return this._handle(record);
  }

  /** Runs a program in a process worker with the given stdio; answers its kernel calls. */
  private async _launch(record: KernelProcess, books: ProcessBookkeeping, program: Extract<Program, { kind: 'wasm' }>, options: Pick<SpawnOptions, 'argv' | 'env' | 'cwd'>, stdio: readonly [StdioDescriptor, StdioDescriptor, StdioDescriptor]): Promise<void> {
    const { pid } = record;
    const fsChannel = this.options.fsServer.open();
    books.releases.push(() => this.options.fsServer.close(fsChannel));
    const kernelCalls = createKernelCallBuffer();
    const callServer = new KernelCallServer(kernelCalls, (call) => this._kernelCall(record, stdio, call));
    void callServer.serveForever();
    books.releases.push(() => callServer.close());
    let worker;
    try {
      worker = await this.options.workers.acquire();
    } catch (error) {
      books.finish(126);
      throw new ShellHostError('EAGAIN', `cannot start a process: ${error instanceof Error ? error.message : String(error)}`);
    }
    books.releases.push(() => worker.terminate());
    worker.onMessage((message) => {
      if (message.type === 'output' && message.pid === pid) this.options.postOutput(record.terminal, message.fd, message.data);
      else if (message.type === 'exit' && message.pid === pid) books.finish(statusOf(message.exit));
    });
    worker.onCrash(() => books.finish(128 + SIGKILL));
    const env = Object.entries({ ...options.env, PWD: options.cwd }).map(([key, value]) => `${key}=${value}`);
    const network = this.options.network;
    const net = network ? { arena: network.arena, bell: network.bell, port: network.openPort() } : undefined;
    worker.post({
      type: 'run',
      spec: {
        version: PROCESS_PROTOCOL_VERSION,
        pid,
        module: program.module,
        argv: options.argv,
        env,
        fsChannel,
        kernelCalls,
        control: record.control!.buffer,
        terminalControl: this._terminal(record.terminal).control.buffer,
        quota: this.options.control.buffer,
        stdio,
        tty: this._terminal(record.terminal).tty,
        driver: program.driver,
        fdLimit: this.options.limits?.fds,
        net,
      },
    }, net ? [net.port] : []);
  }

  /** proc_spawn / proc_wait / proc_kill from a program (docs/PROC.md). */
  private async _kernelCall(caller: KernelProcess, callerStdio: readonly [StdioDescriptor, StdioDescriptor, StdioDescriptor], call: KernelCall): Promise<number> {
    switch (call.op) {
      case 'spawn': {
        const env = Object.fromEntries(call.env.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
        const path = this.which(call.argv[0] ?? '', env.PATH ?? '/usr/local/bin:/usr/bin:/bin', call.cwd);
        const program = await this.options.programs.load(path);
        this._admit();
        const pid = this._nextPid++;
        if (program.kind === 'shell') {
          const stdio = { stdin: this._stream(callerStdio[0]), stdout: this._stream(callerStdio[1]), stderr: this._stream(callerStdio[2]) };
          this._startShell(pid, caller.pid, caller.pgid, { argv: call.argv, path, env, cwd: call.cwd, stdio }, caller.terminal);
          return pid;
        }
        const child = this._register(pid, caller.pid, caller.pgid, call.argv, caller.terminal, new ControlBlock());
        // The child shares the caller's streams: one more reference to each pipe end.
        for (const descriptor of callerStdio) {
          if (descriptor.kind === 'pipe') {
            new Pipe(descriptor.buffer).addRef(descriptor.end);
            child.books.releases.push(() => new Pipe(descriptor.buffer).release(descriptor.end));
          }
        }
        await this._launch(child.record, child.books, program, { argv: call.argv, env, cwd: call.cwd }, callerStdio);
        return pid;
      }
      case 'wait': {
        const child = this._processes.get(call.pid);
        if (!child || child.ppid !== caller.pid) throw new KernelCallError('ECHILD', `process ${call.pid} is not a child of ${caller.pid}`);
        return this.wait(call.pid);
      }
      case 'kill':
        this.kill(call.pid, call.signal);
        return 0;
    }
  }

  /**
   * The container's pids.max: a process past it is refused with EAGAIN, which
   * proc_spawn returns and the shell reports as Linux's fork failure. Checked
   * right before the pid is taken (no await in between), so concurrent
   * spawns cannot overshoot.
   */
  private _admit(): void {
    const limit = this.options.limits?.pids;
    if (limit !== undefined && this._live >= limit) throw new ShellHostError('EAGAIN', 'fork: Resource temporarily unavailable');
  }

  /** PATH lookup for programs started by programs and by exec (the shell does its own). */
  which(command: string, path: string, cwd: string): string {
    if (command.includes('/')) return command.startsWith('/') ? command : `${cwd.replace(/\/$/, '')}/${command}`;
    for (const dir of path.split(':').filter(Boolean)) {
      const candidate = `${dir.replace(/\/$/, '')}/${command}`;
      const node = this.options.fs.lookupPath(candidate);
      if (node?.kind === 'file') return candidate;
    }
    throw new ShellHostError('ENOENT', `${command}: not found`);
  }

  /** A shell stream over a stdio descriptor (for a shell started by a program). */
  private _stream(descriptor: StdioDescriptor): ShellStream {
    switch (descriptor.kind) {
      case 'pipe': {
        const pipe = new Pipe(descriptor.buffer);
        pipe.addRef(descriptor.end);
        return new PipeStream(pipe, descriptor.end);
      }
      case 'container-in':
        return this.terminalStdio(descriptor.terminal).stdin;
      case 'container-out':
        return descriptor.fd === 1 ? this.terminalStdio(descriptor.terminal).stdout : this.terminalStdio(descriptor.terminal).stderr;
      default:
        return new NullStream();
    }
  }

  /** How a process worker reaches one of its streams; other streams are pumped through a pipe. */
  private _descriptor(stream: ShellStream, direction: 'read' | 'write', books: ProcessBookkeeping): StdioDescriptor {
    if (stream instanceof PipeStream && stream.end === direction) {
      stream.pipe.addRef(direction);
      books.releases.push(() => stream.pipe.release(direction));
      return { kind: 'pipe', buffer: stream.pipe.buffer, end: direction };
    }
    if (stream instanceof ContainerInputStream && direction === 'read') return { kind: 'container-in', terminal: stream.terminal };
    if (stream instanceof ContainerOutputStream && direction === 'write') return { kind: 'container-out', terminal: stream.terminal, fd: stream.fd };
    // Files, /dev/null and anything else: a pipe whose other end this worker pumps.
    const pipe = Pipe.create(); // the process holds `direction`, the pump the other end
    books.releases.push(() => pipe.release(direction));
    books.pumps.push(direction === 'write' ? pumpOut(pipe, stream) : pumpIn(pipe, stream));
    return { kind: 'pipe', buffer: pipe.buffer, end: direction };
  }

  private _register(pid: number, ppid: number, pgid: number, argv: readonly string[], terminal: number, control?: ControlBlock) {
    let resolveDone!: (status: number) => void;
    const done = new Promise<number>((resolve) => { resolveDone = resolve; });
    const record: KernelProcess = { pid, ppid, pgid, argv: [...argv], startedAt: Date.now(), terminal, state: 'running', status: undefined, done, control };
    const books: ProcessBookkeeping = {
      releases: [],
      pumps: [],
      finish: (status) => {
        if (record.state !== 'running') return;
        record.state = 'exited';
        record.status = status;
        const owner = this._terminals.get(terminal);
        if (owner?.foreground === pgid && ![...this._processes.values()].some((other) => other.pgid === pgid && other.state === 'running')) owner.foreground = undefined;
        for (const release of books.releases.splice(0)) release();
        // Output pumped into files must be complete before a waiter looks at them.
        void Promise.all(books.pumps).then(() => resolveDone(status));
        this._live--;
        this.options.onProcessEnd?.(pid, Date.now());
        this._reapOrphans(record);
      },
    };
    this._processes.set(pid, record);
    this._books.set(pid, books);
    this._live++;
    this.options.onProcessStart?.(pid, record.startedAt, control);
    return { record, books };
  }

  /**
   * Nobody waits for the children of a process that ended (Linux hands them
   * to init, which reaps them): forget its ended children, and the process
   * itself when its parent is gone. Children of the container (ppid 0) are
   * waited for by the runtime.
   */
  private _reapOrphans(ended: KernelProcess): void {
    for (const child of this._processes.values()) if (child.ppid === ended.pid && child.state === 'exited') this._forget(child.pid);
    const parent = this._processes.get(ended.ppid);
    if (ended.ppid !== 0 && (!parent || parent.state === 'exited')) this._forget(ended.pid);
  }

  private _forget(pid: number): void {
    this._processes.delete(pid);
    this._books.delete(pid);
  }

  private _handle(record: KernelProcess): ShellProcess {
    return {
      pid: record.pid,
      wait: () => this.wait(record.pid),
      kill: (signal) => this._signal(record, signal),
    };
  }

  private _signal(process: KernelProcess, signal: number): void {
    if (process.state !== 'running') return;
    if (process.shell) {
      if (signal === SIGINT) process.shell.interrupt();
      else this._books.get(process.pid)?.finish(128 + signal);
      return;
    }
    process.control?.raise(signal);
    if (signal === SIGKILL) {
      // A program spinning without syscalls never sees the flag: its worker goes (the file system is safe here).
      setTimeout(() => this._books.get(process.pid)?.finish(128 + SIGKILL), KILL_GRACE_MS);
    }
  }
}

function statusOf(exit: ProcessExit): number {
  switch (exit.kind) {
    case 'exit': return exit.code & 0xff;
    case 'signal': return 128 + exit.signal;
    case 'trap': return exit.outOfMemory ? 137 : 134;
    case 'error': return 126;
  }
}

async function pumpOut(pipe: Pipe, stream: ShellStream): Promise<void> {
  try {
    for (;;) {
      const chunk = await pipe.read(64 * 1024);
      if (!chunk) return;
      await stream.write(chunk);
    }
  } catch {
    // The destination failed (e.g. disk full): stop reading so the writer gets SIGPIPE.
  } finally {
    pipe.release('read');
  }
}

async function pumpIn(pipe: Pipe, stream: ShellStream): Promise<void> {
  try {
    for (;;) {
      const chunk = await stream.read(64 * 1024);
      if (!chunk) return;
      if (!(await pipe.write(chunk))) return;
    }
  } catch {
    // The source failed: the reader sees EOF.
  } finally {
    pipe.release('write');
  }
}

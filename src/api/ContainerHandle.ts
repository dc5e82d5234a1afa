// The public handle to one container: a thin facade over the supervisor,
// which owns all state.

import type { ContainerRecord } from '../kernel/ContainerRecord';
import type { Supervisor } from '../kernel/Supervisor';
import type { ContainerStats } from './types';
import type { Container, ContainerInfo, ContainerState, ContainerStdin, ExitStatus, LogChunk, Stream, Subscribe, TreeEntry, TtyDevice, ExecOptions, ExecSession } from './types';

export class ContainerHandle implements Container {
  readonly stdin: ContainerStdin;
  readonly onLog: Subscribe<LogChunk>;
  readonly onExit: Subscribe<ExitStatus>;

  constructor(private readonly _supervisor: Supervisor, private readonly _record: ContainerRecord) {
    this.onLog = _record.onLog.event;
    this.onExit = _record.onExit.event;
    this.stdin = {
      write: (data) => _record.stdin.write(typeof data === 'string' ? new TextEncoder().encode(data) : data),
      close: () => _record.stdin.close(),
    };
  }

  get id(): string {
    return this._record.id;
  }

  get name(): string {
    return this._record.name;
  }

  get tty(): TtyDevice | undefined {
    return this._record.tty;
  }

  get state(): ContainerState {
    return this._record.state;
  }

  info(): ContainerInfo {
    return this._supervisor.info(this._record);
  }

  start(): Promise<void> {
    return this._supervisor.start(this.id);
  }

  wait(): Promise<ExitStatus> {
    return this._supervisor.wait(this.id);
  }

  stop(options?: { timeoutMs?: number }): Promise<ExitStatus> {
    return this._supervisor.stop(this.id, options?.timeoutMs);
  }

  kill(signal?: string | number): Promise<void> {
    return this._supervisor.kill(this.id, signal);
  }

  restart(options?: { timeoutMs?: number }): Promise<void> {
    return this._supervisor.restart(this.id, options?.timeoutMs);
  }

  remove(options?: { force?: boolean }): Promise<void> {
    return this._supervisor.remove(this.id, options?.force ?? false);
  }

  logs(options?: { stdout?: boolean; stderr?: boolean }): LogChunk[] {
    return this._record.logs.chunks(streams(options));
  }

  output(options?: { stdout?: boolean; stderr?: boolean }): string {
    return this._record.logs.text(streams(options));
  }

  get droppedLogBytes(): number {
    return this._record.logs.droppedBytes;
  }

  stats(): ContainerStats {
    return this._supervisor.statsOf(this._record);
  }

  readFile(path: string): Promise<Uint8Array> {
    return this._supervisor.readFile(this.id, path);
  }

  writeFile(path: string, data: string | Uint8Array): Promise<void> {
    return this._supervisor.writeFile(this.id, path, typeof data === 'string' ? new TextEncoder().encode(data) : data);
  }

  listDir(path: string): Promise<string[]> {
    return this._supervisor.listDir(this.id, path);
  }

  exec(command: readonly string[], options?: ExecOptions): Promise<ExecSession> {
    return this._supervisor.exec(this.id, command, options);
  }

  readTree(path: string): Promise<TreeEntry[]> {
    return this._supervisor.readTree(this.id, path);
  }
}

function streams(options?: { stdout?: boolean; stderr?: boolean }): Set<Stream> {
  const set = new Set<Stream>();
  if (options?.stdout ?? true) set.add('stdout');
  if (options?.stderr ?? true) set.add('stderr');
  return set;
}

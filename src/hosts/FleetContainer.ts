// A container of the fleet, on whichever host it was placed. Its facts and
// output are mirrored from its host's events, so reading them is
// synchronous; acting on it goes to its host.

import type { ContainerInfo, ContainerState, ExitStatus, LogChunk, Subscribe } from '../api/types';
import type { HostAgentApi } from './protocol';

/** Output kept per container on the fleet's side (the host keeps its own bounded log). */
const MIRRORED_LOG_BYTES = 64 * 1024;

type Listener<T> = (value: T) => void;

function emitter<T>(): { fire(value: T): void; subscribe: Subscribe<T>; clear(): void } {
  const listeners = new Set<Listener<T>>();
  return {
    fire: (value) => { for (const listener of [...listeners]) listener(value); },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    clear: () => listeners.clear(),
  };
}

export class FleetContainer {
  private _info: ContainerInfo;
  private _logs: LogChunk[] = [];
  private _logBytes = 0;
  private _dropped = 0;
  private _lastLine = '';
  private readonly _onLog = emitter<LogChunk>();
  private readonly _onExit = emitter<ExitStatus>();
  private _waiters: Array<(status: ExitStatus) => void> = [];
  private _hostGone = false;
  readonly onLog = this._onLog.subscribe;
  readonly onExit = this._onExit.subscribe;

  constructor(info: ContainerInfo, readonly hostId: string, private readonly _host: HostAgentApi, private readonly _forget: (id: string) => void) {
    this._info = info;
  }

  get id(): string {
    return this._info.id;
  }

  get name(): string {
    return this._info.name;
  }

  get state(): ContainerState {
    return this._info.state;
  }

  info(): ContainerInfo & { host: string } {
    return { ...this._info, host: this.hostId };
  }

  /** The last complete line of output (for a tile). */
  get lastLine(): string {
    return this._lastLine;
  }

  get droppedLogBytes(): number {
    return this._dropped;
  }

  logs(): LogChunk[] {
    return [...this._logs];
  }

  output(): string {
    const decoder = new TextDecoder();
    return this._logs.map((chunk) => decoder.decode(chunk.data, { stream: true })).join('') + decoder.decode();
  }

  /** Resolves when the current (or next) run ends; a lost host ends it too. */
  wait(): Promise<ExitStatus> {
    if (this._info.state !== 'running' && this._info.state !== 'created' && this._info.exit) return Promise.resolve(this._info.exit);
    return new Promise((resolve) => this._waiters.push(resolve));
  }

  start(): Promise<void> { return this._host.start(this.id); }
  stop(options: { timeoutMs?: number } = {}): Promise<ExitStatus> { return this._host.stop(this.id, options.timeoutMs); }
  kill(signal?: string | number): Promise<void> { return this._host.kill(this.id, signal); }
  restart(options: { timeoutMs?: number } = {}): Promise<void> { return this._host.restart(this.id, options.timeoutMs); }
  /** Removes it; a container whose host was lost is only dropped from the fleet (its host is gone). */
  async remove(options: { force?: boolean } = {}): Promise<void> {
    if (!this._hostGone) await this._host.remove(this.id, options.force);
    this._forget(this.id);
  }
  readFile(path: string): Promise<Uint8Array> { return this._host.readFile(this.id, path); }
  writeFile(path: string, data: string | Uint8Array): Promise<void> { return this._host.writeFile(this.id, path, data); }
  listDir(path: string): Promise<string[]> { return this._host.listDir(this.id, path); }

  readonly stdin = {
    write: (data: string | Uint8Array): Promise<void> => this._host.writeStdin(this.id, data),
    close: (): Promise<void> => this._host.closeStdin(this.id),
  };

  // -- the fleet feeds the mirror --

  /** @internal */
  update(info: ContainerInfo): void {
    this._info = info;
  }

  /** @internal */
  appendLogs(chunks: readonly LogChunk[]): void {
    for (const chunk of chunks) {
      this._logs.push(chunk);
      this._logBytes += chunk.data.length;
      const text = new TextDecoder().decode(chunk.data).replace(/\n$/, '');
      const line = text.slice(text.lastIndexOf('\n') + 1);
      if (line) this._lastLine = line;
      this._onLog.fire(chunk);
    }
    while (this._logBytes > MIRRORED_LOG_BYTES && this._logs.length > 1) {
      const dropped = this._logs.shift()!;
      this._logBytes -= dropped.data.length;
      this._dropped += dropped.data.length;
    }
  }

  /** @internal */
  exited(info: ContainerInfo, status: ExitStatus): void {
    this._info = { ...info, exit: status };
    const waiters = this._waiters;
    this._waiters = [];
    for (const resolve of waiters) resolve(status);
    this._onExit.fire(status);
  }

  /** @internal The container's host is gone: a live container is dead, with the reason; an ended one keeps its status. */
  lost(reason: string): void {
    this._hostGone = true;
    if (this._info.state !== 'running' && this._info.state !== 'created') return;
    const now = Date.now();
    const status: ExitStatus = { exitCode: 137, reason: 'lost', message: reason, oomKilled: false, startedAt: this._info.startedAt ?? now, finishedAt: now };
    this.exited({ ...this._info, state: 'dead' }, status);
  }

  /** @internal */
  dispose(): void {
    this._onLog.clear();
    this._onExit.clear();
  }
}

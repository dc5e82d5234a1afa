// The supervisor's record of one container: its state machine, its worker,
// its output and stdin. Only the Supervisor changes it.

import type { Remote } from 'comlink';
import type { ContainerInfo, ContainerState, ExitStatus, LogChunk, TtyDevice } from '../api/types';
import type { ControlBlock } from '../workers/ControlBlock';
import type { ContainerWorkerApi, InitProgram } from '../workers/protocol';
import { Emitter } from './Emitter';
import { DEFAULT_QUOTAS, type ResolvedQuotas } from './quotas';
import type { RunnableImage } from './ImageCatalog';
import { LogBuffer } from './LogBuffer';
import type { ResolvedLimits } from './limits';
import { ContainerUsage } from './ContainerUsage';
import type { ContainerFiles } from './ContainerFiles';
import type { ExecRecord } from './ExecSession';
import type { StdinPump } from './StdinPump';
import type { PooledWorker } from './WorkerPool';

export interface ContainerConfig {
  readonly command: readonly string[];
  readonly env: readonly string[];
  readonly workdir: string;
  readonly preopens: readonly string[];
  readonly tty: boolean;
  readonly openStdin: boolean;
  readonly initialStdin?: Uint8Array;
  readonly labels: Readonly<Record<string, string>>;
  /** Resource limits (src/kernel/limits.ts). */
  readonly limits: ResolvedLimits;
}

export class ContainerRecord {
  state: ContainerState = 'created';
  startedAt: number | undefined;
  exit: ExitStatus | undefined;
  restartCount = 0;
  /** Ports the runtime listens on for the program (ContainerOptions.listen). */
  listen: readonly number[] = [];
  /** Memory and CPU quotas (src/kernel/quotas.ts). */
  quotas: ResolvedQuotas = DEFAULT_QUOTAS;
  /** The current run was sent SIGKILL by the API (its 137 is not an out-of-memory kill). */
  killRequested = false;
  /** Identifies the current run; output and exits of older runs are ignored. */
  runId = 0;
  /** Set while a stop or kill is in progress, so a second one joins it. */
  stopping: Promise<ExitStatus> | undefined;
  /** Why the worker is gone, if it is (crash or forced termination). */
  workerLost: string | undefined;
  readonly logs: LogBuffer;
  readonly onLog = new Emitter<LogChunk>();
  readonly onExit = new Emitter<ExitStatus>();
  readonly createdAt = Date.now();
  /** The terminal device of a `tty` container (see src/kernel/TerminalDevice). */
  tty: TtyDevice | undefined;
  /** Programs started with exec, by session (terminal) number. */
  readonly execs = new Map<number, ExecRecord>();
  nextExec = 1;
  /** The current run's processes and the writable layer's usage, for stats. */
  readonly usage = new ContainerUsage();
  private _exitWaiters: Array<(status: ExitStatus) => void> = [];

  constructor(
    readonly id: string,
    readonly name: string,
    readonly image: RunnableImage,
    readonly config: ContainerConfig,
    readonly program: InitProgram,
    readonly worker: PooledWorker,
    readonly api: Remote<ContainerWorkerApi>,
    readonly control: ControlBlock,
    readonly stdin: StdinPump,
    readonly files: ContainerFiles,
  ) {
    this.logs = new LogBuffer(config.limits.logCapacity);
  }

  /** Resolves with the next exit (or the last one, when not running and not about to run). */
  nextExit(): Promise<ExitStatus> {
    if ((this.state === 'exited' || this.state === 'dead') && this.exit) return Promise.resolve(this.exit);
    return new Promise((resolve) => this._exitWaiters.push(resolve));
  }

  /** Records the end of the current run and wakes everyone waiting for it. */
  finishRun(status: ExitStatus, state: 'exited' | 'dead' = 'exited'): void {
    this.state = state;
    this.exit = status;
    const waiters = this._exitWaiters;
    this._exitWaiters = [];
    for (const resolve of waiters) resolve(status);
    this.onExit.fire(status);
  }

  info(networks: ContainerInfo['networks'] = {}): ContainerInfo {
    return {
      id: this.id,
      name: this.name,
      image: this.image.info.name,
      imageId: this.image.info.id,
      state: this.state,
      createdAt: this.createdAt,
      startedAt: this.startedAt,
      exit: this.exit,
      restartCount: this.restartCount,
      command: this.config.command,
      networks,
    };
  }
}

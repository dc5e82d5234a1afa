// The inside of one container: its file system and the process running in
// it. Lives in the container's dedicated worker; the supervisor drives it
// through ContainerWorkerApi (comlink) and the shared ControlBlock.

import { ContainerFs } from '../fs/ContainerFs';
import { ImageLayer } from '../fs/ImageLayer';
import type { FsDirectory } from '../fs/types';
import { FileMailboxServer } from './FileMailbox';
import { fileService } from './fileService';
import { WasiProcess } from '../wasi';
import { ProcessKilled } from '../wasi/errors';
import { ControlBlock } from './ControlBlock';
import { classifyFailure } from './exitClassifier';
import { ProcessStdin, MessageOutput } from './stdio';
import {
  PROTOCOL_VERSION,
  type AttachSpec,
  type ContainerWorkerApi,
  type ProcessExit,
  type ProcessSpec,
  type WorkerMessage,
} from './protocol';
import { terminatesByDefault } from './signals';

export type PostMessage = (message: WorkerMessage, transfer?: Transferable[]) => void;

export class ContainerRuntime implements ContainerWorkerApi {
  private _fs: ContainerFs | undefined;
  private _control: ControlBlock | undefined;
  private _mailbox: FileMailboxServer | undefined;
  private _running = false;

  constructor(private readonly _post: PostMessage) {}

  attach(spec: AttachSpec): void {
    if (spec.version !== PROTOCOL_VERSION) throw new Error(`protocol version ${spec.version} is not ${PROTOCOL_VERSION}`);
    if (this._fs) throw new Error('this worker already holds a container');
    const layers = spec.layers.map((layer) => ImageLayer.fromEntries(layer.entries));
    this._fs = new ContainerFs({ layers, limits: spec.limits });
    this._control = new ControlBlock(spec.control);
    for (const file of spec.files) this._fs.writeFile(file.path, file.data, { mode: file.mode });
    this._mailbox = new FileMailboxServer(spec.mailbox, fileService(this._fs));
    void this._mailbox.serveForever();
  }

  run(spec: ProcessSpec): void {
    const fs = this._requireFs();
    const control = this._control!;
    if (this._running) throw new Error('a process is already running in this container');
    this._running = true;
    let exit: ProcessExit;
    let memory: WebAssembly.Memory | undefined;
    try {
      const mailbox = this._mailbox!;
      // The wake count as of the last check: a wake-up that lands between a
      // check and the wait that follows it makes the wait return at once
      // instead of being lost.
      let seenWakes = control.wakeCount();
      const checkSignals = (): void => {
        seenWakes = control.wakeCount();
        mailbox.servePending(); // file requests (docker cp) are served at every syscall and wake-up
        const signal = control.takeSignal();
        if (signal !== 0 && terminatesByDefault(signal)) throw new ProcessKilled(signal);
      };
      const process = new WasiProcess({
        args: spec.args,
        env: spec.env,
        preopens: spec.preopens.map((guestPath) => ({ guestPath, dir: resolveDirectory(fs, guestPath) })),
        stdin: new ProcessStdin(control, spec.tty, () => this._post({ flotilla: PROTOCOL_VERSION, type: 'stdin-space', runId: spec.runId }), checkSignals),
        stdout: new MessageOutput(this._post, spec.runId, 1, spec.tty),
        stderr: new MessageOutput(this._post, spec.runId, 2, spec.tty),
        waiter: { wait: (timeoutMs) => control.waitForWake(seenWakes, timeoutMs) },
        checkSignals,
      });
      const instance = new WebAssembly.Instance(spec.module, process.imports);
      memory = instance.exports.memory instanceof WebAssembly.Memory ? instance.exports.memory : undefined;
      exit = { kind: 'exit', code: process.run(instance) };
    } catch (error) {
      exit = classifyFailure(error, memory, spec.memoryLimitPages);
    } finally {
      this._running = false;
      control.clearSignal();
    }
    this._post({ flotilla: PROTOCOL_VERSION, type: 'exit', runId: spec.runId, exit });
  }

  private _requireFs(): ContainerFs {
    if (!this._fs) throw new Error('no container is attached to this worker');
    return this._fs;
  }
}

/** The directory at an absolute guest path, created when missing (a mount point). */
function resolveDirectory(fs: ContainerFs, guestPath: string): FsDirectory {
  return fs.mkdirp(guestPath);
}

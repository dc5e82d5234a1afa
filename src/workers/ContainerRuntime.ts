// The inside of one container: its file system and the process running in
// it. Lives in the container's dedicated worker; the supervisor drives it
// through ContainerWorkerApi (comlink) and the shared ControlBlock.

import { ContainerFs } from '../fs/ContainerFs';
import { ReadonlyLayer } from '../fs/ReadonlyLayer';
import type { FsDirectory } from '../fs/types';
import { WasiProcess } from '../wasi';
import { ControlBlock } from './ControlBlock';
import { classifyFailure } from './exitClassifier';
import { ProcessStdin, MessageOutput } from './stdio';
import {
  PROTOCOL_VERSION,
  type AttachSpec,
  type ContainerWorkerApi,
  type ExportedFile,
  type ProcessExit,
  type ProcessSpec,
  type WorkerMessage,
} from './protocol';
import { SignalTermination } from './signals';

export type PostMessage = (message: WorkerMessage, transfer?: Transferable[]) => void;

export class ContainerRuntime implements ContainerWorkerApi {
  private _fs: ContainerFs | undefined;
  private _control: ControlBlock | undefined;
  private _running = false;

  constructor(private readonly _post: PostMessage) {}

  attach(spec: AttachSpec): void {
    if (spec.version !== PROTOCOL_VERSION) throw new Error(`protocol version ${spec.version} is not ${PROTOCOL_VERSION}`);
    if (this._fs) throw new Error('this worker already holds a container');
    const layers = spec.layers.map((layer) => new ReadonlyLayer(layer.entries));
    this._fs = new ContainerFs({ layers, limits: spec.limits });
    this._control = new ControlBlock(spec.control);
    for (const file of spec.files) this._fs.writeFile(file.path, file.data, { mode: file.mode });
  }

  run(spec: ProcessSpec): void {
    const fs = this._requireFs();
    const control = this._control!;
    if (this._running) throw new Error('a process is already running in this container');
    this._running = true;
    let exit: ProcessExit;
    let memory: WebAssembly.Memory | undefined;
    try {
      const process = new WasiProcess({
        args: spec.args,
        env: spec.env,
        preopens: spec.preopens.map((guestPath) => ({ guestPath, dir: resolveDirectory(fs, guestPath) })),
        stdin: new ProcessStdin(control, spec.tty, () => this._post({ flotilla: PROTOCOL_VERSION, type: 'stdin-space', runId: spec.runId })),
        stdout: new MessageOutput(this._post, spec.runId, 1, spec.tty),
        stderr: new MessageOutput(this._post, spec.runId, 2, spec.tty),
        waiter: { wait: (timeoutMs) => control.waitForWake(control.wakeCount(), timeoutMs) },
        checkSignals: () => {
          const signal = control.pendingSignal();
          if (signal !== 0) throw new SignalTermination(signal);
        },
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

  readFile(path: string): Uint8Array {
    return this._requireFs().readFile(path);
  }

  writeFile(path: string, data: Uint8Array): void {
    this._requireFs().writeFile(path, data);
  }

  listDir(path: string): string[] {
    return this._requireFs().list(path);
  }

  exportTree(path: string): ExportedFile[] {
    const root = resolveDirectory(this._requireFs(), path);
    const files: ExportedFile[] = [];
    const walk = (dir: FsDirectory, prefix: string): void => {
      for (const [name, node] of dir.entries()) {
        const child = `${prefix}/${name}`;
        if (node.kind === 'directory') {
          files.push({ path: child, kind: 'directory' });
          walk(node, child);
        } else if (node.kind === 'symlink') {
          files.push({ path: child, kind: 'symlink', target: node.target });
        } else {
          const data = new Uint8Array(node.size());
          node.read(data, 0);
          files.push({ path: child, kind: 'file', data });
        }
      }
    };
    walk(root, '');
    return files;
  }

  private _requireFs(): ContainerFs {
    if (!this._fs) throw new Error('no container is attached to this worker');
    return this._fs;
  }
}

/** Follows an absolute guest path to a directory (mkdir -p semantics for mount points). */
function resolveDirectory(fs: ContainerFs, guestPath: string): FsDirectory {
  fs.mkdirp(guestPath);
  let dir: FsDirectory = fs.root;
  for (const part of guestPath.split('/').filter(Boolean)) {
    const next = dir.lookup(part);
    if (!next || next.kind !== 'directory') throw new Error(`${guestPath} is not a directory`);
    dir = next;
  }
  return dir;
}

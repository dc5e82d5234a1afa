// Runs one program of a container in a process worker: a WasiProcess over
// the container's file system (RemoteFs to the container worker), with the
// stdio the kernel chose, the container's terminal facts and signals.

import { WasiProcess } from '../../wasi';
import { ProcessKilled } from '../../wasi/errors';
import { ControlBlock } from '../ControlBlock';
import { classifyFailure } from '../exitClassifier';
import { RemoteFs } from '../fsRpc/RemoteFs';
import type { ProcessExit } from '../protocol';
import { terminatesByDefault } from '../signals';
import { FLOTILLA_EXTENSION_MODULE } from '../extensionNames';
import { flotillaExtensions } from './extensions';
import { runRuby } from '../drivers/ruby';
import { GuestGovernor } from '../GuestGovernor';
import type { ProcessWorkerMessage, ProcessWorkerSpec } from './processProtocol';
import { inputFor, outputFor, type StdioContext } from './processStdio';
import { NetworkLink } from '../NetworkLink';

const WAIT_SLICE_MS = 20;

export type PostProcessMessage = (message: ProcessWorkerMessage, transfer?: Transferable[]) => void;

export async function runProcess(spec: ProcessWorkerSpec, post: PostProcessMessage): Promise<void> {
  const control = new ControlBlock(spec.control);
  const containerControl = new ControlBlock(spec.terminalControl);
  let seenWakes = control.wakeCount();
  let memory: WebAssembly.Memory | undefined;
  const check = (): void => {
    seenWakes = control.wakeCount();
    if (memory) control.publishMemory(memory.buffer.byteLength);
    const signal = control.takeSignal();
    if (signal !== 0 && terminatesByDefault(signal)) throw new ProcessKilled(signal);
  };
  // The container's own block: its quotas and the run's CPU totals. Spending
  // the CPU-time limit here ends the whole container (its kernel kills pid 1).
  const quota = spec.quota ? new ControlBlock(spec.quota) : undefined;
  const governor = new GuestGovernor({ process: control, container: quota ?? control, poll: check, memory: () => memory, onCpuLimit: () => quota?.raise(9) });
  const context: StdioContext = {
    containerControl,
    tty: spec.tty,
    check,
    postOutput: (fd, data) => post({ type: 'output', pid: spec.pid, fd, data }, [data.buffer]),
    block: (wait) => control.blocked(wait),
  };
  let exit: ProcessExit;
  let wasi: WasiProcess | undefined;
  try {
    const fs = new RemoteFs(spec.fsChannel.buffer, { doorbell: spec.fsChannel.doorbell, checkInterrupt: check });
    const sockets = spec.net ? new NetworkLink(spec.net.arena, spec.net.bell, spec.net.port).stack(check, (wait) => control.blocked(wait)) : undefined;
    wasi = new WasiProcess({
      args: spec.argv,
      env: spec.env,
      preopens: [{ guestPath: '/', dir: fs.root }],
      stdin: inputFor(spec.stdio[0], context),
      stdout: outputFor(spec.stdio[1], context),
      stderr: outputFor(spec.stdio[2], context),
      // Sliced: input may arrive on a pipe or the terminal, whose wake-ups are not ours.
      waiter: { wait: (timeoutMs) => control.sleep(seenWakes, Math.min(timeoutMs, WAIT_SLICE_MS)) },
      checkSignals: check,
      maxFds: spec.fdLimit,
      onOpenFiles: (count) => control.publishOpenFiles(count),
      sockets,
    });
    if (spec.driver === 'ruby') {
      // A reactor with its own embedding API: the driver instantiates and runs it.
      exit = governor.exitOf(await runRuby(spec.module, wasi, spec.argv, (instance) => { memory = instance.exports.memory as WebAssembly.Memory; }, governor.importsFor(spec.module)));
    } else {
      const imports = { ...wasi.imports, [FLOTILLA_EXTENSION_MODULE]: flotillaExtensions({ pid: spec.pid, memory: () => memory, containerControl, kernelCalls: spec.kernelCalls, check }), ...governor.importsFor(spec.module) };
      const instance = new WebAssembly.Instance(spec.module, imports);
      memory = instance.exports.memory instanceof WebAssembly.Memory ? instance.exports.memory : undefined;
      exit = governor.exitOf(wasi.run(instance));
    }
  } catch (error) {
    exit = classifyFailure(error, memory, quota?.quotas().memoryPages || undefined, governor.growFailed);
  } finally {
    governor.finish();
    wasi?.closeSockets(exit!.kind !== 'exit'); // a process that died resets its connections
    spec.net?.port.close();
  }
  post({ type: 'exit', pid: spec.pid, exit });
}

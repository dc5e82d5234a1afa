// Runs src/shell's Shell as a process of a container kernel.
import type { ContainerFs } from '../../fs/ContainerFs';
import { Shell } from '../../shell';
import type { ShellFactory } from './ContainerKernel';
import { KernelShellHost } from './KernelShellHost';

export const createShell: ShellFactory = (kernel, pid, options) =>
  new Shell(new KernelShellHost(kernel, kernel.options.fs as ContainerFs, pid), options);

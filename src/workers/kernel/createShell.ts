// Runs src/shell's Shell as a process of a container kernel.
// TODO(#6): wire src/shell's Shell here once it lands; until then no image
// names the built-in shell, so this path is unreachable.
import type { ShellFactory } from './ContainerKernel';

export const createShell: ShellFactory = () => {
  throw new Error('the built-in shell is not available in this build');
};
